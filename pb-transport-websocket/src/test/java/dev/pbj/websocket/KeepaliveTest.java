package dev.pbj.websocket;

import static dev.pbj.websocket.Acceptors.accepting;
import static dev.pbj.websocket.Acceptors.handing;
import static dev.pbj.websocket.RecordingHandler.TIMEOUT_SECONDS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pbj.spi.TransportServer;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Dead-peer detection: a quiet link pings; a peer that sends nothing, not even a pong, is taken for dead. */
class KeepaliveTest {

  // Short enough for a quick test, with room for a loaded machine: a pong must be over half a second late to fail.
  private static final Duration PING_INTERVAL = Duration.ofMillis(50);
  private static final Duration IDLE_TIMEOUT = Duration.ofMillis(600);

  private final WebSocketTransportProvider provider = WebSocketTransportProvider.builder()
      .pingInterval(PING_INTERVAL)
      .idleTimeout(IDLE_TIMEOUT)
      .build();
  private final BlockingQueue<RecordingHandler> accepted = new LinkedBlockingQueue<>();

  @AfterEach
  void closeProvider() {
    provider.close();
  }

  @Test
  void theServerClosesAPeerThatNeverAnswersItsPingsWith1001() throws Exception {
    try (TransportServer server = listen(); var silent = RawWebSocket.upgrade(server, "/pb")) {
      RecordingHandler handler = nextAccepted();

      assertThat(silent.read().opcode()).isEqualTo(RawWebSocket.PING);
      RawWebSocket.Frame close = silent.readUntil(RawWebSocket.CLOSE);
      assertThat(close.closeCode()).isEqualTo(1001);
      assertThat(close.closeReason()).startsWith("no pong within 600 ms");
      assertThat(silent.atEnd()).as("dropped without waiting for an answer").isTrue();
      assertThat(handler.awaitClosed()).isInstanceOf(SocketTimeoutException.class)
          .hasMessageStartingWith("no pong within 600 ms: the peer sent nothing, not even a pong to pings every "
              + "50 ms (WebSocketTransportProvider.Builder.idleTimeout)");
      assertThat(handler.closeCount()).isEqualTo(1);
    }
  }

  @Test
  void aPeerThatAnswersPingsStaysOpenLongAfterTheIdleTimeout() throws Exception {
    try (TransportServer server = listen(); var raw = RawWebSocket.upgrade(server, "/pb")) {
      RecordingHandler handler = nextAccepted();
      long start = System.nanoTime();
      int pings = 0;
      while (System.nanoTime() - start < IDLE_TIMEOUT.multipliedBy(5).dividedBy(2).toNanos()) {
        RawWebSocket.Frame ping = raw.read();
        assertThat(ping.opcode()).as("%s", ping).isEqualTo(RawWebSocket.PING);
        raw.send(RawWebSocket.PONG, ping.payload(), true);
        pings++;
      }

      assertThat(pings).isGreaterThanOrEqualTo(10);
      assertThat(handler.isClosed()).isFalse();
      raw.sendBinary(new byte[] {7});
      assertThat(handler.awaitMessages(1)).containsExactly(new byte[] {7});
    }
  }

  @Test
  void messagesKeepALinkAliveWithoutPings() throws Exception {
    try (TransportServer server = listen(); var raw = RawWebSocket.upgrade(server, "/pb")) {
      RecordingHandler handler = nextAccepted();
      long start = System.nanoTime();
      int sent = 0;
      while (System.nanoTime() - start < IDLE_TIMEOUT.multipliedBy(2).toNanos()) {
        raw.sendBinary(new byte[] {(byte) sent++});
        handler.awaitMessages(sent); // paces the loop: one message per round trip
      }
      assertThat(handler.isClosed()).isFalse();
    }
  }

  @Test
  void theClientClosesAServerThatNeverAnswersItsPings() throws Exception {
    try (var silent = new RawWebSocketServer("banana")) {
      var handler = new RecordingHandler();
      provider.connect(URI.create("ws://127.0.0.1:" + silent.port() + "/pb"), handing(handler))
          .get(TIMEOUT_SECONDS, TimeUnit.SECONDS);

      assertThat(silent.read().opcode()).isEqualTo(RawWebSocket.PING);
      RawWebSocket.Frame close;
      do {
        close = silent.read();
      } while (close.opcode() != RawWebSocket.CLOSE);
      assertThat(close.closeCode()).isEqualTo(1001);
      assertThat(close.closeReason()).startsWith("no pong within 600 ms");
      assertThat(handler.awaitClosed()).isInstanceOf(SocketTimeoutException.class)
          .hasMessageStartingWith("no pong within 600 ms");
    }
  }

  @Test
  void twoQuietPbjPeersAnswerEachOthersPingsAndStayConnected() throws Exception {
    try (TransportServer server = listen()) {
      var clientHandler = new RecordingHandler();
      var client = provider.connect(WebSocketTransportTest.uri(server), handing(clientHandler))
          .get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
      RecordingHandler peer = nextAccepted();

      // Two and a half idle timeouts without a message: only pings and pongs keep the links up.
      assertThat(clientHandler.staysOpenFor(IDLE_TIMEOUT.multipliedBy(5).dividedBy(2)))
          .as("closed: %s / server side: %s", clientHandler.closedCause(), peer.closedCause()).isTrue();
      assertThat(peer.isClosed()).isFalse();
      client.send(new byte[] {1});
      assertThat(peer.awaitMessages(1)).containsExactly(new byte[] {1});
    }
  }

  private TransportServer listen() throws Exception {
    return provider.listen(URI.create("ws://127.0.0.1:0/pb"), accepting(link -> {
      var handler = new RecordingHandler();
      accepted.add(handler);
      return handler;
    })).get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
  }

  private RecordingHandler nextAccepted() throws InterruptedException {
    RecordingHandler next = accepted.poll(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    assertThat(next).as("an accepted connection").isNotNull();
    return next;
  }
}
