package dev.pbj.websocket;

import static dev.pbj.websocket.Acceptors.accepting;
import static dev.pbj.websocket.Acceptors.handing;
import static dev.pbj.websocket.RecordingHandler.TIMEOUT_SECONDS;
import static dev.pbj.websocket.WebSocketTransportTest.randomBytes;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pbj.ProtocolException;
import dev.pbj.spi.Link;
import dev.pbj.spi.TransportServer;
import java.net.URI;
import java.util.Arrays;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What arrives on the wire, from a hand-written peer: fragmented messages arrive whole, text frames and oversized
 * messages close the link with their codes, pings are answered, a closing server says 1001.
 */
class FramingAndLimitsTest {

  private static final int MAX_FRAME_SIZE = 1024;

  private final WebSocketTransportProvider provider =
      WebSocketTransportProvider.builder().maxFrameSize(MAX_FRAME_SIZE).build();
  private final BlockingQueue<RecordingHandler> accepted = new LinkedBlockingQueue<>();

  @AfterEach
  void closeProvider() {
    provider.close();
  }

  @Test
  void aFragmentedMessageArrivesAsOneOnBytes() throws Exception {
    byte[] message = randomBytes(900, 1);
    try (TransportServer server = listen(); var raw = RawWebSocket.upgrade(server, "/pb")) {
      RecordingHandler handler = nextAccepted();
      raw.send(RawWebSocket.BINARY, Arrays.copyOfRange(message, 0, 100), false);
      raw.send(RawWebSocket.PING, new byte[] {1, 2}, true); // control frames may come between fragments
      raw.send(RawWebSocket.CONTINUATION, Arrays.copyOfRange(message, 100, 500), false);
      raw.send(RawWebSocket.CONTINUATION, Arrays.copyOfRange(message, 500, 900), true);
      raw.sendBinary(new byte[] {42});

      assertThat(handler.awaitMessages(2)).containsExactly(message, new byte[] {42});
      assertThat(raw.read()).satisfies(pong -> {
        assertThat(pong.opcode()).isEqualTo(RawWebSocket.PONG);
        assertThat(pong.payload()).containsExactly(1, 2);
      });
    }
  }

  @Test
  void aMessageOfExactlyTheMaximumSizeIsAccepted() throws Exception {
    byte[] message = randomBytes(MAX_FRAME_SIZE, 2);
    try (TransportServer server = listen(); var raw = RawWebSocket.upgrade(server, "/pb")) {
      RecordingHandler handler = nextAccepted();
      raw.sendBinary(message);
      assertThat(handler.awaitMessages(1)).containsExactly(message);
    }
  }

  @Test
  void aTextFrameClosesTheLinkWith1003() throws Exception {
    try (TransportServer server = listen(); var raw = RawWebSocket.upgrade(server, "/pb")) {
      RecordingHandler handler = nextAccepted();
      raw.send(RawWebSocket.TEXT, "hello".getBytes(java.nio.charset.StandardCharsets.UTF_8), true);
      raw.sendBinary(new byte[] {1}); // after the text: dropped

      RawWebSocket.Frame close = raw.readUntil(RawWebSocket.CLOSE);
      assertThat(close.closeCode()).isEqualTo(1003);
      assertThat(close.closeReason()).isEqualTo("PB frames are binary");
      raw.sendClose(1003, "");
      assertThat(raw.atEnd()).isTrue();
      assertThat(handler.awaitClosed()).isInstanceOf(ProtocolException.class)
          .hasMessage("the peer sent a text message; PB frames are binary");
      assertThat(handler.messagesSoFar()).isEmpty();
    }
  }

