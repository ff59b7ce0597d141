package dev.pbj.core.internal.jelly;

import dev.pbj.ProtocolException;
import dev.pbj.RemoteReference;

/**
 * What the unjellier needs from a connection's tables to receive references and caches: the broker implements
 * it; codec tests use {@link #NONE}.
 */
public interface Importer {

  /** The peer sent {@code (remote luid)}: a reference to its object, counting one more received token. */
  RemoteReference importRemote(long luid);

  /**
   * The peer sent {@code (local id)}: one of this side's own exported objects (a {@code Long} luid or a name).
   *
   * @throws ProtocolException if no such object is exported
   */
  Object resolveLocal(Object id);

  /** The peer sent a cacheable for the first time: a new replica of {@code typeName} holding {@code state}. */
  Object importCache(String typeName, long luid, Object state);

  /** The peer sent {@code (cached luid)}: the replica it sent before, counting one more token. */
  Object cached(long luid);

  /** The peer sent {@code (lcache luid)}: this side's own cacheable it replicates. */
  Object resolveLocalCache(long luid);

  /** For unjellying without a connection: references and caches are refused. */
  Importer NONE = new Importer() {
    @Override
    public RemoteReference importRemote(long luid) {
      throw new ProtocolException("(remote " + luid + ") received without a connection");
    }

    @Override
    public Object resolveLocal(Object id) {
      throw new ProtocolException("(local " + id + ") received without a connection");
    }

    @Override
    public Object importCache(String typeName, long luid, Object state) {
      throw new ProtocolException("cache " + typeName + " received without a connection");
    }

    @Override
    public Object cached(long luid) {
      throw new ProtocolException("(cached " + luid + ") received without a connection");
    }

    @Override
    public Object resolveLocalCache(long luid) {
      throw new ProtocolException("(lcache " + luid + ") received without a connection");
    }
  };
}
