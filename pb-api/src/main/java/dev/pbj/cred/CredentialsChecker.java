package dev.pbj.cred;

import java.util.concurrent.CompletionStage;

/**
 * Decides who a set of credentials belongs to (Twisted's {@code ICredentialsChecker}). Implement it to check
 * against your own user store.
 */
public interface CredentialsChecker {

  /** Whether this checker handles {@code credentials} at all. */
  boolean handles(Credentials credentials);

  /**
   * The avatar id (user name) the credentials prove, or a stage failed with {@link UnauthorizedLoginException}.
   * Must never log or keep the secret.
   */
  CompletionStage<String> requestAvatarId(Credentials credentials);
}
