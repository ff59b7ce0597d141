package dev.pbj.bench.wire;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Locale;

/**
 * The WebSocket floor's wire, written for the least client work per call: the opening handshake by hand (an HTTP/1.1
 * upgrade request to {@code /}, the {@code 101} answer and its {@code Sec-WebSocket-Accept} checked), then one fixed
 * call, the payload (PBJ's ws/msgpack bytes for {@code echo("hello")}) as one masked binary frame, and every binary
 * frame the server sends back of the same length counted as its answer.
 *
 * <p>A client must mask its frames (RFC 6455 section 5.3); this one draws its masking key once per connection and
 * masks the frame once, so a call is a copy of ready bytes. A server cannot tell the difference (the key is meant to
 * be unpredictable to scripts in a browser, not to the server), and no codec could do less. Answers are parsed as a
 * state machine over "need more bytes" (header, extended length, payload skipped without copying), in any split.
 * A close frame, a masked or fragmented answer, or one of another length is a failure.
 */
final class WebSocketEcho implements Wire {
  private static final String ACCEPT_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
  /** The most bytes the server's handshake answer may take. */
  private static final int MAX_HANDSHAKE = 8192;
  private static final int OPCODE_BINARY = 0x2;
  private static final int OPCODE_CLOSE = 0x8;
  private static final int OPCODE_PING = 0x9;
  private static final int OPCODE_PONG = 0xA;

  private enum State { HANDSHAKE, HEADER, EXTENDED_LENGTH, PAYLOAD }

  private final byte[] call;
  private final int payloadLength;
  private final String expectedAccept;
  private byte[] request;
  private final StringBuilder handshake = new StringBuilder();
  private State state = State.HANDSHAKE;
  private int header;
  private int headerRead;
  private int extendedBytes;
  private long length;
  private long payloadLeft;
  private int opcode;

  /**
   * @param payload what each call's binary frame carries
   * @param port the server's port on 127.0.0.1, for the request's {@code Host}
   */
  WebSocketEcho(byte[] payload, int port) {
    SecureRandom random = new SecureRandom();
    byte[] nonce = new byte[16];
    random.nextBytes(nonce);
    String key = Base64.getEncoder().encodeToString(nonce);
    this.expectedAccept = accept(key);
    this.request = ("GET / HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        + "Sec-WebSocket-Key: " + key + "\r\nSec-WebSocket-Version: 13\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
    byte[] mask = new byte[4];
    random.nextBytes(mask);
    this.call = maskedFrame(payload, mask);
    this.payloadLength = payload.length;
  }

  /** A final binary frame carrying {@code payload}, masked with {@code mask}. */
  static byte[] maskedFrame(byte[] payload, byte[] mask) {
    int n = payload.length;
    int lengthBytes = n < 126 ? 0 : n <= 0xffff ? 2 : 8;
    byte[] frame = new byte[2 + lengthBytes + 4 + n];
    frame[0] = (byte) (0x80 | OPCODE_BINARY);
    int at = 2;
    if (lengthBytes == 0) {
      frame[1] = (byte) (0x80 | n);
    } else if (lengthBytes == 2) {
      frame[1] = (byte) (0x80 | 126);
      frame[at++] = (byte) (n >>> 8);
      frame[at++] = (byte) n;
    } else {
      frame[1] = (byte) (0x80 | 127);
      for (int shift = 56; shift >= 0; shift -= 8) {
        frame[at++] = (byte) ((long) n >>> shift);
      }
    }
    System.arraycopy(mask, 0, frame, at, 4);
    at += 4;
    for (int i = 0; i < n; i++) {
      frame[at + i] = (byte) (payload[i] ^ mask[i & 3]);
    }
    return frame;
  }

  private static String accept(String key) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-1").digest((key + ACCEPT_GUID).getBytes(StandardCharsets.US_ASCII));
      return Base64.getEncoder().encodeToString(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-1 is missing from this JVM", e);
    }
  }

  /** One call, as written: the masked frame. */
  byte[] call() {
    return call.clone();
  }

