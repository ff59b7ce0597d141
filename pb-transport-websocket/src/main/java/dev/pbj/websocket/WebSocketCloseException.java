package dev.pbj.websocket;

import java.io.IOException;

/**
 * The peer closed the WebSocket with a code other than 1000 (normal closure) or 1001 (going away): the cause a
 * {@link dev.pbj.spi.LinkHandler#onClosed} receives then. The message carries the code, its meaning and the
 * peer's reason.
 */
final class WebSocketCloseException extends IOException {

  private final int code;
  private final String reason;

  WebSocketCloseException(CloseStatus status) {
    super("the peer closed the WebSocket with " + status.describe());
    this.code = status.code();
    this.reason = status.reason();
  }

  /** The close code the peer sent, e.g. 1002. */
  int code() {
    return code;
  }

  /** The peer's reason, possibly empty. */
  String reason() {
    return reason;
  }
}
