package dev.pbj.tcp;

import static dev.pbj.tcp.RecordingHandler.TIMEOUT_SECONDS;
import static dev.pbj.tcp.TcpTransportContract.randomBytes;
import static dev.pbj.tcp.TcpTransportContract.sendInRandomPieces;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pbj.Limits;
import dev.pbj.TlsOptions;
import dev.pbj.spi.Link;
import dev.pbj.spi.LinkAcceptor;
import dev.pbj.spi.LinkHandler;
import dev.pbj.spi.TransportServer;
import dev.pbj.testkit.TestPki;
import io.netty.handler.ssl.SslHandler;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code tls://}: the TCP transport with Netty's {@code SslHandler}, on loopback, with certificates a throwaway CA
 * ({@link TestPki}, openssl) signs for the test: the handshake is done before the acceptor runs, bytes and
 * back-pressure work through it, and a server that is not trusted, names another host, or refuses this client's
 * certificate fails the connection with an {@link SSLException}.
 */
class TlsTransportTest {
  private static final int HIGH_MARK = 256 * 1024;
  private static final Limits SMALL_MARKS = Limits.builder().outboundHighWaterMark(HIGH_MARK)
      .outboundLowWaterMark(HIGH_MARK / 2).build();

  @TempDir
  static Path dir;
  private static TestPki ca;
  private static TestPki otherCa;
  private static TlsOptions server;
  private static TlsOptions client;

  private final BlockingQueue<RecordingHandler> accepted = new LinkedBlockingQueue<>();
  private TcpTransportProvider provider;

  @BeforeAll
  static void makeCertificates() {
    ca = TestPki.create(dir, "PBJ test CA");
    otherCa = TestPki.create(dir, "Another CA");
    TestPki.Issued issued = ca.server(TestPki.KeyForm.EC_PKCS8);
    server = TlsOptions.builder().keyCertChain(issued.certificate(), issued.key()).build();
    client = TlsOptions.builder().trustedCertificates(ca.certificate()).build();
  }

  @BeforeEach
  void startProvider() {
    provider = TcpTransportProvider.builder().ioThreads(2).build();
  }

  @AfterEach
  void closeProvider() {
    provider.close();
  }

