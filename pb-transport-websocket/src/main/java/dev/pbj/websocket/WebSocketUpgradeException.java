package dev.pbj.websocket;

import java.io.IOException;

/**
 * The server refused a client's WebSocket upgrade with an HTTP status: 403 for a disallowed {@code Origin}, 401 or
 * 403 from its {@link UpgradeAuthenticator}, 400 when it accepts none of the serializers offered.
 */
public class WebSocketUpgradeException extends IOException {
  private final int status;

  public WebSocketUpgradeException(int status, String message, Throwable cause) {
    super(message, cause);
    this.status = status;
  }

  /** The HTTP status of the refusal. */
  public int status() {
    return status;
  }
}
