package dev.pbj.cred;

import dev.pbj.RemoteException;
import java.util.List;

/**
 * A login refused: unknown user or wrong password, indistinguishable on purpose (Twisted's
 * {@code twisted.cred.error.UnauthorizedLogin}, which Twisted callers can {@code trap}). Also what a Java client's
 * login fails with when the server refuses it. The connection stays usable for another try.
 */
public class UnauthorizedLoginException extends RemoteException {
  public static final String TWISTED_TYPE = "twisted.cred.error.UnauthorizedLogin";
  private static final List<String> PARENTS = List.of(TWISTED_TYPE, "twisted.cred.error.LoginFailed",
      "twisted.cred.error.Unauthorized");

  public UnauthorizedLoginException() {
    this("");
  }

  public UnauthorizedLoginException(String message) {
    super(TWISTED_TYPE, message, "Traceback unavailable\n", PARENTS);
  }
}