  @Test
  void anOversizedMessageClosesTheLinkWith1009BeforeItIsBufferedWhole() throws Exception {
    try (TransportServer server = listen(); var raw = RawWebSocket.upgrade(server, "/pb")) {
      RecordingHandler handler = nextAccepted();
      raw.sendBinary(new byte[10 * MAX_FRAME_SIZE]);

      RawWebSocket.Frame close = raw.readUntil(RawWebSocket.CLOSE);
      assertThat(close.closeCode()).isEqualTo(1009);
      assertThat(close.closeReason()).startsWith("message too big: ").endsWith(" > 1024");
      raw.sendClose(1000, "");
      assertThat(raw.atEnd()).isTrue();
      assertThat(handler.awaitClosed()).isInstanceOf(ProtocolException.class)
          .hasMessageContaining("exceeds the maximum allowed (1024, from Limits.maxMessageLength or "
              + "WebSocketTransportProvider.Builder.maxFrameSize)");
      assertThat(handler.messagesSoFar()).isEmpty();
    }
  }

  @Test
  void fragmentsAddingUpPastTheMaximumCloseTheLinkWith1009() throws Exception {
    try (TransportServer server = listen(); var raw = RawWebSocket.upgrade(server, "/pb")) {
      RecordingHandler handler = nextAccepted();
      raw.send(RawWebSocket.BINARY, new byte[600], false);
      raw.send(RawWebSocket.CONTINUATION, new byte[600], true);

      assertThat(raw.readUntil(RawWebSocket.CLOSE).closeCode()).isEqualTo(1009);
      raw.sendClose(1000, "");
      assertThat(handler.awaitClosed()).isInstanceOf(ProtocolException.class)
          .hasMessageContaining("at least 1025 bytes");
    }
  }

