package dev.pbj;

/**
 * An error an application raises for its remote callers: Twisted's {@code pb.Error}. A Twisted caller sees a
 * {@code pb.Error} with this message (its {@code failure.check(pb.Error)} holds); a Java caller sees a
 * {@link RemoteException} whose {@link RemoteException#remoteType()} is {@value #TWISTED_TYPE}. Unlike other
 * exceptions thrown by remote methods, it is expected and not logged as a server failure.
 */
public class PbError extends PbException {
  /** The Python qualified name PB gives this error on the wire. */
  public static final String TWISTED_TYPE = "twisted.spread.pb.Error";

  public PbError(String message) {
    super(message);
  }

  /** The Python type name sent to the peer; subclasses may name a more specific one. */
  public String remoteType() {
    return TWISTED_TYPE;
  }
}
