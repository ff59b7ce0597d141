package dev.pbj.websocket;

import static dev.pbj.websocket.Acceptors.accepting;
import static dev.pbj.websocket.Acceptors.handing;
import static dev.pbj.websocket.RecordingHandler.TIMEOUT_SECONDS;
import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pbj.spi.Link;
import dev.pbj.spi.TransportServer;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The transport contract, as the TCP transport's suite states it, for WebSocket: messages both ways, whole and in
 * order, acceptors first, closing in order from either side and exactly once, failures that close only their own
 * link. Each test has its own provider, loopback addresses and ephemeral ports, so tests run in parallel.
 */
class WebSocketTransportTest {

  /** One connection as the server's acceptor saw it. */
  record Accepted(Link link, RecordingHandler handler) {}

  private final BlockingQueue<Accepted> accepted = new LinkedBlockingQueue<>();
  private WebSocketTransportProvider provider;

  @BeforeEach
  void startProvider() {
    provider = WebSocketTransportProvider.builder().ioThreads(2).build();
  }

  @AfterEach
  void closeProvider() {
    provider.close();
  }

  @Test
  void exchangesMessagesBothWays() throws Exception {
    try (TransportServer server = listen()) {
      var clientHandler = new RecordingHandler();
      Link client = connect(server, clientHandler);
      Accepted peer = nextAccepted();

      client.send(ascii("ping"));
      assertThat(texts(peer.handler().awaitMessages(1))).containsExactly("ping");
      peer.link().send(ascii("pong"));
      assertThat(texts(clientHandler.awaitMessages(1))).containsExactly("pong");

      assertThat(client.remoteAddress()).isEqualTo(server.localAddress());
      assertThat(peer.link().localAddress()).isEqualTo(server.localAddress());
      assertThat(((InetSocketAddress) peer.link().remoteAddress()).getAddress())
          .isEqualTo(server.localAddress().getAddress());
      assertThat(client.negotiatedSerializer()).isEqualTo("banana");
      assertThat(peer.link().negotiatedSerializer()).isEqualTo("banana");
    }
  }

  @Test
  void manyMessagesArriveWholeAndInOrderBothWays() throws Exception {
    try (TransportServer server = listen()) {
      var clientHandler = new RecordingHandler();
      Link client = connect(server, clientHandler);
      Accepted peer = nextAccepted();

      List<byte[]> upstream = randomMessages(1 << 20, 1);
      List<byte[]> downstream = randomMessages(1 << 20, 2);
      upstream.forEach(message -> client.send(message.clone()));
      downstream.forEach(message -> peer.link().send(message.clone()));

      assertThat(upstream).hasSizeGreaterThan(100);
      assertThat(peer.handler().awaitMessages(upstream.size())).containsExactlyElementsOf(upstream);
      assertThat(clientHandler.awaitMessages(downstream.size())).containsExactlyElementsOf(downstream);
    }
  }

  @Test
  void aLargeMessageArrivesAsOneOnBytesBothWays() throws Exception {
    byte[] large = randomBytes(5 << 20, 3);
    try (TransportServer server = listen()) {
      var clientHandler = new RecordingHandler();
      Link client = connect(server, clientHandler);
      Accepted peer = nextAccepted();

      client.send(large.clone());
      peer.link().send(large.clone());
      client.send(new byte[0]);

      assertThat(peer.handler().awaitMessages(2)).containsExactly(large, new byte[0]);
      assertThat(clientHandler.awaitMessages(1)).containsExactly(large);
    }
  }

