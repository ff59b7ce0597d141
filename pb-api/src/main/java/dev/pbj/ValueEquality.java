package dev.pbj;

import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Equality of two value graphs that may share parts or contain themselves, for the pb-api value types
 * ({@link Tuple}, {@link Kwargs}, {@link CopiedObject}). The elements' own {@code equals} would compare a shared
 * part once per path to it (2^64 times for a 64-level sharing bomb) and recurse without end on a cycle through a
 * list. This walk keeps the pairs it has compared, by identity, and compares each pair once: a pair met again is
 * taken as equal, which is sound because any difference fails the whole comparison where it is found. It keeps
 * its work on a heap stack, so a deep value cannot overflow the thread's stack.
 *
 * <p>The rules are those of the types: a {@link Tuple} equals only a tuple; another {@link List} any list (the JDK's
 * rule, so an {@code ArrayList} equals a tuple of the same elements); a {@link Map} any map of the same keys, the
 * values compared here; a {@link Set} any set holding equal elements (they are hashable, so the set looks them up).
 */
final class ValueEquality {
  private record Pair(Object a, Object b) {
    @Override
    public boolean equals(Object o) {
      return o instanceof Pair p && p.a == a && p.b == b;
    }

    @Override
    public int hashCode() {
      return 31 * System.identityHashCode(a) + System.identityHashCode(b);
    }
  }

  private final ArrayDeque<Pair> pending = new ArrayDeque<>();
  private final Set<Pair> compared = new HashSet<>();

  private ValueEquality() {}

  /** Whether {@code a} and {@code b} are equal values. */
  static boolean equal(Object a, Object b) {
    return new ValueEquality().compare(a, b);
  }

  private boolean compare(Object first, Object second) {
    pending.push(new Pair(first, second));
    while (!pending.isEmpty()) {
      Pair pair = pending.pop();
      Object a = pair.a;
      Object b = pair.b;
      if (a == b) {
        continue;
      }
      if (a == null || b == null) {
        return false;
      }
      boolean container = a instanceof List || a instanceof Map || a instanceof Kwargs
          || a instanceof CopiedObject || a instanceof Set;
      if (!container) {
        if (!a.equals(b)) {
          return false;
        }
        continue;
      }
      if (!compared.add(pair)) {
        continue;
      }
      if (!sameShape(a, b)) {
        return false;
      }
    }
    return true;
  }

  /** Compares what can be compared at once and queues the parts to compare. */
  private boolean sameShape(Object a, Object b) {
    if (a instanceof List<?> x) {
      if ((a instanceof Tuple && !(b instanceof Tuple)) || !(b instanceof List<?> y) || x.size() != y.size()) {
        return false;
      }
      for (int i = x.size() - 1; i >= 0; i--) {
        pending.push(new Pair(x.get(i), y.get(i)));
      }
      return true;
    }
    if (a instanceof Map<?, ?> x) {
      return b instanceof Map<?, ?> y && sameEntries(x, y);
    }
    if (a instanceof Kwargs x) {
      return b instanceof Kwargs y && sameEntries(x.asMap(), y.asMap());
    }
    if (a instanceof CopiedObject x) {
      if (!(b instanceof CopiedObject y) || !Objects.equals(x.typeName(), y.typeName())) {
        return false;
      }
      pending.push(new Pair(x.state(), y.state()));
      return true;
    }
    Set<?> x = (Set<?>) a;
    return b instanceof Set<?> y && x.size() == y.size() && y.containsAll(x);
  }

  private boolean sameEntries(Map<?, ?> x, Map<?, ?> y) {
    if (x.size() != y.size()) {
      return false;
    }
    for (Map.Entry<?, ?> e : x.entrySet()) {
      Object other = y.get(e.getKey());
      if (other == null && !y.containsKey(e.getKey())) {
        return false;
      }
      pending.push(new Pair(e.getValue(), other));
    }
    return true;
  }
}
