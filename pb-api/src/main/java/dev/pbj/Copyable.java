package dev.pbj;

import java.lang.reflect.RecordComponent;
import java.util.LinkedHashMap;
import java.util.Map;

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
    if (getClass().isRecord()) {
      Map<String, Object> state = new LinkedHashMap<>();
      for (RecordComponent component : getClass().getRecordComponents()) {
        try {
          java.lang.reflect.Method accessor = component.getAccessor();
          accessor.setAccessible(true);
          state.put(component.getName(), accessor.invoke(this));
        } catch (ReflectiveOperationException e) {
          throw new IllegalStateException("cannot read record component " + component, e);
        }
      }
      return state;
    }
    throw new UnsupportedOperationException(getClass().getName()
        + " implements Copyable but does not override getStateToCopy()");
  }

  /** The state sent to a logged-in peer; {@code perspective} is its avatar, or null. */
  default Object getStateToCopyFor(Avatar perspective) {
    return getStateToCopy();
  }
}
