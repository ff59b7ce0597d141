package dev.pbj;

/**
 * The connection closed while a call was waiting for its answer (Twisted's {@code PBConnectionLost}). Every
 * pending call of a connection fails with this when the connection drops; the cause, if any, says why.
 */
public class ConnectionLostException extends PbException {
  public ConnectionLostException(String message, Throwable cause) {
    super(message, cause);
  }
}
