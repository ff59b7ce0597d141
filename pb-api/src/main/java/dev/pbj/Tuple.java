package dev.pbj;

import java.util.AbstractList;
import java.util.Collection;
import java.util.Objects;
import java.util.RandomAccess;

/**
 * An immutable sequence: Python's {@code tuple}, Jelly's {@code (tuple …)}. Kept distinct from {@link java.util.List}
 * values (Python {@code list}) so a round trip preserves which one was sent. Elements may be {@code null}
 * (Python {@code None}).
 *
 * <p>A received tuple may share its parts (the same tuple twice at every level) or contain itself through a list;
 * {@link #equals}, {@link #hashCode} and {@link #toString} take bounded or linear time on such values and never
 * recurse without end.
 */
public final class Tuple extends AbstractList<Object> implements RandomAccess {
  private static final Tuple EMPTY = new Tuple(new Object[0]);
  private final Object[] elements;

  private Tuple(Object[] elements) {
    this.elements = elements;
  }

  /** A tuple of the given elements (copied). */
  public static Tuple of(Object... elements) {
    return elements.length == 0 ? EMPTY : new Tuple(elements.clone());
  }

  /** A tuple of the collection's elements in iteration order. */
  public static Tuple copyOf(Collection<?> elements) {
    return elements.isEmpty() ? EMPTY : new Tuple(elements.toArray());
  }

  /**
   * Takes ownership of {@code elements} without copying. For decoders that must hand out the tuple before its
   * last element is known (a cycle through the tuple); nobody else may write to the array afterwards.
   */
  public static Tuple wrap(Object[] elements) {
    return new Tuple(Objects.requireNonNull(elements));
  }

  @Override
  public Object get(int index) {
    return elements[index];
  }

  @Override
  public int size() {
    return elements.length;
  }

  @Override
  public Object[] toArray() {
    return elements.clone();
  }

  /**
   * Python's form, {@code (1, 2)} or {@code (1,)}, at most about a thousand characters: deeper or longer values, and
   * a container inside itself, are elided with {@code …}. Bounded however much the value shares or repeats itself.
   */
  @Override
  public String toString() {
    return ValueRepr.of(this);
  }

  /**
   * Equal only to another tuple with equal elements: Python's {@code (1, 2) != [1, 2]}. Takes time linear in the
   * distinct parts compared, however often they are shared, and ends on values that contain themselves.
   */
  @Override
  public boolean equals(Object o) {
    return o == this
        || (o instanceof Tuple t && t.elements.length == elements.length && ValueEquality.equal(this, t));
  }

  /**
   * A hash of at most the first few hundred nodes of the value (not cached: a tuple may hold a list that changes),
   * so hashing a deep, shared or cyclic value is cheap and ends.
   */
  @Override
  public int hashCode() {
    return ValueHash.of(this);
  }
}
