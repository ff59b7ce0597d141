package dev.pbj;

import java.util.List;

/**
 * A failure raised by the peer while handling a call (Twisted's {@code RemoteError} / {@code CopiedFailure}).
 * Carries the peer's type name ({@code builtins.ValueError}, {@code twisted.spread.pb.Error},
 * {@code java.lang.IllegalStateException} …), its message, the traceback when the peer chose to send one, and
 * the qualified names of the type and its ancestors, which {@link #isA(String)} checks like Twisted's
 * {@code failure.check}.
 *
 * <p>A remote method may throw one too: it reaches the caller with its own type name and parents, so a failure
 * from a callback into another peer travels on unchanged, and a method can raise any Python type
 * ({@code builtins.TypeError}, say) for its Twisted callers.
 */
public class RemoteException extends PbException {
  private final String remoteType;
  private final String remoteMessage;
  private final String remoteTraceback;
  private final List<String> parents;

  public RemoteException(String remoteType, String remoteMessage, String remoteTraceback, List<String> parents) {
    super(remoteType + ": " + remoteMessage);
    this.remoteType = remoteType;
    this.remoteMessage = remoteMessage;
    this.remoteTraceback = remoteTraceback;
    this.parents = List.copyOf(parents);
  }

  /** The qualified type name of the remote failure, e.g. {@code twisted.spread.pb.Error}. */
  public String remoteType() {
    return remoteType;
  }

  /** The remote failure's message (Python's {@code str(exception)}). */
  public String remoteMessage() {
    return remoteMessage;
  }

  /** The peer's traceback text; Twisted sends {@code "Traceback unavailable\n"} unless it opted in. */
  public String remoteTraceback() {
    return remoteTraceback;
  }

  /** The type and its ancestors, most derived first, as the peer named them. */
  public List<String> parents() {
    return parents;
  }

  /** Whether the remote failure is of type {@code qualifiedName} or a subtype of it. */
  public boolean isA(String qualifiedName) {
    return remoteType.equals(qualifiedName) || parents.contains(qualifiedName);
  }

  /** Whether the peer raised its application error, {@code pb.Error} (or a subclass). */
  public boolean isPbError() {
    return isA(PbError.TWISTED_TYPE);
  }
}
