package dev.pbj.bench.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.Unpooled;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The WebSocket floor's client wire: its handshake, its masked calls, and answers counted in any split. */
class WebSocketEchoTest {
  private static final byte[] SHORT = "0123456789abcdefghijklmnopqrstu".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] LONG = new byte[300];

  @Test
  void callIsOneFinalMaskedBinaryFrameThatUnmasksToThePayload() {
    for (byte[] payload : new byte[][] {SHORT, LONG}) {
      byte[] call = new WebSocketEcho(payload, 1234).call();
      assertThat(call[0] & 0xff).isEqualTo(0x82);
      assertThat(call[1] & 0x80).as("masked").isEqualTo(0x80);
      int at = payload.length < 126 ? 2 : 4;
      assertThat(payload.length < 126 ? call[1] & 0x7f : (call[2] & 0xff) << 8 | call[3] & 0xff)
          .isEqualTo(payload.length);
      byte[] unmasked = new byte[payload.length];
      for (int i = 0; i < payload.length; i++) {
        unmasked[i] = (byte) (call[at + 4 + i] ^ call[at + (i & 3)]);
      }
      assertThat(unmasked).isEqualTo(payload);
      assertThat(call).hasSize(at + 4 + payload.length);
    }
  }

  @Test
  void answersAreCountedHoweverTheBytesAreSplit() {
    for (byte[] payload : new byte[][] {SHORT, LONG}) {
      for (int at = 0; at <= 400; at++) {
        WebSocketEcho echo = new WebSocketEcho(payload, 1234);
        byte[] wire = serverBytes(echo, payload, 3);
        if (at > wire.length) {
          break;
        }
        int answers = echo.read(Unpooled.wrappedBuffer(wire, 0, at));
        answers += echo.read(Unpooled.wrappedBuffer(wire, at, wire.length - at));
        assertThat(answers).as("split at %d", at).isEqualTo(3);
        assertThat(echo.ready()).isTrue();
      }
      WebSocketEcho bytewise = new WebSocketEcho(payload, 1234);
      byte[] wire = serverBytes(bytewise, payload, 3);
      int answers = 0;
      for (int i = 0; i < wire.length; i++) {
        answers += bytewise.read(Unpooled.wrappedBuffer(wire, i, 1));
      }
      assertThat(answers).as("one byte at a time").isEqualTo(3);
      assertThat(new WebSocketEcho(payload, 1234).ready()).as("not ready before the handshake answer").isFalse();
    }
  }

  @Test
  void aWrongAcceptOrACloseFrameOrAnotherLengthFails() {
    WebSocketEcho wrongAccept = new WebSocketEcho(SHORT, 1234);
    wrongAccept.takeReply();
    assertThatThrownBy(() -> wrongAccept.read(Unpooled.wrappedBuffer(
        "HTTP/1.1 101 Switching Protocols\r\nSec-WebSocket-Accept: nope\r\n\r\n".getBytes(StandardCharsets.US_ASCII))))
        .hasMessageContaining("Sec-WebSocket-Accept is nope");

    WebSocketEcho closed = new WebSocketEcho(SHORT, 1234);
    byte[] handshake = serverBytes(closed, SHORT, 0);
    closed.read(Unpooled.wrappedBuffer(handshake));
    assertThatThrownBy(() -> closed.read(Unpooled.wrappedBuffer(new byte[] {(byte) 0x88, 2, 3, (byte) 0xe8})))
        .hasMessageContaining("close frame");

    WebSocketEcho shorter = new WebSocketEcho(SHORT, 1234);
    shorter.read(Unpooled.wrappedBuffer(serverBytes(shorter, SHORT, 0)));
    assertThatThrownBy(() -> shorter.read(Unpooled.wrappedBuffer(new byte[] {(byte) 0x82, 1, 0})))
        .hasMessageContaining("a frame of 1 bytes; 31 were sent");
  }

  /** The server's side: the 101 for the client's request, then {@code frames} unmasked echoes of {@code payload}. */
  private static byte[] serverBytes(WebSocketEcho echo, byte[] payload, int frames) {
    String request = new String(echo.takeReply(), StandardCharsets.US_ASCII);
    Matcher key = Pattern.compile("Sec-WebSocket-Key: (\\S+)\r\n").matcher(request);
    assertThat(key.find()).isTrue();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] answer = ("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        + "Sec-WebSocket-Accept: " + accept(key.group(1)) + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
    out.writeBytes(answer);
    for (int i = 0; i < frames; i++) {
      out.write(0x82);
      if (payload.length < 126) {
        out.write(payload.length);
      } else {
        out.write(126);
        out.write(payload.length >>> 8);
        out.write(payload.length & 0xff);
      }
      out.writeBytes(payload);
    }
    return out.toByteArray();
  }

  private static String accept(String key) {
    try {
      return Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-1")
          .digest((key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").getBytes(StandardCharsets.US_ASCII)));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }
}
