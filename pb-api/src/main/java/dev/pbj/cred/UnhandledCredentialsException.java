package dev.pbj.cred;

import dev.pbj.RemoteException;
import java.util.List;

/**
 * No checker of the portal handles the credentials offered (Twisted's
 * {@code twisted.cred.error.UnhandledCredentials}), e.g. an anonymous login where none is allowed.
 */
public class UnhandledCredentialsException extends RemoteException {
  public static final String TWISTED_TYPE = "twisted.cred.error.UnhandledCredentials";

  public UnhandledCredentialsException(String message) {
    super(TWISTED_TYPE, message, "Traceback unavailable\n", List.of(TWISTED_TYPE, "twisted.cred.error.LoginFailed"));
  }
}