  @Test
  void aClientClosesWith1009OnAnOversizedMessageFromTheServer() throws Exception {
    try (var bigSender = WebSocketTransportProvider.builder().build(); TransportServer server = bigSender.listen(
        URI.create("ws://127.0.0.1:0/pb"), accepting(link -> {
          link.send(new byte[MAX_FRAME_SIZE + 1]);
          var handler = new RecordingHandler();
          accepted.add(handler);
          return handler;
        })).get(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
      var clientHandler = new RecordingHandler();
      provider.connect(WebSocketTransportTest.uri(server), handing(clientHandler))
          .get(TIMEOUT_SECONDS, TimeUnit.SECONDS);

      assertThat(clientHandler.awaitClosed()).isInstanceOf(ProtocolException.class)
          .hasMessageContaining("at least 1025 bytes exceeds the maximum allowed (1024");
      assertThat(nextAccepted().awaitClosed()).isInstanceOfSatisfying(WebSocketCloseException.class, closed -> {
        assertThat(closed.code()).isEqualTo(1009);
        assertThat(closed.reason()).isEqualTo("message too big: 1025 > 1024");
      });
      assertThat(clientHandler.messagesSoFar()).isEmpty();
    }
  }

  @Test
  void aClientClosesOnATextMessageFromTheServer() throws Exception {
    try (var server = new RawWebSocketServer("banana")) {
      var clientHandler = new RecordingHandler();
      Link client = provider.connect(URI.create("ws://127.0.0.1:" + server.port() + "/pb"), handing(clientHandler))
          .get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
      assertThat(client.negotiatedSerializer()).isEqualTo("banana");
      server.sendText("hello");

      RawWebSocket.Frame close = server.read();
      assertThat(close.opcode()).isEqualTo(RawWebSocket.CLOSE);
      assertThat(close.closeCode()).isEqualTo(1003);
      assertThat(close.closeReason()).isEqualTo("PB frames are binary");
      server.send(RawWebSocket.CLOSE, new byte[] {0x03, (byte) 0xe8}, true);
      assertThat(clientHandler.awaitClosed()).isInstanceOf(ProtocolException.class);
    }
  }

  @Test
  void aClientAnswersAServersPingsUntilItHasSentItsCloseFrame() throws Exception {
    try (var server = new RawWebSocketServer("banana")) {
      var clientHandler = new RecordingHandler();
      Link client = provider.connect(URI.create("ws://127.0.0.1:" + server.port() + "/pb"), handing(clientHandler))
          .get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
      server.send(RawWebSocket.PING, new byte[] {5, 6}, true);
      RawWebSocket.Frame pong = server.read();
      assertThat(pong.opcode()).isEqualTo(RawWebSocket.PONG);
      assertThat(pong.payload()).containsExactly(5, 6);

      client.close();
      assertThat(server.read().closeCode()).isEqualTo(1000);
      server.send(RawWebSocket.PING, new byte[] {9}, true); // after the client's close frame: no answer is allowed
      server.send(RawWebSocket.CLOSE, new byte[] {0x03, (byte) 0xe8}, true);

      assertThat(server.atEnd()).as("the connection ends with no pong after the close frame").isTrue();
      assertThat(clientHandler.awaitClosed()).isNull();
    }
  }

  @Test
  void aClientRefusesAHugeLengthClaimAndAMaskedFrameFromTheServer() throws Exception {
    byte[][] hostile = {
        {(byte) 0x82, 0x7F, 0x40, 0, 0, 0, 0, 0, 0, 0}, // a binary frame claiming 2^62 bytes
        {(byte) 0x82, (byte) 0x81, 1, 2, 3, 4, 5}, // a masked frame: only clients mask
    };
    int[] codes = {1009, 1002};
    for (int i = 0; i < hostile.length; i++) {
      try (var server = new RawWebSocketServer("banana")) {
        var clientHandler = new RecordingHandler();
        provider.connect(URI.create("ws://127.0.0.1:" + server.port() + "/pb"), handing(clientHandler))
            .get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        server.connection().getOutputStream().write(hostile[i]);
        server.connection().getOutputStream().flush();

        RawWebSocket.Frame close = server.read();
        assertThat(close.opcode()).isEqualTo(RawWebSocket.CLOSE);
        assertThat(close.closeCode()).as("case %d", i).isEqualTo(codes[i]);
        server.close(); // its decoder has stopped reading: the client ends with the connection or the grace
        assertThat(clientHandler.awaitClosed()).isInstanceOf(ProtocolException.class);
        assertThat(clientHandler.messagesSoFar()).isEmpty();
      }
    }
  }

  @Test
  void aClosingServerSays1001ToItsLinks() throws Exception {
    TransportServer server = listen();
    try (var raw = RawWebSocket.upgrade(server, "/pb")) {
      RecordingHandler handler = nextAccepted();
      var closing = new Thread(server::close);
      closing.start();

      RawWebSocket.Frame close = raw.readUntil(RawWebSocket.CLOSE);
      assertThat(close.closeCode()).isEqualTo(1001);
      assertThat(close.closeReason()).isEqualTo("the server is shutting down");
      raw.sendClose(1001, "");
      assertThat(raw.atEnd()).isTrue();
      assertThat(handler.awaitClosed()).isNull();
      closing.join(TimeUnit.SECONDS.toMillis(TIMEOUT_SECONDS));
    }
  }

  @Test
  void aPeersCloseWithAnotherCodeReachesOnClosedWithTheCodeAndReason() throws Exception {
    try (TransportServer server = listen(); var raw = RawWebSocket.upgrade(server, "/pb")) {
      RecordingHandler handler = nextAccepted();
      raw.sendClose(4001, "the application gave up");

      RawWebSocket.Frame answer = raw.readUntil(RawWebSocket.CLOSE);
      assertThat(answer.closeCode()).isEqualTo(4001);
      assertThat(raw.atEnd()).isTrue();
      assertThat(handler.awaitClosed()).isInstanceOfSatisfying(WebSocketCloseException.class, closed -> {
        assertThat(closed.code()).isEqualTo(4001);
        assertThat(closed.reason()).isEqualTo("the application gave up");
        assertThat(closed).hasMessage("the peer closed the WebSocket with 4001 (application code): "
            + "the application gave up");
      });
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
