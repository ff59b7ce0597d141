package dev.pbj.cred;

import dev.pbj.Avatar;
import dev.pbj.RemoteReference;
import java.util.concurrent.CompletionStage;

/**
 * Makes the {@link Avatar} for a logged-in user (Twisted's {@code IRealm}). Its {@link Avatar#logout()} runs when
 * the session ends: the peer released the avatar or the connection dropped.
 */
@FunctionalInterface
public interface Realm {

  /**
   * The avatar of {@code avatarId} ({@link Portal#ANONYMOUS} for an anonymous login); {@code mind} is the client's
   * object given at login, or null.
   */
  CompletionStage<? extends Avatar> requestAvatar(String avatarId, RemoteReference mind);
}
