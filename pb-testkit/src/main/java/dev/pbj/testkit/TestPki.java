package dev.pbj.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A throwaway certificate authority for TLS tests, made at test time with the {@code openssl} command (never checked
 * in): a CA certificate, and certificates it signs for servers and clients, each with its key in the PEM form asked
 * for. Everything lives in the directory given, which the test owns (a JUnit {@code @TempDir}). Certificates are valid
 * for two days, and usable both as server and as client certificates. Thread-safe: tests may issue concurrently.
 *
 * <pre>{@code
 * TestPki ca = TestPki.create(dir, "PBJ test CA");
 * TestPki.Issued server = ca.issue("server", TestPki.KeyForm.RSA_PKCS1, "DNS:localhost", "IP:127.0.0.1");
 * }</pre>
 */
public final class TestPki {
  /** {@code /usr/bin/openssl}, or {@code PBJ_OPENSSL}. */
  public static final String OPENSSL = System.getenv().getOrDefault("PBJ_OPENSSL", "/usr/bin/openssl");

  /** The subject alternative names a loopback server's certificate carries. */
  public static final String[] LOOPBACK = {"DNS:localhost", "IP:127.0.0.1"};

  /** The PEM forms of private keys openssl writes. */
  public enum KeyForm {
    /** {@code BEGIN PRIVATE KEY}, RSA 2048. */
    RSA_PKCS8,
    /** {@code BEGIN RSA PRIVATE KEY} (OpenSSL's "traditional" form), RSA 2048. */
    RSA_PKCS1,
    /** {@code BEGIN PRIVATE KEY}, EC P-256. */
    EC_PKCS8,
    /** {@code BEGIN EC PRIVATE KEY}, EC P-256. */
    EC_SEC1
  }

  /** A certificate this CA signed, its key, and both concatenated (what Twisted's {@code PrivateCertificate} reads). */
  public record Issued(Path certificate, Path key) {
    /** The key and certificate in one PEM file, written beside them on first use. */
    public Path combined() {
      Path both = certificate.resolveSibling(certificate.getFileName() + ".with-key.pem");
      try {
        if (!Files.exists(both)) {
          Files.writeString(both, Files.readString(key) + Files.readString(certificate));
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return both;
    }
  }

  private final Path dir;
  private final String name;
  private final Path certificate;
  private final Path key;
  private final AtomicInteger serial = new AtomicInteger(1);

  private TestPki(Path dir, String name, Path certificate, Path key) {
    this.dir = dir;
    this.name = name;
    this.certificate = certificate;
    this.key = key;
  }

  /** A new CA named {@code commonName}, its files in {@code dir}. */
  public static TestPki create(Path dir, String commonName) {
    String stem = fileName(commonName);
    Path key = dir.resolve(stem + ".key");
    Path certificate = dir.resolve(stem + ".pem");
    openssl(dir, "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", key.toString());
    openssl(dir, "req", "-x509", "-new", "-key", key.toString(), "-out", certificate.toString(), "-days", "2",
        "-subj", "/CN=" + commonName, "-addext", "basicConstraints=critical,CA:TRUE",
        "-addext", "keyUsage=critical,keyCertSign,cRLSign");
    return new TestPki(dir, commonName, certificate, key);
  }

  /** The CA's certificate (PEM): what peers trust. */
  public Path certificate() {
    return certificate;
  }

  /**
   * A certificate for {@code commonName} with {@code subjectAltNames} (such as {@code DNS:localhost},
   * {@code IP:127.0.0.1}; none: no extension), signed by this CA, and its new key in {@code form}.
   */
  public Issued issue(String commonName, KeyForm form, String... subjectAltNames) {
    // one serial per call, taken first: tests issue concurrently (JUnit runs methods in parallel), and a serial read
    // here but taken later gave two calls the same file names
    int number = serial.getAndIncrement();
    String stem = fileName(name) + "-" + fileName(commonName) + "-" + number;
    Path leafKey = dir.resolve(stem + ".key");
    Path request = dir.resolve(stem + ".csr");
    Path leaf = dir.resolve(stem + ".pem");
    Path extensions = dir.resolve(stem + ".ext");
    switch (form) {
      case RSA_PKCS8 -> openssl(dir, "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048",
          "-out", leafKey.toString());
      case RSA_PKCS1 -> {
        Path pkcs8 = dir.resolve(stem + ".pkcs8.key");
        openssl(dir, "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", pkcs8.toString());
        openssl(dir, "rsa", "-in", pkcs8.toString(), "-traditional", "-out", leafKey.toString());
      }
      case EC_PKCS8 -> openssl(dir, "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256",
          "-out", leafKey.toString());
      case EC_SEC1 -> openssl(dir, "ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", leafKey.toString());
    }
    List<String> lines = new ArrayList<>(List.of("basicConstraints=CA:FALSE",
        "keyUsage=critical,digitalSignature,keyEncipherment", "extendedKeyUsage=serverAuth,clientAuth"));
    if (subjectAltNames.length > 0) {
      lines.add("subjectAltName=" + String.join(",", subjectAltNames));
    }
    try {
      Files.write(extensions, lines);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    openssl(dir, "req", "-new", "-key", leafKey.toString(), "-subj", "/CN=" + commonName, "-out", request.toString());
    openssl(dir, "x509", "-req", "-in", request.toString(), "-CA", certificate.toString(), "-CAkey", key.toString(),
        "-set_serial", Integer.toString(number), "-days", "2", "-sha256",
        "-extfile", extensions.toString(), "-out", leaf.toString());
    return new Issued(leaf, leafKey);
  }

  /** A loopback server's certificate ({@link #LOOPBACK} names) with its key in {@code form}. */
  public Issued server(KeyForm form) {
    return issue("localhost", form, LOOPBACK);
  }

  /** Whether the {@code openssl} command runs here. */
  public static boolean opensslAvailable() {
    try {
      Process p = new ProcessBuilder(OPENSSL, "version").redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** Runs {@code openssl args} in {@code dir}; fails with its output when it does. */
  public static void openssl(Path dir, String... args) {
    List<String> command = new ArrayList<>();
    command.add(OPENSSL);
    command.addAll(List.of(args));
    try {
      Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
      String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException(String.join(" ", command) + " did not finish within 60 s");
      }
      if (p.exitValue() != 0) {
        throw new IllegalStateException(String.join(" ", command) + " failed (exit " + p.exitValue() + "):\n" + output);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run " + OPENSSL + " (install Debian's openssl package, or set "
          + "PBJ_OPENSSL)", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while running openssl", e);
    }
  }

  private static String fileName(String text) {
    return text.replaceAll("[^A-Za-z0-9.-]+", "-").toLowerCase(java.util.Locale.ROOT);
  }

  @Override
  public String toString() {
    return "TestPki[" + name + ", " + dir + "]";
  }
}