  @Test
  void acceptorsRunBeforeAnyMessageIsDeliveredOnTransportThreads() throws Exception {
    List<byte[]> greeting = randomMessages(64 * 1024, 5);
    var serverAcceptorThread = new AtomicReference<Thread>();
    // Both sides send from inside their acceptor: nothing the peer sends may reach a link before its handler.
    TransportServer server = provider.listen(URI.create("ws://127.0.0.1:0/pb"), accepting(link -> {
      serverAcceptorThread.set(Thread.currentThread());
      greeting.forEach(link::send);
      var handler = new RecordingHandler();
      accepted.add(new Accepted(link, handler));
      return handler;
    })).get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    try (server) {
      var clientHandler = new RecordingHandler();
      var linkGivenToAcceptor = new AtomicReference<Link>();
      var clientAcceptorThread = new AtomicReference<Thread>();
      var serializerSeenByAcceptor = new AtomicReference<String>();
      Link client = provider.connect(uri(server), accepting(link -> {
        linkGivenToAcceptor.set(link);
        clientAcceptorThread.set(Thread.currentThread());
        serializerSeenByAcceptor.set(link.negotiatedSerializer());
        link.send(ascii("hello"));
        return clientHandler;
      })).get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
      Accepted peer = nextAccepted();

      assertThat(client).isSameAs(linkGivenToAcceptor.get());
      assertThat(serializerSeenByAcceptor).hasValue("banana");
      assertThat(clientHandler.awaitMessages(greeting.size())).containsExactlyElementsOf(greeting);
      assertThat(texts(peer.handler().awaitMessages(1))).containsExactly("hello");
      assertThat(serverAcceptorThread.get().getName()).matches("pbj-ws I/O-\\d+");
      assertThat(serverAcceptorThread.get().isDaemon()).isTrue();
      assertThat(clientAcceptorThread.get().isDaemon()).isTrue();
      assertThat(peer.handler().bytesThread()).isEqualTo(serverAcceptorThread.get().getName());
    }
  }

  @Test
  void clientCloseIsOrderlyOnBothSidesAndLaterSendsAreIgnored() throws Exception {
    try (TransportServer server = listen()) {
      var clientHandler = new RecordingHandler();
      Link client = connect(server, clientHandler);
      Accepted peer = nextAccepted();

      client.close();
      client.close();
      client.send(ascii("too late"));

      assertThat(peer.handler().awaitClosed()).isNull();
      assertThat(clientHandler.awaitClosed()).isNull();
      client.send(ascii("later still"));
      client.close();
      assertThat(peer.handler().messagesSoFar()).isEmpty();
      assertThat(peer.handler().closeCount()).isEqualTo(1);
      assertThat(clientHandler.closeCount()).isEqualTo(1);
    }
  }

  @Test
  void serverSideCloseIsOrderlyOnBothSides() throws Exception {
    try (TransportServer server = listen()) {
      var clientHandler = new RecordingHandler();
      Link client = connect(server, clientHandler);
      Accepted peer = nextAccepted();

      peer.link().close();
      peer.link().close();

      assertThat(clientHandler.awaitClosed()).isNull();
      assertThat(peer.handler().awaitClosed()).isNull();
      client.send(ascii("to nobody")); // the peer is gone: dropped quietly
      assertThat(clientHandler.closeCount()).isEqualTo(1);
      assertThat(peer.handler().closeCount()).isEqualTo(1);
    }
  }

  @Test
  void closeWritesEverythingSentBeforeItFromEitherSide() throws Exception {
    List<byte[]> upstream = randomMessages(4 << 20, 7);
    List<byte[]> downstream = randomMessages(4 << 20, 8);
    try (TransportServer server = listen()) {
      var clientHandler = new RecordingHandler();
      Link client = connect(server, clientHandler);
      Accepted peer = nextAccepted();
      upstream.forEach(client::send);
      client.close();
      assertThat(peer.handler().awaitClosed()).isNull();
      assertThat(peer.handler().messagesSoFar()).containsExactlyElementsOf(upstream);
      assertThat(clientHandler.awaitClosed()).isNull();

      var secondHandler = new RecordingHandler();
      connect(server, secondHandler);
      Accepted secondPeer = nextAccepted();
      downstream.forEach(secondPeer.link()::send);
      secondPeer.link().close();
      assertThat(secondHandler.awaitClosed()).isNull();
      assertThat(secondHandler.messagesSoFar()).containsExactlyElementsOf(downstream);
    }
  }

