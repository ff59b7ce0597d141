package dev.pbj;


/**
 * An object sent by copy (Twisted's {@code pb.Copyable}): the peer receives its type name and its state, and
 * builds its own object only if it registered that type name. On the wire {@code ("type.Name" state)}.
 *
 * <p>A record needs no code: its state is a dictionary of its components by name. Other classes override
 * {@link #getStateToCopy()}. The type name defaults to the Java class name; override {@link #typeToCopy()} (or
 * register the class under a name with the copy registry) to match a Python peer's name such as
 * {@code pbj.demo.Point}.
 */
public interface Copyable {

  /** The type name sent with the state (Twisted's {@code getTypeToCopy}). */
  default String typeToCopy() {
    return getClass().getName();
  }

  /** The type name sent to a logged-in peer; {@code perspective} is its avatar, or null. */
  default String typeToCopyFor(Avatar perspective) {
    return typeToCopy();
  }

  /**
   * The state sent (Twisted's {@code getStateToCopy}), any value Jelly carries; usually a map of field names to
   * values. Records: their components, in declaration order.
   */
  default Object getStateToCopy() {
    if (this instanceof Record) {
      return recordState((Record) this);
    }
    throw new UnsupportedOperationException(getClass().getName()
        + " implements Copyable but does not override getStateToCopy()");
  }

  /**
   * The state a record is copied with: its components by name, in declaration order, in a new mutable map. The
   * accessors are bound once per record class.
   */
  static java.util.Map<String, Object> recordState(Record record) {
    return RecordStates.of(record);
  }

  /** The state sent to a logged-in peer; {@code perspective} is its avatar, or null. */
  default Object getStateToCopyFor(Avatar perspective) {
    return getStateToCopy();
  }
}
