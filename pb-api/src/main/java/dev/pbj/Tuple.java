package dev.pbj;

import java.util.AbstractList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Objects;
import java.util.RandomAccess;

/**
 * An immutable sequence: Python's {@code tuple}, Jelly's {@code (tuple …)}. Kept distinct from {@link java.util.List}
 * values (Python {@code list}) so a round trip preserves which one was sent. Elements may be {@code null}
 * (Python {@code None}).
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

  @Override
  public String toString() {
    if (elements.length == 1) {
      return "(" + elementString(elements[0]) + ",)";
    }
    StringBuilder sb = new StringBuilder("(");
    for (int i = 0; i < elements.length; i++) {
      if (i > 0) {
        sb.append(", ");
      }
      sb.append(elementString(elements[i]));
    }
    return sb.append(')').toString();
  }

  private String elementString(Object element) {
    return element == this ? "(...)" : String.valueOf(element);
  }

  /** Equal only to another tuple with equal elements: Python's {@code (1, 2) != [1, 2]}. */
  @Override
  public boolean equals(Object o) {
    return o == this || (o instanceof Tuple && Arrays.equals(elements, ((Tuple) o).elements));
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(elements);
  }
}
