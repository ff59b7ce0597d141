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
  /** The elements' hash sum once computed: a racy cache read as {@link String}'s is (0 means "not yet"). */
  private int hash;
  private boolean hashIsZero;

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

  /**
   * The {@link Set} contract's sum of the elements' hashes, computed once: a set of frozensets that repeat one
   * another (each level holding the last one twice over) would otherwise hash the innermost 2^levels times.
   */
  @Override
  public int hashCode() {
    int h = hash;
    if (h == 0 && !hashIsZero) {
      h = super.hashCode();
      if (h == 0) {
        hashIsZero = true;
      } else {
        hash = h;
      }
    }
    return h;
  }

  /** {@code frozenset([1, 2])}, bounded as {@link Tuple#toString()} is. */
  @Override
  public String toString() {
    return ValueRepr.of(this);
  }
}
