package dev.pbj;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The hash of a value graph at bounded cost: the pb-api value types ({@link Tuple}, {@link Kwargs},
 * {@link CopiedObject}) hash through here rather than through their elements' own {@code hashCode}.
 *
 * <p>Why: a received value is a graph, not a tree. Jelly's references let a few hundred bytes share one tuple
 * twice at each of 64 levels, and {@code Arrays.hashCode} walks that as a tree of 2^64 nodes; a list that contains
 * the tuple that contains it makes the walk endless. So this walk descends itself into every container it knows
 * (lists, tuples, maps, sets, copies, keyword arguments) and visits at most {@value #BUDGET} nodes, {@value
 * #MAX_DEPTH} levels deep: past that, a container adds only its size.
 *
 * <p>It stays consistent with {@link ValueEquality}: the nodes visited depend only on the value's structure, never
 * on identity or on the iteration order of a map or set (a map shares what is left of the budget evenly among its
 * entries, all or none; a set nested in a value adds only its size), so equal values hash alike.
 */
final class ValueHash {
  static final int BUDGET = 512;
  static final int MAX_DEPTH = 32;

  private int remaining;

  private ValueHash(int budget) {
    this.remaining = budget;
  }

  /** The bounded hash of {@code value}. */
  static int of(Object value) {
    return new ValueHash(BUDGET).hash(value, 0);
  }

  private int hash(Object value, int depth) {
    remaining--;
    if (value == null) {
      return 0;
    }
    if (value instanceof List<?> list) {
      // the same for a Tuple and a List: an ArrayList equals a Tuple of the same elements
      int h = 1;
      int n = list.size();
      for (int i = 0; i < n && remaining > 0 && depth < MAX_DEPTH; i++) {
        h = 31 * h + hash(list.get(i), depth + 1);
      }
      return 31 * h + n;
    }
    if (value instanceof Map<?, ?> map) {
      return 0x4d41 ^ entries(map, depth);
    }
    if (value instanceof Kwargs kwargs) {
      return 0x4b57 ^ entries(kwargs.asMap(), depth);
    }
    if (value instanceof CopiedObject copy) {
      return 31 * String.valueOf(copy.typeName()).hashCode()
          + (remaining > 0 && depth < MAX_DEPTH ? hash(copy.state(), depth + 1) : 0);
    }
    if (value instanceof Set<?> set) {
      // equal sets may iterate in different orders, and a FrozenSet equals any Set of the same elements
      return 0x5345 ^ set.size();
    }
    return value.hashCode();
  }

  private int entries(Map<?, ?> map, int depth) {
    int n = map.size();
    int share = depth < MAX_DEPTH && n > 0 ? Math.max(0, remaining) / n : 0;
    if (share == 0) {
      return n;
    }
    remaining -= share * n;
    int sum = 0;
    for (Map.Entry<?, ?> e : map.entrySet()) {
      ValueHash entry = new ValueHash(share);
      int k = entry.hash(e.getKey(), depth + 1);
      sum += k ^ (entry.remaining > 0 ? entry.hash(e.getValue(), depth + 1) : 0);
    }
    return sum;
  }
}
