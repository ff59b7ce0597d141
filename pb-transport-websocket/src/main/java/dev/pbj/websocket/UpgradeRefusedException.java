package dev.pbj.websocket;

/**
 * Thrown by an {@link UpgradeAuthenticator} to refuse an upgrade: the client gets the HTTP status and the message
 * as the response body, and no connection is made. A Java client's connect fails with a
 * {@link WebSocketUpgradeException} of the same status.
 */
public class UpgradeRefusedException extends Exception {
  private final int status;

  /** @param status an HTTP client-error status, 400 to 499 (401 and 403 are the usual ones) */
  public UpgradeRefusedException(int status, String message) {
    super(message);
    if (status < 400 || status > 499) {
      throw new IllegalArgumentException("status (" + status + ") must be a client error, 400 to 499");
    }
    this.status = status;
  }

  /** 401: the request carries no credentials, or ones that are not valid. */
  public static UpgradeRefusedException unauthorized(String message) {
    return new UpgradeRefusedException(401, message);
  }

  /** 403: the credentials are valid but not allowed here. */
  public static UpgradeRefusedException forbidden(String message) {
    return new UpgradeRefusedException(403, message);
  }

  public int status() {
    return status;
  }
}
