package dev.pbj;

import java.util.AbstractSet;
import java.util.Collection;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * An immutable set: Python's {@code frozenset}, Jelly's {@code (frozenset …)}. A mutable {@link Set} is sent as
 * Python's {@code set}; this type marks the immutable one so a round trip keeps the distinction. Iteration
 * follows insertion order.
 */
public final class FrozenSet extends AbstractSet<Object> {
  private static final FrozenSet EMPTY = new FrozenSet(Collections.emptySet());
  private final Set<Object> elements;

  private FrozenSet(Set<Object> elements) {
    this.elements = elements;
  }

  /** A frozen set of the given elements. */
  public static FrozenSet of(Object... elements) {
    LinkedHashSet<Object> set = new LinkedHashSet<>();
    Collections.addAll(set, elements);
    return new FrozenSet(set);
  }

  /** A frozen copy of {@code elements}. */
  public static FrozenSet copyOf(Collection<?> elements) {
    return elements.isEmpty() ? EMPTY : new FrozenSet(new LinkedHashSet<>(elements));
  }

  /**
   * Takes ownership of {@code elements} without copying. For decoders that must hand the set out before it is
   * complete; nobody else may modify {@code elements} afterwards.
   */
  public static FrozenSet wrap(Set<Object> elements) {
    return new FrozenSet(elements);
  }

  @Override
  public Iterator<Object> iterator() {
    return Collections.unmodifiableSet(elements).iterator();
  }

  @Override
  public int size() {
    return elements.size();
  }

  @Override
  public boolean contains(Object o) {
    return elements.contains(o);
  }

  @Override
  public String toString() {
    return "frozenset(" + elements + ")";
  }
}