  @Override
  public boolean ready() {
    return state != State.HANDSHAKE;
  }

  @Override
  public int read(ByteBuf in) {
    int answers = 0;
    while (in.isReadable()) {
      switch (state) {
        case HANDSHAKE -> readHandshake(in);
        case HEADER -> {
          header = header << 8 | in.readUnsignedByte();
          if (++headerRead == 2) {
            startFrame();
          }
        }
        case EXTENDED_LENGTH -> {
          length = length << 8 | in.readUnsignedByte();
          if (--extendedBytes == 0) {
            startPayload();
          }
        }
        case PAYLOAD -> {
          int n = (int) Math.min(payloadLeft, in.readableBytes());
          in.skipBytes(n);
          payloadLeft -= n;
        }
      }
      if (state == State.PAYLOAD && payloadLeft == 0) {
        if (opcode == OPCODE_BINARY) {
          answers++;
        }
        state = State.HEADER;
        header = 0;
        headerRead = 0;
      }
    }
    return answers;
  }

  private void readHandshake(ByteBuf in) {
    while (in.isReadable()) {
      handshake.append((char) in.readUnsignedByte());
      int n = handshake.length();
      if (n >= 4 && handshake.charAt(n - 1) == '\n' && handshake.charAt(n - 2) == '\r'
          && handshake.charAt(n - 3) == '\n' && handshake.charAt(n - 4) == '\r') {
        checkHandshake(handshake.toString());
        state = State.HEADER;
        return;
      }
      if (n > MAX_HANDSHAKE) {
        throw new IllegalStateException("the server's handshake answer passed " + MAX_HANDSHAKE + " bytes");
      }
    }
  }

  private void checkHandshake(String answer) {
    String[] lines = answer.split("\r\n");
    if (!lines[0].startsWith("HTTP/1.1 101")) {
      throw new IllegalStateException("the server refused the upgrade: " + lines[0]);
    }
    for (String line : lines) {
      int colon = line.indexOf(':');
      if (colon > 0 && line.substring(0, colon).trim().toLowerCase(Locale.ROOT).equals("sec-websocket-accept")) {
        String accept = line.substring(colon + 1).trim();
        if (!accept.equals(expectedAccept)) {
          throw new IllegalStateException("Sec-WebSocket-Accept is " + accept + ", not " + expectedAccept);
        }
        return;
      }
    }
    throw new IllegalStateException("the server's 101 has no Sec-WebSocket-Accept: " + answer.strip());
  }

  private void startFrame() {
    boolean fin = (header & 0x8000) != 0;
    opcode = header >>> 8 & 0x0f;
    boolean masked = (header & 0x80) != 0;
    int length7 = header & 0x7f;
    if (opcode == OPCODE_CLOSE) {
      throw new IllegalStateException("the server sent a close frame");
    }
    if (masked || !fin || (opcode != OPCODE_BINARY && opcode != OPCODE_PING && opcode != OPCODE_PONG)) {
      throw new IllegalStateException("unexpected frame from the server: fin " + fin + ", opcode " + opcode
          + ", masked " + masked);
    }
    length = 0;
    if (length7 < 126) {
      length = length7;
      startPayload();
    } else {
      extendedBytes = length7 == 126 ? 2 : 8;
      state = State.EXTENDED_LENGTH;
    }
  }

  private void startPayload() {
    if (opcode == OPCODE_BINARY && length != payloadLength) {
      throw new IllegalStateException("the echo sent back a frame of " + length + " bytes; " + payloadLength
          + " were sent");
    }
    payloadLeft = length;
    state = State.PAYLOAD;
  }

  @Override
  public byte[] takeReply() {
    byte[] reply = request;
    request = null;
    return reply;
  }

  @Override
  public void writeCalls(ByteBuf out, int count) {
    for (int i = 0; i < count; i++) {
      out.writeBytes(call);
    }
  }

  @Override
  public int maxCallBytes() {
    return call.length;
  }
}
