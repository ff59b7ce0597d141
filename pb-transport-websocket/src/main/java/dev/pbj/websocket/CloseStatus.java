package dev.pbj.websocket;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * A WebSocket close status: the code and reason of a close frame (RFC 6455 section 7.4). The reason always fits a
 * close frame: {@link #of} cuts it to {@value #MAX_REASON_BYTES} bytes of UTF-8, never inside a character.
 */
record CloseStatus(int code, String reason) {

  static final int NORMAL = 1000;
  static final int GOING_AWAY = 1001;
  static final int PROTOCOL_ERROR = 1002;
  static final int UNSUPPORTED_DATA = 1003;
  /** Received when a close frame carries no code; never sent. */
  static final int NO_STATUS = 1005;
  /** Reported when the connection ended without a close frame; never sent. */
  static final int ABNORMAL = 1006;
  static final int POLICY_VIOLATION = 1008;
  static final int MESSAGE_TOO_BIG = 1009;
  static final int INTERNAL_ERROR = 1011;
  /** A server that takes no more connections now: its connection limit (RFC 6455's registry: try again later). */
  static final int TRY_AGAIN_LATER = 1013;

  /** A close frame's payload is at most 125 bytes, two of which hold the code. */
  static final int MAX_REASON_BYTES = 123;

  static final CloseStatus NORMAL_CLOSURE = new CloseStatus(NORMAL, "");

  /** The status with {@code reason} ({@code null}: none) cut to fit a close frame. */
  static CloseStatus of(int code, String reason) {
    return new CloseStatus(code, truncate(reason == null ? "" : reason, MAX_REASON_BYTES));
  }

  /** The status a close frame's payload carries: {@value #NO_STATUS} for an empty one. */
  static CloseStatus parse(ByteBuffer payload) {
    if (payload.remaining() < 2) {
      return new CloseStatus(NO_STATUS, "");
    }
    int code = payload.getShort() & 0xFFFF;
    CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPLACE)
        .onUnmappableCharacter(CodingErrorAction.REPLACE);
    try {
      return new CloseStatus(code, utf8.decode(payload).toString());
    } catch (java.nio.charset.CharacterCodingException e) {
      throw new AssertionError("a replacing decoder does not throw", e);
    }
  }

  /** Whether the peer ended the connection in order: 1000, 1001, or a close frame without a code. */
  boolean orderly() {
    return code == NORMAL || code == GOING_AWAY || code == NO_STATUS;
  }

  /**
   * The status to answer a peer's close frame with: its own code, or 1000 when it carried none (RFC 6455 section
   * 5.5.1: "typically echos the status code it received").
   */
  CloseStatus echo() {
    return code == NO_STATUS ? NORMAL_CLOSURE : new CloseStatus(code, "");
  }

  /** For messages: {@code 1002 (protocol error): reason}. */
  String describe() {
    return code + " (" + meaning(code) + ")" + (reason.isEmpty() ? "" : ": " + reason);
  }

  @Override
  public String toString() {
    return describe();
  }

  private static String meaning(int code) {
    return switch (code) {
      case NORMAL -> "normal closure";
      case GOING_AWAY -> "going away";
      case PROTOCOL_ERROR -> "protocol error";
      case UNSUPPORTED_DATA -> "unsupported data";
      case NO_STATUS -> "no status code";
      case ABNORMAL -> "closed abnormally";
      case 1007 -> "invalid payload data";
      case POLICY_VIOLATION -> "policy violation";
      case MESSAGE_TOO_BIG -> "message too big";
      case 1010 -> "extension required";
      case INTERNAL_ERROR -> "internal error";
      case 1012 -> "service restart";
      case 1013 -> "try again later";
      default -> code >= 4000 ? "application code" : "unassigned";
    };
  }

  /** The longest prefix of {@code text} whose UTF-8 encoding fits {@code maxBytes}, cut between characters. */
  static String truncate(String text, int maxBytes) {
    CharsetEncoder utf8 = StandardCharsets.UTF_8.newEncoder()
        .onMalformedInput(CodingErrorAction.REPLACE)
        .onUnmappableCharacter(CodingErrorAction.REPLACE);
    ByteBuffer room = ByteBuffer.allocate(maxBytes);
    CharBuffer chars = CharBuffer.wrap(text);
    // The encoder stops before a character that does not fit whole; what it consumed is the prefix that fits.
    utf8.encode(chars, room, true);
    return text.substring(0, chars.position());
  }
}
