package dev.pbj.cred;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** Lets anyone in anonymously (Twisted's {@code AllowAnonymousAccess}); the realm gets {@link Portal#ANONYMOUS}. */
public final class AllowAnonymousAccess implements CredentialsChecker {
  @Override
  public boolean handles(Credentials credentials) {
    return credentials instanceof Anonymous;
  }

  @Override
  public CompletionStage<String> requestAvatarId(Credentials credentials) {
    return CompletableFuture.completedFuture(Portal.ANONYMOUS);
  }
}
