package dev.pbj.core.internal.jelly;

import dev.pbj.Referenceable;
import dev.pbj.RemoteReference;

/**
 * What the jellier needs from a connection's tables to send references: the broker implements it; codec tests
 * use {@link #NONE}.
 */
public interface Exporter {

  /** Exports {@code object} to the peer, counting one more reference to it; returns its luid. */
  long export(Referenceable object);

  /** Takes back one reference counted by {@link #export} (a message that failed before it was sent). */
  void unexport(long luid);

  /**
   * The id under which the peer knows the object {@code reference} points at ({@code (local id)} on the wire),
   * a {@code Long} luid or a name such as {@code "root"}.
   *
   * @throws IllegalArgumentException if the reference belongs to another connection
   */
  Object localIdOf(RemoteReference reference);

  /** For jellying without a connection: references cannot be sent. */
  Exporter NONE = new Exporter() {
    @Override
    public long export(Referenceable object) {
      throw new IllegalArgumentException("cannot send a Referenceable without a connection: " + object);
    }

    @Override
    public void unexport(long luid) {}

    @Override
    public Object localIdOf(RemoteReference reference) {
      throw new IllegalArgumentException("cannot send a RemoteReference without a connection: " + reference);
    }
  };
}
