package dev.pbj.websocket;

import static dev.pbj.websocket.RecordingHandler.TIMEOUT_SECONDS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pbj.Limits;
import dev.pbj.TlsOptions;
import dev.pbj.spi.Link;
import dev.pbj.spi.LinkAcceptor;
import dev.pbj.spi.LinkHandler;
import dev.pbj.spi.TransportServer;
import dev.pbj.testkit.TestPki;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import javax.net.ssl.SSLException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code wss://} with the acceptor's {@link TlsOptions} (what {@code PbServer.builder().tls(…)} passes): PEM
 * certificates from a throwaway CA ({@link TestPki}), the provider given no {@code SSLContext}, and mutual TLS through
 * Undertow's client-auth mode on the server and the client's key managers.
 */
class WssTlsOptionsTest {
  @TempDir
  static Path dir;
  private static TestPki ca;
  private static TlsOptions server;
  private static TlsOptions mutualServer;
  private static TlsOptions client;
  private static TlsOptions alice;
  private static TlsOptions mallory;

  @BeforeAll
  static void makeCertificates() {
    ca = TestPki.create(dir, "PBJ test CA");
    TestPki other = TestPki.create(dir, "Another CA");
    TestPki.Issued issued = ca.server(TestPki.KeyForm.RSA_PKCS1);
    server = TlsOptions.builder().keyCertChain(issued.certificate(), issued.key()).build();
    mutualServer = TlsOptions.builder().keyCertChain(issued.certificate(), issued.key())
        .trustedCertificates(ca.certificate()).clientAuth(TlsOptions.ClientAuth.REQUIRED).build();
    client = TlsOptions.builder().trustedCertificates(ca.certificate()).build();
    TestPki.Issued aliceCertificate = ca.issue("alice", TestPki.KeyForm.EC_PKCS8);
    alice = TlsOptions.builder().trustedCertificates(ca.certificate())
        .keyCertChain(aliceCertificate.certificate(), aliceCertificate.key()).build();
    TestPki.Issued malloryCertificate = other.issue("mallory", TestPki.KeyForm.EC_SEC1);
    mallory = TlsOptions.builder().trustedCertificates(ca.certificate())
        .keyCertChain(malloryCertificate.certificate(), malloryCertificate.key()).build();
  }

  @Test
  void messagesCrossAWssLinkMadeWithTheAcceptorsOptions() throws Exception {
    BlockingQueue<RecordingHandler> accepted = new LinkedBlockingQueue<>();
    try (var provider = new WebSocketTransportProvider();
        TransportServer listener = provider.listen(URI.create("wss://127.0.0.1:0/pb"), acceptor(server, link -> {
          var handler = new RecordingHandler();
          accepted.add(handler);
          return handler;
        })).get(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
      var clientHandler = new RecordingHandler();
      Link link = provider.connect(uri(listener), acceptor(client, link1 -> clientHandler))
          .get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
      RecordingHandler peer = accepted.poll(TIMEOUT_SECONDS, TimeUnit.SECONDS);
      link.send(new byte[] {1, 2, 3});
      assertThat(peer.awaitMessages(1)).containsExactly(new byte[] {1, 2, 3});
      link.close();
      assertThat(clientHandler.awaitClosed()).isNull();
    }
  }

  @Test
  void requiredClientCertificatesServeOnlyClientsTheServersCaSigned() throws Exception {
    List<Link> accepted = new ArrayList<>();
    try (var provider = new WebSocketTransportProvider();
        TransportServer listener = provider.listen(URI.create("wss://127.0.0.1:0/pb"), acceptor(mutualServer,
            link -> {
              synchronized (accepted) {
                accepted.add(link);
              }
              return new RecordingHandler();
            })).get(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
      for (TlsOptions refused : List.of(client, mallory)) {
        assertThat(provider.connect(uri(listener), acceptor(refused, link -> new RecordingHandler())))
            .failsWithin(TIMEOUT_SECONDS, TimeUnit.SECONDS).withThrowableOfType(ExecutionException.class)
            // TLS 1.3 checks the client's certificate after the client thinks the handshake done: the server's
            // alert, or its reset of the connection when that wins the race, is what the client sees
            .satisfies(e -> assertThat(causes(e)).as("causes of %s", e).anyMatch(cause -> cause instanceof SSLException
                || cause instanceof java.net.SocketException || String.valueOf(cause.getMessage())
                    .contains("header parser received no bytes")));
      }
      synchronized (accepted) {
        assertThat(accepted).isEmpty();
      }
      var aliceHandler = new RecordingHandler();
      Link link = provider.connect(uri(listener), acceptor(alice, link1 -> aliceHandler))
          .get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
      link.send(new byte[] {4});
      link.close();
      assertThat(aliceHandler.awaitClosed()).isNull();
      synchronized (accepted) {
        assertThat(accepted).hasSize(1);
      }
    }
  }

  @Test
  void aServerCertificateForAnotherNameFailsTheConnectUnlessHostnamesGoUnchecked() throws Exception {
    TestPki.Issued elsewhere = ca.issue("elsewhere.example", TestPki.KeyForm.EC_PKCS8, "DNS:elsewhere.example");
    TlsOptions misnamed = TlsOptions.builder().keyCertChain(elsewhere.certificate(), elsewhere.key()).build();
    try (var provider = new WebSocketTransportProvider();
        TransportServer listener = provider.listen(URI.create("wss://127.0.0.1:0/pb"),
            acceptor(misnamed, link -> new RecordingHandler())).get(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
      assertThat(provider.connect(uri(listener), acceptor(client, link -> new RecordingHandler())))
          .failsWithin(TIMEOUT_SECONDS, TimeUnit.SECONDS).withThrowableOfType(ExecutionException.class)
          .satisfies(e -> assertThat(causes(e)).as("causes of %s", e)
              .anyMatch(cause -> cause instanceof javax.net.ssl.SSLHandshakeException));
      TlsOptions unchecked = TlsOptions.builder().trustedCertificates(ca.certificate()).verifyHostname(false).build();
      Link link = provider.connect(uri(listener), acceptor(unchecked, link1 -> new RecordingHandler()))
          .get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
      link.close();
    }
  }

  @Test
  void listeningOnWssNeedsTlsOptionsOrAContext() {
    try (var provider = new WebSocketTransportProvider()) {
      assertThat(provider.listen(URI.create("wss://127.0.0.1:0/pb"), acceptor(null, link -> new RecordingHandler())))
          .failsWithin(TIMEOUT_SECONDS, TimeUnit.SECONDS).withThrowableOfType(ExecutionException.class)
          .withCauseInstanceOf(IllegalArgumentException.class).withMessageContaining("needs TLS settings");
    }
  }

  private static URI uri(TransportServer listener) {
    return URI.create("wss://127.0.0.1:" + listener.localAddress().getPort() + "/pb");
  }

  private static List<Throwable> causes(Throwable error) {
    List<Throwable> chain = new ArrayList<>();
    for (Throwable t = error; t != null && !chain.contains(t); t = t.getCause()) {
      chain.add(t);
    }
    return chain;
  }

  private static LinkAcceptor acceptor(TlsOptions tls, Function<Link, LinkHandler> handlers) {
    LinkAcceptor plain = Acceptors.accepting(Acceptors.BANANA_MSGPACK, Limits.defaults(), handlers);
    return new LinkAcceptor() {
      @Override
      public LinkHandler accept(Link link) {
        return plain.accept(link);
      }

      @Override
      public List<String> serializers() {
        return plain.serializers();
      }

      @Override
      public TlsOptions tls() {
        return tls;
      }
    };
  }
}
