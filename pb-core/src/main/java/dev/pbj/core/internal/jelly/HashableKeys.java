package dev.pbj.core.internal.jelly;

import dev.pbj.FrozenSet;
import dev.pbj.LimitExceededException;
import dev.pbj.ProtocolException;
import dev.pbj.Tuple;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Admits what may become a set element or a dictionary key, before it is hashed. Python hashes only immutable
 * values, so Twisted never sends a list, dictionary or set there, nor a tuple holding one; PBJ refuses them too,
 * for a reason of its own: hashing a received value walks it as a tree, and Jelly's references make a value a graph.
 * A cycle ({@code (reference 1 (tuple (frozenset (dereference 1))))}) would hash forever, and a few hundred bytes of
 * shared tuples ({@code (reference k (tuple (dereference k-1) (dereference k-1)))}) expand to 2^64 nodes. The walk
 * here visits each container once, refuses a cycle, and counts the tree's nodes against
 * {@link dev.pbj.Limits#maxListLength()}, the most elements one list may bring.
 */
final class HashableKeys {
  private static final Long VISITING = -1L;

  private final int maxNodes;
  /** Tree sizes of the containers walked so far; {@link #VISITING} while one is on the walk's path. */
  private final IdentityHashMap<Object, Long> sizes = new IdentityHashMap<>();

  private HashableKeys(int maxNodes) {
    this.maxNodes = maxNodes;
  }

  /**
   * Returns if {@code key} is hashable as Python sees it and its tree is at most {@code maxNodes} nodes; throws
   * {@link ProtocolException} or {@link LimitExceededException} otherwise.
   */
  static void require(Object key, int maxNodes) {
    if (key instanceof Tuple || key instanceof FrozenSet || key instanceof CopiedValue || isMutable(key)) {
      long nodes = new HashableKeys(maxNodes).size(key);
      if (nodes > maxNodes) {
        throw tooLarge(nodes, maxNodes);
      }
    }
  }

  private long size(Object value) {
    if (isMutable(value)) {
      throw new ProtocolException("unhashable type: a " + describe(value)
          + " cannot be a set element or a dictionary key");
    }
    Iterable<?> parts;
    if (value instanceof Tuple || value instanceof FrozenSet) {
      parts = (Iterable<?>) value;
    } else if (value instanceof CopiedValue) {
      parts = List.of(((CopiedValue) value).state() == null ? "" : ((CopiedValue) value).state());
    } else {
      return 1;
    }
    Long known = sizes.get(value);
    if (known != null) {
      if (known.equals(VISITING)) {
        throw new ProtocolException("a set element or dictionary key that contains itself cannot be hashed");
      }
      return known;
    }
    sizes.put(value, VISITING);
    long total = 1;
    for (Object part : parts) {
      total += size(part);
      if (total > maxNodes) {
        throw tooLarge(total, maxNodes);
      }
    }
    sizes.put(value, total);
    return total;
  }

  private static boolean isMutable(Object value) {
    return (value instanceof List && !(value instanceof Tuple)) || value instanceof Map
        || (value instanceof Set && !(value instanceof FrozenSet));
  }

  private static String describe(Object value) {
    return value instanceof List ? "list" : value instanceof Map ? "dictionary" : "set";
  }

  private static LimitExceededException tooLarge(long nodes, int maxNodes) {
    return new LimitExceededException("values in a set element or dictionary key (counting shared parts each time)",
        "maxListLength", nodes, maxNodes);
  }
}
