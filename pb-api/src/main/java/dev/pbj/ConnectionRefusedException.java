package dev.pbj;

/**
 * The server refused this connection before any PB message: it holds {@link Limits#maxConnections()} already.
 * Connecting again later (or elsewhere) is safe; nothing was sent.
 */
public class ConnectionRefusedException extends PbException {
  public ConnectionRefusedException(String message) {
    super(message);
  }
}
