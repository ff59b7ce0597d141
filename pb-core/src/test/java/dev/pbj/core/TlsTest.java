package dev.pbj.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pbj.Broker;
import dev.pbj.Referenceable;
import dev.pbj.Remote;
import dev.pbj.TlsOptions;
import dev.pbj.testkit.TestPki;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link PbServer} and {@link PbClient} over {@code tls://} and {@code wss://} with {@link TlsOptions} from PEM files
 * a throwaway CA ({@link TestPki}) makes for the test: calls work, the server's name is checked, and mutual TLS
 * refuses clients without the right certificate.
 */
class TlsTest {
  @TempDir
  static Path dir;
  private static TestPki ca;
  private static TestPki otherCa;
  private static TlsOptions server;
  private static TlsOptions trustsCa;
  private static TlsOptions alice;
  private static TlsOptions mallory;

  /** The server's object. */
  public static class Echo implements Referenceable {
    @Remote
    public Object echo(Object value) {
      return value;
    }
  }

  @BeforeAll
  static void makeCertificates() {
    ca = TestPki.create(dir, "PBJ test CA");
    otherCa = TestPki.create(dir, "Another CA");
    TestPki.Issued issued = ca.server(TestPki.KeyForm.RSA_PKCS1);
    server = TlsOptions.builder().keyCertChain(issued.certificate(), issued.key()).build();
    trustsCa = TlsOptions.builder().trustedCertificates(ca.certificate()).build();
    TestPki.Issued aliceCertificate = ca.issue("alice", TestPki.KeyForm.RSA_PKCS8);
    alice = TlsOptions.builder().trustedCertificates(ca.certificate())
        .keyCertChain(aliceCertificate.certificate(), aliceCertificate.key()).build();
    TestPki.Issued malloryCertificate = otherCa.issue("mallory", TestPki.KeyForm.EC_SEC1);
    mallory = TlsOptions.builder().trustedCertificates(ca.certificate())
        .keyCertChain(malloryCertificate.certificate(), malloryCertificate.key()).build();
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"tls", "wss"})
  void callsCrossATlsConnection(String scheme) throws Exception {
    try (PbServer pbServer = serve(scheme, server);
        PbClient client = PbClient.builder().tls(trustsCa).build()) {
      assertThat(pbServer.uri(0).getScheme()).isEqualTo(scheme);
      Broker broker = client.connect(pbServer.uri(0)).get(10, TimeUnit.SECONDS);
      assertThat(broker.rootObject().callRemote("echo", "over " + scheme).get(10, TimeUnit.SECONDS))
          .isEqualTo("over " + scheme);
      assertThat(broker.rootObject().callRemote("echo", "x".repeat(500_000)).get(10, TimeUnit.SECONDS))
          .isEqualTo("x".repeat(500_000));
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"tls", "wss"})
  void aServerWhoseCertificateNamesAnotherHostIsRefused(String scheme) throws Exception {
    TestPki.Issued elsewhere = ca.issue("elsewhere.example", TestPki.KeyForm.EC_PKCS8, "DNS:elsewhere.example");
    TlsOptions misnamed = TlsOptions.builder().keyCertChain(elsewhere.certificate(), elsewhere.key()).build();
    try (PbServer pbServer = serve(scheme, misnamed);
        PbClient client = PbClient.builder().tls(trustsCa).build()) {
      assertRefused(client.connect(pbServer.uri(0)));
      assertThat(pbServer.connections()).isEmpty();
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"tls", "wss"})
  void mutualTlsServesOnlyClientsWithACertificateItsCaSigned(String scheme) throws Exception {
    TestPki.Issued issued = ca.server(TestPki.KeyForm.EC_PKCS8);
    TlsOptions mutual = TlsOptions.builder().keyCertChain(issued.certificate(), issued.key())
        .trustedCertificates(ca.certificate()).clientAuth(TlsOptions.ClientAuth.REQUIRED).build();
    try (PbServer pbServer = serve(scheme, mutual);
        PbClient anonymous = PbClient.builder().tls(trustsCa).build();
        PbClient fromAnotherCa = PbClient.builder().tls(mallory).build();
        PbClient withCertificate = PbClient.builder().tls(alice).build()) {
      assertRefused(anonymous.connect(pbServer.uri(0)));
      assertRefused(fromAnotherCa.connect(pbServer.uri(0)));
      Broker broker = withCertificate.connect(pbServer.uri(0)).get(10, TimeUnit.SECONDS);
      assertThat(broker.rootObject().callRemote("echo", 42).get(10, TimeUnit.SECONDS)).isEqualTo(42L);
      assertThat(pbServer.connections()).singleElement().satisfies(served -> assertThat(served.peerIdentity())
          .get().asString().contains("CN=alice")); // the verified client certificate names the peer
    }
  }

  @Test
  void aTlsListenerWithoutTlsOptionsFailsToStartSayingWhatIsMissing() {
    PbServer unconfigured = PbServer.builder().root(new Echo()).listen("tls://127.0.0.1:0").build();
    assertThatThrownBy(unconfigured::start).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("tls://127.0.0.1:0").hasMessageContaining("needs TLS settings");
  }

  private static PbServer serve(String scheme, TlsOptions tls) {
    return PbServer.builder().root(new Echo()).tls(tls).listen(scheme + "://127.0.0.1:0/pb").build().start();
  }

  /** Refused in the handshake, or (TLS 1.3 checks the client's certificate last) right after it. */
  private static void assertRefused(CompletableFuture<Broker> connecting) {
    assertThat(connecting).failsWithin(10, TimeUnit.SECONDS).withThrowableOfType(ExecutionException.class)
        .satisfies(e -> assertThat(causes(e)).as("the causes of %s", e).anyMatch(cause -> cause instanceof SSLException
            || cause instanceof java.net.SocketException)); // TLS 1.3: the server's alert, or its reset if that wins
  }

  private static java.util.List<Throwable> causes(Throwable error) {
    java.util.List<Throwable> chain = new java.util.ArrayList<>();
    for (Throwable t = error; t != null && !chain.contains(t); t = t.getCause()) {
      chain.add(t);
    }
    return chain;
  }
}
