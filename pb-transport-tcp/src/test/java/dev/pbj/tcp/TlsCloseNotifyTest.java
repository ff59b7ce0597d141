package dev.pbj.tcp;

import static dev.pbj.tcp.RecordingHandler.TIMEOUT_SECONDS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pbj.Limits;
import dev.pbj.TlsOptions;
import dev.pbj.spi.Link;
import dev.pbj.spi.LinkAcceptor;
import dev.pbj.spi.LinkHandler;
import dev.pbj.spi.TransportServer;
import dev.pbj.testkit.TestPki;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The peer's TLS close_notify ends a {@code tls://} link as the end of a TCP stream ends a {@code tcp://} one, even
 * when the peer keeps its socket open for this side's close_notify, as Twisted's {@code loseConnection} does over TLS
 * (found against real Twisted: without it both sides waited for each other forever). The peer here is the JDK's
 * {@link SSLSocket} layered over a plain socket, which sends close_notify without closing the TCP stream.
 */
class TlsCloseNotifyTest {
  @TempDir
  static Path dir;
  private static TlsOptions server;
  private static TlsOptions client;

  private TcpTransportProvider provider;

  @BeforeAll
  static void makeCertificates() {
    TestPki ca = TestPki.create(dir, "PBJ test CA");
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

  @Test
  void aClientsCloseNotifyClosesTheServersLinkAfterWhatItWasSent() throws Exception {
    CompletableFuture<RecordingHandler> accepted = new CompletableFuture<>();
    try (TransportServer listener = provider.listen(URI.create("tls://127.0.0.1:0"), acceptor(server, link -> {
          RecordingHandler handler = new RecordingHandler().attach(link);
          link.send("hello".getBytes(StandardCharsets.US_ASCII));
          accepted.complete(handler);
          return handler;
        })).get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        HalfCloseRelay relay = new HalfCloseRelay(listener.localAddress().getPort(), true);
        Socket tcp = new Socket("127.0.0.1", relay.port());
        SSLSocket tls = layered(tcp, client, true)) {
      tls.startHandshake();
      InputStream in = tls.getInputStream();
      assertThat(in.readNBytes(5)).asString(StandardCharsets.US_ASCII).isEqualTo("hello");
      RecordingHandler handler = accepted.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);

      tls.shutdownOutput(); // close_notify; the relay keeps the server's TCP stream open, as Twisted does

      assertThat(handler.awaitClosed()).as("the cause the server's link closed with").isNull();
      assertThat(in.read()).as("the end of the stream: the server's close_notify").isEqualTo(-1);
    }
  }

  @Test
  void aServersCloseNotifyClosesTheClientsLink() throws Exception {
    try (ServerSocket plain = new ServerSocket()) {
      plain.bind(new InetSocketAddress("127.0.0.1", 0));
      try (HalfCloseRelay relay = new HalfCloseRelay(plain.getLocalPort(), false)) {
        RecordingHandler handler = new RecordingHandler();
        CompletableFuture<Link> connecting = provider.connect(URI.create("tls://127.0.0.1:" + relay.port()),
            acceptor(client, handler::attach));
        try (Socket tcp = plain.accept(); SSLSocket tls = layered(tcp, server, false)) {
          tls.startHandshake();
          Link link = connecting.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
          link.send("hi".getBytes(StandardCharsets.US_ASCII));
          InputStream in = tls.getInputStream();
          assertThat(in.readNBytes(2)).asString(StandardCharsets.US_ASCII).isEqualTo("hi");

          tls.shutdownOutput(); // close_notify; the relay keeps the client's TCP stream open

          assertThat(handler.awaitClosed()).as("the cause the client's link closed with").isNull();
          assertThat(in.read()).as("the end of the stream: the client's close_notify").isEqualTo(-1);
        }
      }
    }
  }

  /** TLS over {@code tcp}, in the given mode. */
  private static SSLSocket layered(Socket tcp, TlsOptions tls, boolean clientMode) throws Exception {
    tcp.setSoTimeout((int) TimeUnit.SECONDS.toMillis(TIMEOUT_SECONDS));
    SSLSocket socket = (SSLSocket) tls.sslContext().getSocketFactory().createSocket(tcp, "127.0.0.1",
        tcp.getPort(), true);
    socket.setUseClientMode(clientMode);
    return socket;
  }

  /**
   * One loopback connection relayed to {@code 127.0.0.1:targetPort}, byte for byte, except that the end of the stream
   * of one side (the side that sends close_notify: the connecting client, or the target) is not passed on. The JDK's
   * {@code SSLSocket.shutdownOutput} sends close_notify and then ends its TCP stream; through this relay the other
   * side sees only the close_notify, as from a Twisted peer, whose socket stays open until the answer comes.
   */
  private static final class HalfCloseRelay implements AutoCloseable {
    private final ServerSocket listener = new ServerSocket();
    private final Thread thread;
    private volatile Socket accepted;
    private volatile Socket target;

    /** {@code swallowClientsEnd}: the client's end of stream is not passed on; else the target's is not. */
    HalfCloseRelay(int targetPort, boolean swallowClientsEnd) throws Exception {
      listener.bind(new InetSocketAddress("127.0.0.1", 0));
      thread = new Thread(() -> {
        try {
          accepted = listener.accept();
          target = new Socket("127.0.0.1", targetPort);
          Thread back = pump(target, accepted, !swallowClientsEnd);
          pump(accepted, target, swallowClientsEnd).join();
          back.join();
        } catch (Exception e) {
          // closed by the test
        }
      }, "half-close-relay");
      thread.setDaemon(true);
      thread.start();
    }

    int port() {
      return listener.getLocalPort();
    }

    /** Copies {@code from} to {@code to}; at the end of {@code from}'s stream, ends {@code to}'s unless told not to. */
    private static Thread pump(Socket from, Socket to, boolean swallowEnd) {
      Thread pump = new Thread(() -> {
        byte[] buffer = new byte[16 * 1024];
        try {
          InputStream in = from.getInputStream();
          int n;
          while ((n = in.read(buffer)) >= 0) {
            to.getOutputStream().write(buffer, 0, n);
          }
          if (!swallowEnd) {
            to.shutdownOutput();
          }
        } catch (Exception e) {
          // one side closed
        }
      }, "half-close-relay-pump");
      pump.setDaemon(true);
      pump.start();
      return pump;
    }

    @Override
    public void close() throws Exception {
      listener.close();
      for (Socket socket : new Socket[] {accepted, target}) {
        if (socket != null) {
          socket.close();
        }
      }
      thread.join(TimeUnit.SECONDS.toMillis(TIMEOUT_SECONDS));
    }
  }

  private static LinkAcceptor acceptor(TlsOptions tls, Function<Link, LinkHandler> handlers) {
    return new LinkAcceptor() {
      @Override
      public LinkHandler accept(Link link) {
        return handlers.apply(link);
      }

      @Override
      public Limits limits() {
        return Limits.defaults();
      }

      @Override
      public TlsOptions tls() {
        return tls;
      }
    };
  }
}
