package dev.pbj;

/**
 * A call through a reference that can no longer reach its object (Twisted's {@code DeadReferenceError}): its
 * connection has closed, or the reference itself was closed.
 */
public class DeadReferenceException extends PbException {
  public DeadReferenceException(String message) {
    super(message);
  }
}