  @ParameterizedTest(name = "server key {0}")
  @EnumSource(TestPki.KeyForm.class)
  void theHandshakeIsDoneBeforeTheAcceptorRunsThenBytesCrossBothWays(TestPki.KeyForm form) throws Exception {
    TestPki.Issued issued = ca.server(form);
    TlsOptions serverTls = TlsOptions.builder().keyCertChain(issued.certificate(), issued.key()).build();
    CompletableFuture<Boolean> handshakenAtAccept = new CompletableFuture<>();
    try (TransportServer listener = provider.listen(URI.create("tls://127.0.0.1:0"), acceptor(serverTls,
        Limits.defaults(), link -> {
          SslHandler ssl = ((TcpLink) link).channel().pipeline().get(SslHandler.class);
          handshakenAtAccept.complete(ssl.handshakeFuture().isSuccess());
          return recording(link);
        })).get(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
      var clientHandler = new RecordingHandler();
      Link link = connect(listener, client, clientHandler).get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
      assertThat(((TcpLink) link).channel().pipeline().first()).isInstanceOf(SslHandler.class);
      assertThat(((TcpLink) link).channel().pipeline().get(SslHandler.class).engine().getSession().getProtocol())
          .startsWith("TLSv1.");
      assertThat(handshakenAtAccept).succeedsWithin(TIMEOUT_SECONDS, TimeUnit.SECONDS).isEqualTo(true);
      RecordingHandler serverHandler = nextAccepted();
      Link peer = serverHandler.link();

      byte[] upstream = randomBytes(1 << 20, 7);
      byte[] downstream = randomBytes(1 << 20, 8);
      sendInRandomPieces(link, upstream, 9);
      sendInRandomPieces(peer, downstream, 10);
      assertThat(serverHandler.awaitBytes(upstream.length)).isEqualTo(upstream);
      assertThat(clientHandler.awaitBytes(downstream.length)).isEqualTo(downstream);

      link.close();
      assertThat(clientHandler.awaitClosed()).isNull();
      assertThat(serverHandler.awaitClosed()).isNull();
    }
  }

  @Test
  void aPeerThatDoesNotReadMakesTheTlsLinkUnwritableUntilItReadsAgain() throws Exception {
    int chunk = 64 * 1024;
    int maxChunks = 2_000;
    try (TransportServer listener = provider.listen(URI.create("tls://127.0.0.1:0"), acceptor(server,
        Limits.defaults(), link -> {
          link.pauseReading(); // never reads until told
          return recording(link);
        })).get(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
      var handler = new RecordingHandler();
      Link link = provider.connect(uri(listener), acceptor(client, SMALL_MARKS, handler::attach))
          .get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
      RecordingHandler peer = nextAccepted();
      int sent = 0;
      while (sent < maxChunks) {
        if (link.unwrittenBytes() > HIGH_MARK) {
          // let the I/O thread report the crossing (and SslHandler encrypt what it holds) before sending more
          ((TcpLink) link).channel().eventLoop().submit(() -> {}).get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
          if (!handler.lastWritability() && link.unwrittenBytes() > HIGH_MARK) {
            break;
          }
        }
        byte[] message = new byte[chunk];
        Arrays.fill(message, (byte) sent++);
        link.send(message);
      }
      assertThat(sent).as("64 KiB messages sent before the TLS link stayed unwritable").isLessThan(maxChunks);
      assertThat(handler.writabilityChanges()).first().isEqualTo(false);
      assertThat(link.unwrittenBytes()).isGreaterThan(HIGH_MARK);

      peer.link().resumeReading();
      handler.awaitWritability(true);
      byte[] received = peer.awaitBytes(sent * chunk);
      for (int i = 0; i < received.length; i += chunk) {
        assertThat(received[i]).as("message %d", i / chunk).isEqualTo((byte) (i / chunk));
      }
      assertThat(link.unwrittenBytes()).isZero();
    }
  }

  @Test
  void aServerCertificateForAnotherNameFailsTheConnect() throws Exception {
    TestPki.Issued elsewhere = ca.issue("elsewhere.example", TestPki.KeyForm.EC_PKCS8, "DNS:elsewhere.example");
    TlsOptions misnamed = TlsOptions.builder().keyCertChain(elsewhere.certificate(), elsewhere.key()).build();
    try (TransportServer listener = listen(misnamed)) {
      assertHandshakeFails(connect(listener, client, new RecordingHandler()), "127.0.0.1");
      assertHandshakeFails(provider.connect(URI.create("tls://localhost:" + listener.localAddress().getPort()),
          acceptor(client, Limits.defaults(), link -> new RecordingHandler())), "localhost");
      TlsOptions unchecked = TlsOptions.builder().trustedCertificates(ca.certificate()).verifyHostname(false).build();
      assertThat(connect(listener, unchecked, new RecordingHandler())).succeedsWithin(TIMEOUT_SECONDS,
          TimeUnit.SECONDS);
      assertThat(nextAccepted()).isNotNull(); // only the unchecked client got through
      assertThat(accepted).isEmpty();
    }
  }

  @Test
  void aServerItsCasDidNotSignFailsTheConnect() throws Exception {
    TlsOptions trustsAnother = TlsOptions.builder().trustedCertificates(otherCa.certificate()).build();
    try (TransportServer listener = listen(server)) {
      assertHandshakeFails(connect(listener, trustsAnother, new RecordingHandler()), null);
      assertThat(accepted).isEmpty();
    }
  }

  @Test
  void requiredClientCertificatesRefuseClientsWithoutOneOrFromAnotherCa() throws Exception {
    TestPki.Issued serverCertificate = ca.server(TestPki.KeyForm.RSA_PKCS1);
    TlsOptions mutual = TlsOptions.builder().keyCertChain(serverCertificate.certificate(), serverCertificate.key())
        .trustedCertificates(ca.certificate()).clientAuth(TlsOptions.ClientAuth.REQUIRED).build();
    TestPki.Issued alice = ca.issue("alice", TestPki.KeyForm.EC_SEC1);
    TestPki.Issued mallory = otherCa.issue("mallory", TestPki.KeyForm.RSA_PKCS8);
    TlsOptions aliceTls = TlsOptions.builder().trustedCertificates(ca.certificate())
        .keyCertChain(alice.certificate(), alice.key()).build();
    TlsOptions malloryTls = TlsOptions.builder().trustedCertificates(ca.certificate())
        .keyCertChain(mallory.certificate(), mallory.key()).build();
    try (TransportServer listener = listen(mutual)) {
      assertRefused(listener, client);
      assertRefused(listener, malloryTls);
      assertThat(accepted).as("links handed to the server's acceptor").isEmpty();

      var aliceHandler = new RecordingHandler();
      Link link = connect(listener, aliceTls, aliceHandler).get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
      RecordingHandler peer = nextAccepted();
      link.send("hello".getBytes(StandardCharsets.US_ASCII));
      assertThat(peer.awaitBytes(5)).asString(StandardCharsets.US_ASCII).isEqualTo("hello");
      assertThat(((TcpLink) peer.link()).channel().pipeline().get(SslHandler.class).engine().getSession()
          .getPeerPrincipal().getName()).isEqualTo("CN=alice");
    }
  }

  @Test
  void aPlainClientNeverReachesTheAcceptorOfATlsServer() throws Exception {
    try (TransportServer listener = listen(server)) {
      var plain = new RecordingHandler();
      Link link = provider.connect(URI.create("tcp://127.0.0.1:" + listener.localAddress().getPort()),
          acceptor(null, Limits.defaults(), plain::attach)).get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
      link.send("not a TLS record at all, just PB bytes".getBytes(StandardCharsets.US_ASCII));
      plain.awaitClosed(); // the server dropped it, whatever the cause the client saw
      assertThat(accepted).isEmpty();
    }
  }

  @Test
  void aTlsClientOfAPlainServerFailsTheConnect() throws Exception {
    try (var plain = new ServerSocket()) {
      plain.bind(new InetSocketAddress("127.0.0.1", 0));
      CompletableFuture<Link> connecting = provider.connect(URI.create("tls://127.0.0.1:" + plain.getLocalPort()),
          acceptor(client, Limits.defaults(), link -> new RecordingHandler()));
      try (Socket peer = plain.accept(); OutputStream out = peer.getOutputStream()) {
        out.write("pb\r\n".repeat(100).getBytes(StandardCharsets.US_ASCII)); // a plain server's greeting
        out.flush();
        assertThat(connecting).failsWithin(TIMEOUT_SECONDS, TimeUnit.SECONDS)
            .withThrowableOfType(ExecutionException.class).withCauseInstanceOf(SSLException.class);
      }
    }
  }

  @Test
  void listeningOnTlsNeedsTlsSettingsFromTheAcceptorOrTheBuilder() throws Exception {
    assertThat(provider.listen(URI.create("tls://127.0.0.1:0"), link -> new RecordingHandler()))
        .failsWithin(TIMEOUT_SECONDS, TimeUnit.SECONDS).withThrowableOfType(ExecutionException.class)
        .withCauseInstanceOf(IllegalArgumentException.class).withMessageContaining("needs TLS settings");
    try (var configured = TcpTransportProvider.builder().tls(server).build();
        TransportServer listener = configured.listen(URI.create("tls://127.0.0.1:0"), this::recording)
            .get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        var trusting = TcpTransportProvider.builder().tls(client).build()) {
      Link link = trusting.connect(uri(listener), link1 -> new RecordingHandler())
          .get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
      assertThat(nextAccepted()).isNotNull();
      link.close();
    }
  }

  /** Either the client's handshake fails, or (TLS 1.3: the server checks last) the link it got dies of the alert. */
  private void assertRefused(TransportServer listener, TlsOptions tls) throws Exception {
    var handler = new RecordingHandler();
    CompletableFuture<Link> connecting = connect(listener, tls, handler);
    try {
      connecting.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
      assertThat(handler.awaitClosed()).as("the cause the refused link closed with").isInstanceOf(SSLException.class);
    } catch (ExecutionException e) {
      assertThat(e.getCause()).isInstanceOf(SSLException.class);
    }
  }

  private static void assertHandshakeFails(CompletableFuture<Link> connecting, String name) {
    var failure = assertThat(connecting).failsWithin(TIMEOUT_SECONDS, TimeUnit.SECONDS)
        .withThrowableOfType(ExecutionException.class).withCauseInstanceOf(SSLHandshakeException.class);
    if (name != null) {
      failure.havingCause().withMessageContaining(name);
    }
  }

  private TransportServer listen(TlsOptions tls) throws Exception {
    return provider.listen(URI.create("tls://127.0.0.1:0"), acceptor(tls, Limits.defaults(), this::recording))
        .get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
  }

  private CompletableFuture<Link> connect(TransportServer listener, TlsOptions tls, RecordingHandler handler) {
    return provider.connect(uri(listener), acceptor(tls, Limits.defaults(), handler::attach));
  }

  private LinkHandler recording(Link link) {
    RecordingHandler handler = new RecordingHandler().attach(link);
    accepted.add(handler);
    return handler;
  }

  private RecordingHandler nextAccepted() throws InterruptedException {
    RecordingHandler next = accepted.poll(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    assertThat(next).as("a connection handed to the server's acceptor").isNotNull();
    return next;
  }

  private static URI uri(TransportServer listener) {
    return URI.create("tls://127.0.0.1:" + listener.localAddress().getPort());
  }

  private static LinkAcceptor acceptor(TlsOptions tls, Limits limits, Function<Link, LinkHandler> handlers) {
    return new LinkAcceptor() {
      @Override
      public LinkHandler accept(Link link) {
        return handlers.apply(link);
      }

      @Override
      public Limits limits() {
        return limits;
      }

      @Override
      public TlsOptions tls() {
        return tls;
      }
    };
  }
}