  @Test
  void closeGivesUpOnAPeerThatDoesNotReadAfterTheGrace() throws Exception {
    try (var impatient = WebSocketTransportProvider.builder().closeGrace(Duration.ofMillis(200)).build()) {
      TransportServer server = impatient.listen(URI.create("ws://127.0.0.1:0/pb"), accepting(link -> {
        var handler = new RecordingHandler();
        accepted.add(new Accepted(link, handler));
        return handler;
      })).get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
      try (server; var neverReads = RawWebSocket.connect(server.localAddress().getPort())) {
        neverReads.socket().setReceiveBufferSize(64 * 1024); // the kernel holds little for a peer that never reads
        assertThat(neverReads.requestUpgrade("/pb", java.util.Map.of("Sec-WebSocket-Protocol", "banana")).status())
            .isEqualTo(101);
        Accepted peer = nextAccepted();
        randomMessages(16 << 20, 9).forEach(peer.link()::send);
        peer.link().close();

        assertThat(peer.handler().awaitClosed()).isInstanceOf(IOException.class)
            .hasMessageContaining("the peer did not take them within 200 ms of close()");
      }
    }
  }

  @Test
  void aClientsCloseGivesUpOnAServerThatDoesNotReadAfterTheGrace() throws Exception {
    try (var impatient = WebSocketTransportProvider.builder().closeGrace(Duration.ofMillis(200)).build();
        var neverReads = new RawWebSocketServer("banana")) {
      var clientHandler = new RecordingHandler();
      Link client = impatient.connect(URI.create("ws://127.0.0.1:" + neverReads.port() + "/pb"),
          handing(clientHandler)).get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
      randomMessages(16 << 20, 10).forEach(client::send);
      client.close();

      assertThat(clientHandler.awaitClosed()).isInstanceOf(IOException.class)
          .hasMessageContaining("the peer did not take them within 200 ms of close()");
    }
  }

  @Test
  void serverHandlerExceptionClosesOnlyItsLinkWith1002() throws Exception {
    var boom = new IllegalStateException("handler failed on purpose");
    var connections = new AtomicInteger();
    TransportServer server = provider.listen(URI.create("ws://127.0.0.1:0/pb"), accepting(link -> {
      var handler = connections.getAndIncrement() == 0 ? new RecordingHandler(boom) : new RecordingHandler();
      accepted.add(new Accepted(link, handler));
      return handler;
    })).get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    try (server) {
      var firstClientHandler = new RecordingHandler();
      Link first = connect(server, firstClientHandler);
      Accepted firstPeer = nextAccepted();
      first.send(ascii("trigger"));

      assertThat(firstPeer.handler().awaitClosed()).isSameAs(boom);
      assertThat(firstClientHandler.awaitClosed())
          .isInstanceOfSatisfying(WebSocketCloseException.class, closed -> {
            assertThat(closed.code()).isEqualTo(1002);
            assertThat(closed.reason()).isEqualTo("handler failed on purpose");
          })
          .hasMessageContaining("1002 (protocol error): handler failed on purpose");
      assertThat(firstPeer.handler().closeCount()).isEqualTo(1);
      assertThat(firstClientHandler.closeCount()).isEqualTo(1);

      var secondClientHandler = new RecordingHandler();
      Link second = connect(server, secondClientHandler);
      Accepted secondPeer = nextAccepted();
      second.send(ascii("still serving?"));
      assertThat(texts(secondPeer.handler().awaitMessages(1))).containsExactly("still serving?");
      secondPeer.link().send(ascii("yes"));
      assertThat(texts(secondClientHandler.awaitMessages(1))).containsExactly("yes");
    }
  }

  @Test
  void clientHandlerExceptionClosesTheLinkWith1002ForTheServer() throws Exception {
    var boom = new IllegalArgumentException("x".repeat(200)); // the reason is cut to fit a close frame
    try (TransportServer server = listen()) {
      var clientHandler = new RecordingHandler(boom);
      connect(server, clientHandler);
      Accepted peer = nextAccepted();
      peer.link().send(ascii("trigger"));

      assertThat(clientHandler.awaitClosed()).isSameAs(boom);
      assertThat(peer.handler().awaitClosed()).isInstanceOfSatisfying(WebSocketCloseException.class, closed -> {
        assertThat(closed.code()).isEqualTo(1002);
        assertThat(closed.reason()).isEqualTo("x".repeat(123));
      });
    }
  }

