package dev.pbj;

import java.util.concurrent.CompletableFuture;

/**
 * A {@link Cacheable}'s handle on one peer's {@link RemoteCache} (Twisted's {@code RemoteCacheObserver}): calls
 * run the cache's {@link Remote} methods on the peer, in the order they were made. Thread-safe. Equal observers
 * name the same peer and cacheable.
 */
public interface CacheObserver {

  /**
   * Calls {@code method} on the peer's RemoteCache; a trailing {@link Kwargs} carries keyword arguments. Fails
   * with {@link DeadReferenceException} once the peer stopped observing.
   */
  CompletableFuture<Object> callRemote(String method, Object... args);

  /**
   * Calls {@code update}'s method with its arguments, as {@link #callRemote(String, Object...)} does, as one of the
   * observers the same update goes to: PBJ's observers encode plain arguments once per serializer for all of them
   * (see {@link CacheObservers}), and send each peer the same bytes as a call of their own would, asking no answer
   * for a {@link CacheUpdate#oneWay} update. This default makes an ordinary call, answered.
   */
  default CompletableFuture<Object> callRemote(CacheUpdate update) {
    return callRemote(update.method(), update.arguments());
  }

  /** The avatar the cacheable was sent for, or null. */
  Avatar perspective();

  /** The connection to the observing peer. */
  Broker broker();
}
