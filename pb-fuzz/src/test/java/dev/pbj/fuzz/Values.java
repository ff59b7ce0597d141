package dev.pbj.fuzz;

import dev.pbj.core.internal.jelly.CopiedValue;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Structural equality of unjellied values that may share parts and contain themselves. {@code equals} would
 * recurse forever on a cycle and take exponential time on a sharing bomb; this walks each container once, keeping
 * a one-to-one map between the two graphs' containers, so that a shared (or cyclic) part on one side must be
 * shared the same way on the other.
 */
final class Values {
  private final IdentityHashMap<Object, Object> leftToRight = new IdentityHashMap<>();
  private final IdentityHashMap<Object, Object> rightToLeft = new IdentityHashMap<>();
  /** The pairs of {@link #leftToRight} in the order the walk met them: depth first, the outermost first. */
  private final List<Map.Entry<Object, Object>> met = new ArrayList<>();

  private Values() {}

  /** Whether {@code a} and {@code b} are the same value graph. */
  static boolean equivalent(Object a, Object b) {
    return correspondence(a, b) != null;
  }

  /**
   * If {@code a} and {@code b} are the same value graph, each container of {@code a} paired with its counterpart
   * in {@code b}, once each, depth first from {@code a} itself; otherwise {@code null}.
   */
  static List<Map.Entry<Object, Object>> correspondence(Object a, Object b) {
    Values values = new Values();
    return values.same(a, b, 0) ? values.met : null;
  }

  private boolean same(Object a, Object b, int depth) {
    if (depth > 10_000) {
      throw new AssertionError("a value nested deeper than any limit allows");
    }
    if (!isContainer(a) || !isContainer(b)) {
      if (a instanceof Double && b instanceof Double) {
        return Double.doubleToLongBits((Double) a) == Double.doubleToLongBits((Double) b);
      }
      if (a instanceof CopiedValue && b instanceof CopiedValue) {
        return ((CopiedValue) a).typeName().equals(((CopiedValue) b).typeName())
            && same(((CopiedValue) a).state(), ((CopiedValue) b).state(), depth + 1);
      }
      return a == null ? b == null : !isContainer(b) && a.equals(b);
    }
    if (a.getClass() != b.getClass()) {
      return false;
    }
    Object known = leftToRight.get(a);
    if (known != null || rightToLeft.containsKey(b)) {
      return known == b;
    }
    leftToRight.put(a, b);
    rightToLeft.put(b, a);
    met.add(Map.entry(a, b));
    if (a instanceof List) {
      return sameElements(((List<?>) a).iterator(), ((List<?>) b).iterator(), ((List<?>) a).size(),
          ((List<?>) b).size(), depth);
    }
    if (a instanceof Map) {
      Map<?, ?> x = (Map<?, ?>) a;
      Map<?, ?> y = (Map<?, ?>) b;
      if (x.size() != y.size()) {
        return false;
      }
      // insertion order is kept on both sides (LinkedHashMap), so the entries pair up in order
      Iterator<? extends Map.Entry<?, ?>> i = x.entrySet().iterator();
      Iterator<? extends Map.Entry<?, ?>> j = y.entrySet().iterator();
      while (i.hasNext()) {
        Map.Entry<?, ?> e = i.next();
        Map.Entry<?, ?> f = j.next();
        if (!same(e.getKey(), f.getKey(), depth + 1) || !same(e.getValue(), f.getValue(), depth + 1)) {
          return false;
        }
      }
      return true;
    }
    // sets keep insertion order (LinkedHashSet, FrozenSet), so the elements pair up in order
    Set<?> x = (Set<?>) a;
    Set<?> y = (Set<?>) b;
    return sameElements(x.iterator(), y.iterator(), x.size(), y.size(), depth);
  }

  private boolean sameElements(Iterator<?> i, Iterator<?> j, int m, int n, int depth) {
    if (m != n) {
      return false;
    }
    while (i.hasNext()) {
      if (!same(i.next(), j.next(), depth + 1)) {
        return false;
      }
    }
    return true;
  }

  private static boolean isContainer(Object value) {
    // Tuple is a List, FrozenSet a Set; the class check above keeps them apart from their mutable kin
    return value instanceof List || value instanceof Map || value instanceof Set;
  }
}
