package dev.pbj.cred;

import dev.pbj.Avatar;
import dev.pbj.RemoteReference;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Logs peers in (Twisted's {@code Portal}): the first checker that handles the credentials names the user, then the
 * realm makes the avatar. Serve it with {@code PbServer.builder().portal(portal)}. Thread-safe, immutable.
 */
public final class Portal {
  /** The avatar id given to the realm for an anonymous login. */
  public static final String ANONYMOUS = "";

  private final Realm realm;
  private final List<CredentialsChecker> checkers;

  public Portal(Realm realm, CredentialsChecker... checkers) {
    this.realm = Objects.requireNonNull(realm, "realm");
    this.checkers = List.of(checkers);
  }

  /**
   * The avatar for {@code credentials}, or a stage failed with {@link UnauthorizedLoginException} (wrong password,
   * unknown user) or {@link UnhandledCredentialsException} (no checker for this kind of credentials).
   */
  public CompletionStage<Avatar> login(Credentials credentials, RemoteReference mind) {
    for (CredentialsChecker checker : checkers) {
      if (checker.handles(credentials)) {
        return checker.requestAvatarId(credentials)
            .thenCompose(avatarId -> realm.requestAvatar(avatarId, mind))
            .thenApply(avatar -> (Avatar) avatar);
      }
    }
    return CompletableFuture.failedFuture(new UnhandledCredentialsException(credentials instanceof Anonymous
        ? "No checker for twisted.cred.credentials.IAnonymous"
        : "No checker for twisted.cred.credentials.IUsernameHashedPassword"));
  }
}
