package dev.pbj;

import java.util.List;

/**
 * A {@link CallInterceptor} refused the call: it did not run. The remote error a PBJ caller receives as this type
 * and a Twisted caller as a failure of type {@value #REMOTE_TYPE} (a {@code pb.Error}, so {@code f.check(pb.Error)}
 * traps it); an outbound interceptor's refusal fails the call before it is sent.
 */
public class CallRejectedException extends RemoteException {
  public static final String REMOTE_TYPE = "dev.pbj.CallRejected";
  private static final List<String> PARENTS = List.of(REMOTE_TYPE, PbError.TWISTED_TYPE);

  public CallRejectedException(String message) {
    super(REMOTE_TYPE, message, "Traceback unavailable\n", PARENTS);
  }
}
