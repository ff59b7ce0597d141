package dev.pbj.websocket;

import static dev.pbj.websocket.Acceptors.accepting;
import static dev.pbj.websocket.RecordingHandler.TIMEOUT_SECONDS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pbj.Limits;
import dev.pbj.spi.Link;
import dev.pbj.spi.TransportServer;
import java.net.URI;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Flow control on both sides: writability follows the unwritten bytes across the water marks while the peer does
 * not read, and a paused link delivers nothing until resumed, then everything in order, without cutting a message.
 */
class FlowControlTest {

  private static final int HIGH = 256 * 1024;
  private static final int LOW = 64 * 1024;
  private static final Limits LIMITS = Limits.builder().outboundHighWaterMark(HIGH).outboundLowWaterMark(LOW).build();
  private static final int MESSAGE = 64 * 1024;
  /** 16 MiB: far more than the kernel buffers of a connection whose reader's receive buffer is 64 KiB. */
  private static final int MESSAGES = 256;
  private static final Duration QUIET = Duration.ofMillis(300);

  private final WebSocketTransportProvider provider = WebSocketTransportProvider.builder().build();
  private final BlockingQueue<WebSocketTransportTest.Accepted> accepted = new LinkedBlockingQueue<>();

  @AfterEach
  void closeProvider() {
    provider.close();
  }

  @Test
  void aServerLinkTurnsUnwritableWhileItsClientDoesNotReadAndWritableOnceItHasReadEverything() throws Exception {
    try (TransportServer server = listen(); var raw = RawWebSocket.connect(server.localAddress().getPort())) {
      raw.socket().setReceiveBufferSize(64 * 1024); // the kernel holds little for a peer that does not read
      assertThat(raw.requestUpgrade("/pb", Map.of("Sec-WebSocket-Protocol", "banana")).status()).isEqualTo(101);
      WebSocketTransportTest.Accepted peer = nextAccepted();

      for (int i = 0; i < MESSAGES; i++) {
        peer.link().send(numbered(i));
      }
      // Early on the socket may take bytes as fast as they come, so the link may turn writable and back; once the
      // kernel's buffers are full, it stays unwritable.
      peer.handler().awaitWritability(false);
      assertThat(peer.link().unwrittenBytes()).isGreaterThan(HIGH);

      for (int i = 0; i < MESSAGES; i++) {
        assertThat(raw.readUntil(RawWebSocket.BINARY).payload()).as("message %d", i).isEqualTo(numbered(i));
      }
      assertAlternatingFromUnwritable(peer.handler().awaitWritability(true));
      assertThat(peer.link().unwrittenBytes()).isLessThanOrEqualTo(LOW); // nothing is sent now: it only falls
    }
  }

  @Test
  void aClientLinkTurnsUnwritableWhileItsServerDoesNotReadAndWritableOnceItHasReadEverything() throws Exception {
    try (var neverReads = new RawWebSocketServer("banana", 64 * 1024)) {
      var clientHandler = new RecordingHandler();
      Link client = provider.connect(URI.create("ws://127.0.0.1:" + neverReads.port() + "/pb"),
          accepting(LIMITS, link -> clientHandler)).get(TIMEOUT_SECONDS, TimeUnit.SECONDS);

      for (int i = 0; i < MESSAGES; i++) {
        client.send(numbered(i));
      }
      clientHandler.awaitWritability(false);
      assertThat(client.unwrittenBytes()).isGreaterThan(HIGH);

      for (int i = 0; i < MESSAGES; i++) {
        RawWebSocket.Frame frame;
        do {
          frame = neverReads.read();
        } while (frame.opcode() != RawWebSocket.BINARY); // pings, say
        assertThat(frame.payload()).as("message %d", i).isEqualTo(numbered(i));
      }
      assertAlternatingFromUnwritable(clientHandler.awaitWritability(true));
      assertThat(client.unwrittenBytes()).isLessThanOrEqualTo(LOW);
    }
  }

  @Test
  void aPausedServerLinkDeliversNothingUntilResumedThenEverythingInOrder() throws Exception {
    byte[] fragmented = numbered(1, 10_000);
    List<byte[]> expected = new ArrayList<>(List.of(numbered(0, 100), fragmented, numbered(2, 1 << 20)));
    for (int i = 3; i < 23; i++) {
      expected.add(numbered(i, 1_000));
    }
    try (TransportServer server = listen(); var raw = RawWebSocket.upgrade(server, "/pb")) {
      WebSocketTransportTest.Accepted peer = nextAccepted();
      raw.sendBinary(expected.get(0));
      peer.handler().awaitMessages(1);
      // Half a message, then a ping: its pong says the server has read the half, so the pause comes mid-message.
      raw.send(RawWebSocket.BINARY, Arrays.copyOfRange(fragmented, 0, 5_000), false);
      raw.send(RawWebSocket.PING, new byte[] {7}, true);
      assertThat(raw.readUntil(RawWebSocket.PONG).payload()).containsExactly(7);

      peer.link().pauseReading();
      onEventThread(peer.link(), () -> null); // the I/O thread has suspended the reading
      raw.send(RawWebSocket.CONTINUATION, Arrays.copyOfRange(fragmented, 5_000, fragmented.length), true);
      for (byte[] message : expected.subList(2, expected.size())) {
        raw.sendBinary(message);
      }

      assertThat(peer.handler().receivesNothingWithin(QUIET)).isTrue();
      assertThat(onEventThread(peer.link(), () -> ((WebSocketLink) peer.link()).heldMessages()))
          .as("messages read while paused").isLessThanOrEqualTo(1);
      peer.link().pauseReading(); // idempotent
      peer.link().resumeReading();
      peer.link().resumeReading();
      assertThat(peer.handler().awaitMessages(expected.size())).containsExactlyElementsOf(expected);
    }
  }

