package dev.pbj;

/**
 * An object copied once to each peer and then kept up to date (Twisted's {@code pb.Cacheable}): the first time it
 * is sent to a peer, it is asked for its state and given a {@link CacheObserver} for that peer, through which it
 * pushes changes to the peer's {@link RemoteCache}. Sending it again to the same peer sends only its id; the peer
 * sees the same RemoteCache. When the peer releases its cache or the connection drops,
 * {@link #stoppedObserving} is called.
 *
 * <p>Observers are called from any thread; keep the observer set thread-safe. The state getter runs while the
 * connection encodes the message that carries the cacheable: it must not wait for a lock that another thread holds
 * while calling an observer (push changes outside your own lock, or under the same lock the getter never waits
 * on), and it must not block.
 */
public interface Cacheable {

  /** The type name sent with the state; the receiver must have registered a RemoteCache for it. */
  default String typeToCopy() {
    return getClass().getName();
  }

  /** The type name sent to a logged-in peer; {@code perspective} is its avatar, or null. */
  default String typeToCopyFor(Avatar perspective) {
    return typeToCopy();
  }

  /**
   * A new peer observes this object: remember {@code observer} and return the state to send
   * (Twisted's {@code getStateToCacheAndObserveFor}).
   */
  Object getStateToCacheAndObserveFor(Avatar perspective, CacheObserver observer);

  /** The peer behind {@code observer} released its cache, or its connection dropped: forget the observer. */
  default void stoppedObserving(Avatar perspective, CacheObserver observer) {}
}
