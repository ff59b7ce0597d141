package dev.pbj;

/**
 * The peer sent something the protocol does not allow: bytes that are not a valid encoding, an unknown message
 * kind, an unexpected dialect or version, an answer to no call. The connection that received it is closed.
 */
public class ProtocolException extends PbException {
  public ProtocolException(String message) {
    super(message);
  }

  public ProtocolException(String message, Throwable cause) {
    super(message, cause);
  }
}