  @Test
  void acceptorExceptionFailsTheConnectOrClosesTheAcceptedConnectionWith1011() throws Exception {
    var refused = new IllegalStateException("client acceptor refuses");
    try (TransportServer server = listen()) {
      CompletableFuture<Link> connecting = provider.connect(uri(server), accepting(link -> {
        throw refused;
      }));
      assertThatThrownBy(() -> connecting.get(TIMEOUT_SECONDS, TimeUnit.SECONDS))
          .isInstanceOf(ExecutionException.class)
          .cause().isSameAs(refused);
      assertThat(nextAccepted().handler().awaitClosed()).isNull(); // 1001: the client went away
    }

    TransportServer refusing = provider.listen(URI.create("ws://127.0.0.1:0/pb"), accepting(link -> {
      throw new IllegalStateException("server acceptor refuses");
    })).get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    try (refusing) {
      var clientHandler = new RecordingHandler();
      connect(refusing, clientHandler);
      assertThat(clientHandler.awaitClosed()).isInstanceOfSatisfying(WebSocketCloseException.class, closed -> {
        assertThat(closed.code()).isEqualTo(1011);
        assertThat(closed.reason()).contains("server acceptor refuses");
      });
    }
  }

  @Test
  void connectToAPortNobodyListensOnFailsWithConnectException() throws Exception {
    // A bound socket that does not listen holds the port, so the refusal cannot race another test's listener.
    try (var reserved = new Socket()) {
      reserved.bind(new InetSocketAddress("127.0.0.1", 0));
      var acceptorCalls = new AtomicInteger();
      CompletableFuture<Link> connecting =
          provider.connect(URI.create("ws://127.0.0.1:" + reserved.getLocalPort() + "/pb"), accepting(link -> {
            acceptorCalls.incrementAndGet();
            return new RecordingHandler();
          }));

      assertThatThrownBy(() -> connecting.get(TIMEOUT_SECONDS, TimeUnit.SECONDS))
          .isInstanceOf(ExecutionException.class)
          .hasCauseInstanceOf(ConnectException.class);
      assertThat(acceptorCalls).hasValue(0);
    }
  }

  @Test
  void cancellingAConnectBeforeTheUpgradeCompletesDropsTheConnection() throws Exception {
    var answer = new CompletableFuture<Void>();
    try (var server = new RawWebSocketServer("banana", answer)) {
      var acceptorCalls = new AtomicInteger();
      CompletableFuture<Link> connecting = provider.connect(URI.create("ws://127.0.0.1:" + server.port() + "/pb"),
          accepting(link -> {
            acceptorCalls.incrementAndGet();
            return new RecordingHandler();
          }));
      server.upgradeRequested().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
      connecting.cancel(false);
      answer.complete(null);

      assertThat(server.atEnd()).isTrue();
      assertThat(acceptorCalls).hasValue(0);
    }
  }

  @Test
  void connectToAnUnknownHostFailsWithTheResolverError() {
    CompletableFuture<Link> connecting =
        provider.connect(URI.create("ws://pbj-no-such-host.invalid:8790/pb"), handing(new RecordingHandler()));

    assertThat(connecting).failsWithin(30, TimeUnit.SECONDS).withThrowableOfType(ExecutionException.class)
        .withCauseInstanceOf(ConnectException.class);
  }

  @Test
  void urisThatAreNotWebSocketUrisFailWithIllegalArgumentExceptionAndStartNoThreads() {
    for (String uri : new String[] {"tcp://127.0.0.1:8789", "http://127.0.0.1:8790/pb", "ws:///no-host"}) {
      assertThat(provider.connect(URI.create(uri), handing(new RecordingHandler())))
          .as(uri).failsWithin(0, TimeUnit.SECONDS).withThrowableOfType(ExecutionException.class)
          .withCauseInstanceOf(IllegalArgumentException.class);
      assertThat(provider.listen(URI.create(uri), handing(new RecordingHandler())))
          .as(uri).failsWithin(0, TimeUnit.SECONDS).withThrowableOfType(ExecutionException.class)
          .withCauseInstanceOf(IllegalArgumentException.class);
    }
    assertThat(provider.listen(URI.create("ws://127.0.0.1/pb"), handing(new RecordingHandler())))
        .as("listening needs a port").failsWithin(0, TimeUnit.SECONDS)
        .withThrowableOfType(ExecutionException.class)
        .withCauseInstanceOf(IllegalArgumentException.class)
        .withMessageContaining("no port");
    assertThat(provider.startedServerRuntime()).isNull();
    assertThat(provider.startedClientRuntime()).isNull();
  }

