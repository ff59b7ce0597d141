package dev.pbj;

import java.util.List;

/**
 * The peer is shutting down gracefully and refused this call without running it: calling again elsewhere (or once
 * it is back) is safe. Also what a call fails with at once when made through a client or server that is itself
 * shutting down. A Twisted caller sees a failure of type {@value #REMOTE_TYPE}.
 */
public class ShuttingDownException extends RemoteException {
  public static final String REMOTE_TYPE = "dev.pbj.ShuttingDown";
  private static final List<String> PARENTS = List.of(REMOTE_TYPE, PbError.TWISTED_TYPE);

  public ShuttingDownException(String message) {
    super(REMOTE_TYPE, message, "Traceback unavailable\n", PARENTS);
  }
}
