package dev.pbj.core.internal.jelly;

import dev.pbj.Avatar;
import dev.pbj.Cacheable;
import dev.pbj.Referenceable;
import dev.pbj.RemoteCache;
import dev.pbj.RemoteReference;
import dev.pbj.Viewable;

/**
 * What the jellier needs from a connection's tables to send objects by reference and caches: the broker
 * implements it; codec tests use {@link #NONE}.
 */
public interface Exporter {

  /** Exports {@code object} to the peer, counting one more reference to it; returns its luid. */
  long export(Referenceable object);

  /** Exports {@code view} as seen by {@code perspective} (a view point), counting one more reference. */
  long exportView(Viewable view, Avatar perspective);

  /** Takes back one reference counted by {@link #export} or {@link #exportView} (a message that failed). */
  void unexport(long luid);

  /**
   * Sends {@code cacheable} to the peer: the first time with its state (the cacheable is asked for it and given
   * an observer), later by id only; counts one more reference either way.
   */
  CacheExport exportCache(Cacheable cacheable, Avatar perspective);

  /** Takes back one reference counted by {@link #exportCache}. */
  void unexportCache(long luid);

  /** The cache id the peer knows {@code cache} by ({@code (lcache id)}): a replica received from the peer. */
  long cacheIdOf(RemoteCache cache);

  /**
   * The id under which the peer knows the object {@code reference} points at ({@code (local id)} on the wire),
   * a {@code Long} luid or a name such as {@code "root"}.
   *
   * @throws IllegalArgumentException if the reference belongs to another connection
   */
  Object localIdOf(RemoteReference reference);

  /** The outcome of {@link #exportCache}: the id, and the state when this is the first time. */
  record CacheExport(long luid, boolean first, Object state) {
  }

  /** For jellying without a connection: references and caches cannot be sent. */
  Exporter NONE = new Exporter() {
    @Override
    public long export(Referenceable object) {
      throw new IllegalArgumentException("cannot send a Referenceable without a connection: " + object);
    }

    @Override
    public long exportView(Viewable view, Avatar perspective) {
      throw new IllegalArgumentException("cannot send a Viewable without a connection: " + view);
    }

    @Override
    public void unexport(long luid) {}

    @Override
    public CacheExport exportCache(Cacheable cacheable, Avatar perspective) {
      throw new IllegalArgumentException("cannot send a Cacheable without a connection: " + cacheable);
    }

    @Override
    public void unexportCache(long luid) {}

    @Override
    public long cacheIdOf(RemoteCache cache) {
      throw new IllegalArgumentException("cannot send a RemoteCache without a connection: " + cache);
    }

    @Override
    public Object localIdOf(RemoteReference reference) {
      throw new IllegalArgumentException("cannot send a RemoteReference without a connection: " + reference);
    }
  };
}
