package dev.pbj;

/**
 * What a logged-in peer talks to (Twisted's {@code pb.Avatar}, the perspective): its {@link Remote} methods are
 * called through the reference the login returned. It is also the perspective passed to {@link Viewable} methods
 * and to {@code …For(perspective)} methods when values are sent on its behalf.
 */
public interface Avatar extends Referenceable {

  /**
   * The session ended: the peer released the avatar or the connection dropped. Called once, off the I/O threads.
   */
  default void logout() {}
}
