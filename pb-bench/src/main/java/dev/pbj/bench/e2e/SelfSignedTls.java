package dev.pbj.bench.e2e;

import dev.pbj.TlsOptions;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * TLS for the {@code tls} and {@code wss} benchmark transports: a throwaway self-signed certificate for
 * {@code 127.0.0.1} and {@code localhost} (EC P-256, as a loopback test server would have), made by the JDK's
 * {@code keytool} once per JVM, whose key and trust both sides share; the client checks the server's name as it would
 * in production. Its files are deleted as soon as they are read. Thread-safe.
 */
final class SelfSignedTls {
  private static final char[] PASSWORD = "pbj-bench".toCharArray(); // an in-memory store's; it protects nothing
  private static TlsOptions options;

  private SelfSignedTls() {}

  /** The shared options, made on first use. */
  static synchronized TlsOptions options() {
    if (options == null) {
      options = TlsOptions.of(context());
    }
    return options;
  }

  private static SSLContext context() {
    try {
      Path dir = Files.createTempDirectory("pbj-bench-tls");
      Path keystore = dir.resolve("loopback.p12");
      try {
        keytool(keystore);
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keystore)) {
          store.load(in, PASSWORD);
        }
        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(store, PASSWORD);
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(store);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keys.getKeyManagers(), trust.getTrustManagers(), null);
        return context;
      } finally {
        Files.deleteIfExists(keystore);
        Files.delete(dir);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot make the benchmark's TLS certificate", e);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot load the benchmark's TLS certificate: " + e.getMessage(), e);
    }
  }

  private static void keytool(Path keystore) throws IOException {
    Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
    Process process = new ProcessBuilder(keytool.toString(), "-genkeypair", "-alias", "loopback", "-keyalg", "EC",
        "-groupname", "secp256r1", "-dname", "CN=localhost", "-ext", "SAN=ip:127.0.0.1,dns:localhost",
        "-validity", "2", "-storetype", "PKCS12", "-keystore", keystore.toString(),
        "-storepass", new String(PASSWORD), "-keypass", new String(PASSWORD)).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    try {
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IOException(keytool + " did not finish within 60 s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while running " + keytool, e);
    }
    if (process.exitValue() != 0) {
      throw new IOException(keytool + " failed (exit " + process.exitValue() + "): " + output);
    }
  }
}
