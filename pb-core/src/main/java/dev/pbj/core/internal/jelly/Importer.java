package dev.pbj.core.internal.jelly;

import dev.pbj.RemoteReference;

/**
 * What the unjellier needs from a connection's tables to receive references: the broker implements it; codec
 * tests use {@link #NONE}.
 */
public interface Importer {

  /** The peer sent {@code (remote luid)}: a reference to its object, counting one more received token. */
  RemoteReference importRemote(long luid);

  /**
   * The peer sent {@code (local id)}: one of this side's own exported objects (a {@code Long} luid or a name).
   *
   * @throws dev.pbj.ProtocolException if no such object is exported
   */
  Object resolveLocal(Object id);

  /** For unjellying without a connection: references are refused. */
  Importer NONE = new Importer() {
    @Override
    public RemoteReference importRemote(long luid) {
      throw new dev.pbj.ProtocolException("(remote " + luid + ") received without a connection");
    }

    @Override
    public Object resolveLocal(Object id) {
      throw new dev.pbj.ProtocolException("(local " + id + ") received without a connection");
    }
  };
}