  @Test
  void aPausedClientLinkDeliversNothingUntilResumedThenEverythingInOrder() throws Exception {
    List<byte[]> expected = new ArrayList<>(List.of(numbered(0, 100), numbered(1, 1 << 20)));
    for (int i = 2; i < 22; i++) {
      expected.add(numbered(i, 1_000));
    }
    try (TransportServer server = listen()) {
      var clientHandler = new RecordingHandler();
      Link client = provider.connect(WebSocketTransportTest.uri(server), Acceptors.handing(clientHandler))
          .get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
      WebSocketTransportTest.Accepted peer = nextAccepted();
      peer.link().send(expected.get(0));
      clientHandler.awaitMessages(1);

      client.pauseReading();
      onEventThread(client, () -> null); // auto-read is off
      // Nothing is read while paused: the messages wait in the network (at most a read under way is held).
      expected.subList(1, expected.size()).forEach(message -> peer.link().send(message));

      assertThat(clientHandler.receivesNothingWithin(QUIET)).isTrue();
      assertThat(onEventThread(client, () -> ((WebSocketLink) client).heldMessages()))
          .as("messages read while paused").isLessThanOrEqualTo(1);
      client.resumeReading();
      assertThat(clientHandler.awaitMessages(expected.size())).containsExactlyElementsOf(expected);
    }
  }

  @Test
  void aLinkPausedByItsAcceptorReadsNothingUntilResumed() throws Exception {
    TransportServer server = provider.listen(URI.create("ws://127.0.0.1:0/pb"), accepting(link -> {
      link.pauseReading();
      var handler = new RecordingHandler();
      accepted.add(new WebSocketTransportTest.Accepted(link, handler));
      return handler;
    })).get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    try (server; var raw = RawWebSocket.upgrade(server, "/pb")) {
      WebSocketTransportTest.Accepted peer = nextAccepted();
      raw.sendBinary(new byte[] {1});
      raw.sendBinary(new byte[] {2});

      assertThat(peer.handler().receivesNothingWithin(QUIET)).isTrue();
      peer.link().resumeReading();
      assertThat(peer.handler().awaitMessages(2)).containsExactly(new byte[] {1}, new byte[] {2});
    }
  }

  @Test
  void closingAPausedLinkStillCompletesTheClosingHandshakeOnBothSides() throws Exception {
    try (TransportServer server = listen()) {
      var clientHandler = new RecordingHandler();
      Link client = provider.connect(WebSocketTransportTest.uri(server), Acceptors.handing(clientHandler))
          .get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
      WebSocketTransportTest.Accepted peer = nextAccepted();
      peer.link().pauseReading();
      client.pauseReading();
      client.send(new byte[] {1});

      peer.link().close(); // the server reads again for the client's answer; the client for the server's close
      assertThat(peer.handler().awaitClosed()).isNull();
      assertThat(clientHandler.awaitClosed()).isNull();
      assertThat(peer.handler().messagesSoFar()).isEmpty();
      peer.link().resumeReading(); // no-ops after close
      client.pauseReading();
      assertThat(peer.link().unwrittenBytes()).isZero();
      assertThat(client.unwrittenBytes()).isZero();
    }
  }

  private static void assertAlternatingFromUnwritable(List<Boolean> changes) {
    for (int i = 0; i < changes.size(); i++) {
      assertThat(changes.get(i)).as("change %d of %s", i, changes).isEqualTo(i % 2 == 1);
    }
  }

  /** Runs {@code query} on the link's event thread, after everything handed to it before; returns its answer. */
  private static <T> T onEventThread(Link link, Supplier<T> query) throws Exception {
    var answer = new CompletableFuture<T>();
    ((WebSocketLink) link).execute(() -> answer.complete(query.get()));
    return answer.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
  }

  /** {@value #MESSAGE} bytes that say which message they are. */
  private static byte[] numbered(int index) {
    return numbered(index, MESSAGE);
  }

  private static byte[] numbered(int index, int length) {
    byte[] message = new byte[length];
    Arrays.fill(message, (byte) (index * 31 + 7));
    ByteBuffer.wrap(message).putInt(index);
    return message;
  }

  private TransportServer listen() throws Exception {
    return provider.listen(URI.create("ws://127.0.0.1:0/pb"), accepting(LIMITS, link -> {
      var handler = new RecordingHandler();
      accepted.add(new WebSocketTransportTest.Accepted(link, handler));
      return handler;
    })).get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
  }

  private WebSocketTransportTest.Accepted nextAccepted() throws InterruptedException {
    WebSocketTransportTest.Accepted next = accepted.poll(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    assertThat(next).as("an accepted connection").isNotNull();
    return next;
  }
}