  @Test
  void serverCloseClosesTheLinksItAccepted() throws Exception {
    TransportServer server = listen();
    var clientHandlers = new RecordingHandler[] {new RecordingHandler(), new RecordingHandler()};
    for (RecordingHandler handler : clientHandlers) {
      connect(server, handler);
    }
    Accepted[] peers = {nextAccepted(), nextAccepted()};

    server.close();
    server.close();

    for (int i = 0; i < 2; i++) {
      assertThat(clientHandlers[i].awaitClosed()).isNull(); // 1001, going away: orderly
      assertThat(peers[i].handler().awaitClosed()).isNull();
    }
    assertThat(provider.connect(uri(server), handing(new RecordingHandler())))
        .failsWithin(TIMEOUT_SECONDS, TimeUnit.SECONDS).withThrowableOfType(ExecutionException.class)
        .withCauseInstanceOf(ConnectException.class);
  }

  @Test
  void providerCloseClosesItsServersAndLinksAndStopsItsThreads() throws Exception {
    TransportServer server = listen();
    var clientHandler = new RecordingHandler();
    connect(server, clientHandler);
    Accepted peer = nextAccepted();

    provider.close();

    assertThat(clientHandler.awaitClosed()).isNull();
    assertThat(peer.handler().awaitClosed()).isNull();
    assertThat(provider.startedServerRuntime().worker.isTerminated()).isTrue();
    assertThat(provider.startedClientRuntime().group.isTerminated()).isTrue();
    assertThat(provider.connect(uri(server), handing(new RecordingHandler())))
        .failsWithin(0, TimeUnit.SECONDS).withThrowableOfType(ExecutionException.class)
        .withCauseInstanceOf(IllegalStateException.class);
    server.close(); // harmless after the provider closed it
  }

  @Test
  void aConnectionDroppedWithoutClosingHandshakeReachesOnClosedAsAnIoError() throws Exception {
    try (TransportServer server = listen(); var raw = RawWebSocket.upgrade(server, "/pb")) {
      Accepted peer = nextAccepted();
      raw.socket().setSoLinger(true, 0); // a reset instead of a close frame
      raw.close();

      assertThat(peer.handler().awaitClosed()).isInstanceOf(IOException.class);
      assertThat(peer.handler().closeCount()).isEqualTo(1);
    }
  }

  // --- helpers

  private TransportServer listen() throws Exception {
    return provider.listen(URI.create("ws://127.0.0.1:0/pb"), accepting(link -> {
      var handler = new RecordingHandler();
      accepted.add(new Accepted(link, handler));
      return handler;
    })).get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
  }

  private Link connect(TransportServer server, RecordingHandler handler) throws Exception {
    return provider.connect(uri(server), handing(handler)).get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
  }

  private Accepted nextAccepted() throws InterruptedException {
    Accepted next = accepted.poll(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    assertThat(next).as("an accepted connection").isNotNull();
    return next;
  }

  static URI uri(TransportServer server) {
    return URI.create("ws://127.0.0.1:" + server.localAddress().getPort() + "/pb");
  }

  static List<String> texts(List<byte[]> messages) {
    return messages.stream().map(message -> new String(message, US_ASCII)).toList();
  }

  static byte[] ascii(String text) {
    return text.getBytes(US_ASCII);
  }

  static byte[] randomBytes(int length, long seed) {
    byte[] bytes = new byte[length];
    new Random(seed).nextBytes(bytes);
    return bytes;
  }

  /** {@code total} random bytes cut into messages of 1 to 8192 bytes. */
  static List<byte[]> randomMessages(int total, long seed) {
    byte[] payload = randomBytes(total, seed);
    var random = new Random(seed);
    List<byte[]> messages = new ArrayList<>();
    for (int from = 0; from < payload.length; ) {
      int to = Math.min(payload.length, from + 1 + random.nextInt(8192));
      messages.add(Arrays.copyOfRange(payload, from, to));
      from = to;
    }
    return messages;
  }
}
