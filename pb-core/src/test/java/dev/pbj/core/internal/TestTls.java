package dev.pbj.core.internal;

import dev.pbj.TlsOptions;
import dev.pbj.core.ProviderRegistry;
import dev.pbj.tcp.TcpTransportProvider;
import dev.pbj.websocket.WebSocketTransportProvider;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A registry whose WebSocket transport speaks {@code wss://}, and whose TCP transport {@code tls://}, with a
 * self-signed certificate for 127.0.0.1 that keytool makes once per test JVM; both sides trust it.
 */
final class TestTls {
  private static final char[] PASSWORD = "changeit".toCharArray();
  private static ProviderRegistry registry;

  private TestTls() {}

  static synchronized ProviderRegistry registry() throws Exception {
    if (registry == null) {
      SSLContext selfSigned = selfSigned();
      ProviderRegistry.Builder builder = ProviderRegistry.builder()
          .addTransport(WebSocketTransportProvider.builder().sslContext(selfSigned).build())
          .addTransport(TcpTransportProvider.builder().tls(TlsOptions.of(selfSigned)).build());
      ProviderRegistry.getDefault().serializers().forEach(builder::addSerializer);
      registry = builder.build();
    }
    return registry;
  }

  private static SSLContext selfSigned() throws Exception {
    Path dir = Files.createTempDirectory("pbj-tls");
    Path keystore = dir.resolve("server.p12");
    Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
        "-genkeypair", "-alias", "pbj", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=localhost",
        "-ext", "SAN=ip:127.0.0.1,dns:localhost", "-validity", "2", "-storetype", "PKCS12",
        "-keystore", keystore.toString(), "-storepass", new String(PASSWORD), "-keypass", new String(PASSWORD))
        .redirectErrorStream(true).start();
    String output = new String(keytool.getInputStream().readAllBytes());
    if (!keytool.waitFor(30, TimeUnit.SECONDS) || keytool.exitValue() != 0) {
      throw new IllegalStateException("keytool failed: " + output);
    }
    KeyStore store = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(keystore)) {
      store.load(in, PASSWORD);
    }
    Files.delete(keystore);
    Files.delete(dir);
    var keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    keyManagers.init(store, PASSWORD);
    var trustManagers = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    trustManagers.init(store);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(keyManagers.getKeyManagers(), trustManagers.getTrustManagers(), null);
    return context;
  }
}
