package dev.pbj;

/**
 * The root of PBJ's failures. Each subclass is a case a caller handles differently: an error raised by the
 * peer ({@link RemoteException}), a lost connection ({@link ConnectionLostException}), a deadline that passed
 * ({@link DeadlineExceededException}), a reference whose
 * connection is gone ({@link DeadReferenceException}), a peer that broke the protocol
 * ({@link ProtocolException}), a configured limit ({@link LimitExceededException}), a type the wire named but
 * nobody registered ({@link InsecureJellyException}). Applications raise {@link PbError} for their callers.
 */
public class PbException extends RuntimeException {
  public PbException(String message) {
    super(message);
  }

  public PbException(String message, Throwable cause) {
    super(message, cause);
  }
}
