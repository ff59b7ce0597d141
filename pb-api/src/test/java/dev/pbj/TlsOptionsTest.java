package dev.pbj;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link TlsOptions} from the PEM files openssl writes, checked by real handshakes between two in-memory
 * {@link SSLEngine}s. The certificates are made here with {@code /usr/bin/openssl} (pb-api has no dependencies, so
 * not with pb-testkit's {@code TestPki}): a throwaway CA, a server certificate for {@code localhost}/127.0.0.1, one
 * for another name, and a client certificate.
 */
class TlsOptionsTest {
  @TempDir
  static Path dir;

  @BeforeAll
  static void makeACa() {
    openssl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", "ca.key");
    openssl("req", "-x509", "-new", "-key", "ca.key", "-out", "ca.pem", "-days", "2", "-subj", "/CN=PBJ test CA",
        "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign");
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"rsa-pkcs8", "rsa-pkcs1", "ec-pkcs8", "ec-sec1"})
  void eachKeyFormOpensslWritesServesAHandshake(String form) throws Exception {
    Path key = key(form);
    assertThat(Files.readString(key)).contains(switch (form) {
      case "rsa-pkcs1" -> "-----BEGIN RSA PRIVATE KEY-----";
      case "ec-sec1" -> "-----BEGIN EC PRIVATE KEY-----";
      default -> "-----BEGIN PRIVATE KEY-----";
    });
    Path certificate = certificate(form, key, "localhost", "DNS:localhost,IP:127.0.0.1");
    TlsOptions server = TlsOptions.builder().keyCertChain(certificate, key).build();
    TlsOptions client = TlsOptions.builder().trustedCertificates(dir.resolve("ca.pem")).build();

    SSLEngine clientEngine = client.newClientEngine("127.0.0.1", 8789);
    handshake(clientEngine, server.newServerEngine());
    X509Certificate seen = (X509Certificate) clientEngine.getSession().getPeerCertificates()[0];
    assertThat(seen.getSubjectX500Principal().getName()).isEqualTo("CN=localhost");
    handshake(client.newClientEngine("localhost", 8789), server.newServerEngine()); // the DNS name too
    assertThat(server.toString()).contains("CN=localhost");
  }

  @Test
  void aClientRefusesACertificateForAnotherNameUnlessTold() throws Exception {
    Path key = key("ec-pkcs8");
    Path other = certificate("other", key, "other.example", "DNS:other.example");
    TlsOptions server = TlsOptions.builder().keyCertChain(other, key).build();
    TlsOptions client = TlsOptions.builder().trustedCertificates(dir.resolve("ca.pem")).build();

    assertThatThrownBy(() -> handshake(client.newClientEngine("127.0.0.1", 1), server.newServerEngine()))
        .isInstanceOf(SSLHandshakeException.class).hasMessageContaining("127.0.0.1");
    assertThatThrownBy(() -> handshake(client.newClientEngine("localhost", 1), server.newServerEngine()))
        .isInstanceOf(SSLHandshakeException.class).hasMessageContaining("localhost");
    TlsOptions trusting = TlsOptions.builder().trustedCertificates(dir.resolve("ca.pem")).verifyHostname(false)
        .build();
    handshake(trusting.newClientEngine("localhost", 1), server.newServerEngine());
  }

  @Test
  void aClientRefusesAServerItsCasDidNotSign() throws Exception {
    Path key = key("ec-pkcs8");
    Path certificate = certificate("untrusted", key, "localhost", "DNS:localhost");
    TlsOptions server = TlsOptions.builder().keyCertChain(certificate, key).build();
    TlsOptions jdkTrust = TlsOptions.builder().build();
    assertThatThrownBy(() -> handshake(jdkTrust.newClientEngine("localhost", 1), server.newServerEngine()))
        .isInstanceOf(SSLHandshakeException.class);
  }

  @Test
  void requiredClientAuthRefusesAClientWithoutACertificateAndServesOneWithIt() throws Exception {
    Path serverKey = key("ec-pkcs8");
    Path serverCertificate = certificate("mtls-server", serverKey, "localhost", "DNS:localhost");
    TlsOptions server = TlsOptions.builder().keyCertChain(serverCertificate, serverKey)
        .trustedCertificates(dir.resolve("ca.pem")).clientAuth(TlsOptions.ClientAuth.REQUIRED).build();
    Path clientKey = key("rsa-pkcs1");
    Path clientCertificate = certificate("mtls-client", clientKey, "alice", "DNS:alice");
    TlsOptions anonymous = TlsOptions.builder().trustedCertificates(dir.resolve("ca.pem")).build();
    TlsOptions alice = TlsOptions.builder().trustedCertificates(dir.resolve("ca.pem"))
        .keyCertChain(clientCertificate, clientKey).build();

    assertThatThrownBy(() -> handshake(anonymous.newClientEngine("localhost", 1), server.newServerEngine()))
        .isInstanceOf(SSLHandshakeException.class);
    SSLEngine serverEngine = server.newServerEngine();
    handshake(alice.newClientEngine("localhost", 1), serverEngine);
    assertThat(((X509Certificate) serverEngine.getSession().getPeerCertificates()[0]).getSubjectX500Principal()
        .getName()).isEqualTo("CN=alice");
    assertThat(server.clientAuth()).isEqualTo(TlsOptions.ClientAuth.REQUIRED);
  }

  @Test
  void aChainFileMayHoldIntermediatesAndText() throws Exception {
    Path key = key("rsa-pkcs8");
    Path certificate = certificate("chain", key, "localhost", "DNS:localhost");
    Path chain = dir.resolve("chain-with-text.pem");
    Files.writeString(chain, "Subject: CN=localhost\n" + Files.readString(certificate)
        + Files.readString(dir.resolve("ca.pem")));
    TlsOptions server = TlsOptions.builder().keyCertChain(chain, key).build();
    TlsOptions client = TlsOptions.builder().trustedCertificates(dir.resolve("ca.pem")).build();
    SSLEngine clientEngine = client.newClientEngine("localhost", 1);
    handshake(clientEngine, server.newServerEngine());
    assertThat(clientEngine.getSession().getPeerCertificates()).hasSize(2);
  }

  @Test
  void badFilesFailWithTheFileAndTheProblem() throws Exception {
    Path key = key("ec-pkcs8");
    Path certificate = certificate("bad-files", key, "localhost", "DNS:localhost");
    Path missing = dir.resolve("missing.pem");
    Path notPem = Files.writeString(dir.resolve("not-pem.txt"), "hello\n");
    Path truncated = Files.writeString(dir.resolve("truncated.pem"),
        Files.readString(certificate).lines().limit(4).reduce("", (a, b) -> a + b + "\n"));
    Path badBase64 = Files.writeString(dir.resolve("bad-base64.pem"),
        "-----BEGIN PRIVATE KEY-----\n!!!!\n-----END PRIVATE KEY-----\n");
    Path garbageKey = Files.writeString(dir.resolve("garbage-key.pem"),
        "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n");
    openssl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-aes256", "-pass", "pass:secret",
        "-out", "encrypted.key");
    Path encrypted = dir.resolve("encrypted.key");
    Path otherKey = key("ec-pkcs8");
    Path rsaKey = key("rsa-pkcs1");

    assertBad(() -> TlsOptions.builder().keyCertChain(missing, key).build(), missing, "no such file");
    assertBad(() -> TlsOptions.builder().keyCertChain(notPem, key).build(), notPem, "not a PEM file");
    assertBad(() -> TlsOptions.builder().keyCertChain(key, key).build(), key, "no -----BEGIN CERTIFICATE-----");
    assertBad(() -> TlsOptions.builder().keyCertChain(certificate, certificate).build(), certificate,
        "no private key");
    assertBad(() -> TlsOptions.builder().keyCertChain(truncated, key).build(), truncated, "no -----END CERTIFICATE");
    assertBad(() -> TlsOptions.builder().keyCertChain(certificate, badBase64).build(), badBase64, "base64");
    assertBad(() -> TlsOptions.builder().keyCertChain(certificate, garbageKey).build(), garbageKey, "PKCS#8");
    assertBad(() -> TlsOptions.builder().keyCertChain(certificate, encrypted).build(), encrypted, "encrypted");
    assertBad(() -> TlsOptions.builder().keyCertChain(certificate, otherKey).build(), otherKey,
        "does not belong to the first certificate of " + certificate);
    assertBad(() -> TlsOptions.builder().keyCertChain(certificate, rsaKey).build(), rsaKey, "does not belong");
    assertBad(() -> TlsOptions.builder().trustedCertificates(notPem).build(), notPem, "TLS trusted certificates");
    assertThatThrownBy(() -> TlsOptions.builder().sslContext(SSLContext.getDefault()).keyCertChain(certificate, key)
        .build()).isInstanceOf(IllegalStateException.class).hasMessageContaining("excludes");
  }

  @Test
  void aUserContextIsUsedAsGiven() throws Exception {
    SSLContext context = SSLContext.getDefault();
    TlsOptions options = TlsOptions.of(context);
    assertThat(options.sslContext()).isSameAs(context);
    assertThat(options.clientAuth()).isEqualTo(TlsOptions.ClientAuth.NONE);
    assertThat(options.verifiesHostname()).isTrue();
    assertThat(options.newClientEngine("localhost", 1).getSSLParameters().getEndpointIdentificationAlgorithm())
        .isEqualTo("HTTPS");
    assertThat(TlsOptions.builder().sslContext(context).clientAuth(TlsOptions.ClientAuth.OPTIONAL).build()
        .newServerEngine().getWantClientAuth()).isTrue();
  }

  private static void assertBad(org.assertj.core.api.ThrowableAssert.ThrowingCallable build, Path file,
      String problem) {
    assertThatThrownBy(build).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(file.toString()).hasMessageContaining(problem);
  }

  private static final java.util.concurrent.atomic.AtomicInteger keys = new java.util.concurrent.atomic.AtomicInteger();

  /** A new key in {@code form}: rsa-pkcs8, rsa-pkcs1, ec-pkcs8 or ec-sec1. */
  private static Path key(String form) {
    String name = form + "-" + keys.incrementAndGet() + ".key";
    switch (form) {
      case "rsa-pkcs8" -> openssl("genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", name);
      case "rsa-pkcs1" -> {
        openssl("genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", name + ".p8");
        openssl("rsa", "-in", name + ".p8", "-traditional", "-out", name);
      }
      case "ec-pkcs8" -> openssl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", name);
      case "ec-sec1" -> openssl("ecparam", "-name", "prime256v1", "-genkey", "-out", name); // with EC PARAMETERS
      default -> throw new IllegalArgumentException(form);
    }
    return dir.resolve(name);
  }

  /** A certificate the test CA signs for {@code key}. */
  private static Path certificate(String stem, Path key, String commonName, String subjectAltNames)
      throws IOException {
    Files.writeString(dir.resolve(stem + ".ext"), "subjectAltName=" + subjectAltNames
        + "\nextendedKeyUsage=serverAuth,clientAuth\n");
    openssl("req", "-new", "-key", key.toString(), "-subj", "/CN=" + commonName, "-out", stem + ".csr");
    openssl("x509", "-req", "-in", stem + ".csr", "-CA", "ca.pem", "-CAkey", "ca.key",
        "-set_serial", Integer.toString(keys.incrementAndGet()),
        "-days", "2", "-extfile", stem + ".ext", "-out", stem + ".pem");
    return dir.resolve(stem + ".pem");
  }

  private static void openssl(String... args) {
    List<String> command = new ArrayList<>(List.of("/usr/bin/openssl"));
    command.addAll(List.of(args));
    try {
      Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
      String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("%s finished", command).isTrue();
      assertThat(p.exitValue()).as("%s:\n%s", command, output).isZero();
    } catch (IOException e) {
      throw new AssertionError("cannot run /usr/bin/openssl (Debian's openssl package)", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** Runs the handshake of two engines through memory until both are done, or one throws. */
  private static void handshake(SSLEngine client, SSLEngine server) throws Exception {
    assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
      ByteBuffer toServer = ByteBuffer.allocate(1 << 17);
      ByteBuffer toClient = ByteBuffer.allocate(1 << 17);
      client.beginHandshake();
      server.beginHandshake();
      for (int round = 0; round < 100; round++) {
        boolean moved = step(client, toServer, toClient) | step(server, toClient, toServer);
        if (done(client) && done(server) && toServer.position() == 0 && toClient.position() == 0) {
          return;
        }
        if (!moved) {
          throw new AssertionError("handshake stuck: client " + client.getHandshakeStatus() + ", server "
              + server.getHandshakeStatus());
        }
      }
      throw new AssertionError("handshake did not finish in 100 rounds");
    });
  }

  private static boolean done(SSLEngine engine) {
    return engine.getHandshakeStatus() == HandshakeStatus.NOT_HANDSHAKING;
  }

  /** One move of {@code engine}: writes to {@code out}, reads {@code in} (both left in write mode). */
  private static boolean step(SSLEngine engine, ByteBuffer out, ByteBuffer in) throws SSLException {
    boolean moved = false;
    ByteBuffer application = ByteBuffer.allocate(1 << 17);
    for (int i = 0; i < 20; i++) {
      HandshakeStatus status = engine.getHandshakeStatus();
      if (status == HandshakeStatus.NEED_TASK) {
        Runnable task;
        while ((task = engine.getDelegatedTask()) != null) {
          task.run();
        }
        moved = true;
      } else if (status == HandshakeStatus.NEED_WRAP) {
        engine.wrap(ByteBuffer.allocate(0), out);
        moved = true;
      } else if ((status == HandshakeStatus.NEED_UNWRAP || status == HandshakeStatus.NEED_UNWRAP_AGAIN
          || status == HandshakeStatus.NOT_HANDSHAKING) && in.position() > 0) {
        in.flip();
        int before = in.remaining();
        boolean consumed;
        try {
          engine.unwrap(in, application);
        } finally {
          consumed = in.remaining() != before;
          in.compact();
        }
        if (!consumed) {
          return moved; // needs more of the peer's bytes
        }
        moved = true;
      } else {
        return moved;
      }
    }
    return moved;
  }
}
