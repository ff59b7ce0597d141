package dev.pbj.core.internal.jelly;

import dev.pbj.CopiedObject;
import dev.pbj.Kwargs;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * Tells whether values are written as the same tokens on every connection: values that need none of a connection's
 * tables (no Referenceable, Viewable, Cacheable, RemoteReference or RemoteCache), no perspective and no copy
 * registry (no Copyable, whose type and state may depend on the perspective, and no record, whose type name is
 * the registry's), and run no application code (the JDK's containers and scalar types, pb-api's values, copies
 * received from a peer). Such values can be encoded once for many connections; anything else is written for each.
 */
public final class PlainValues {
  private final IdentityHashMap<Object, Boolean> containers = new IdentityHashMap<>();
  /** Nesting beyond the jellier's limit is not plain: writing it fails, and each connection reports that itself. */
  private final int maxDepth;

  private PlainValues(int maxDepth) {
    this.maxDepth = maxDepth;
  }

  /** Whether every one of {@code values} (a trailing {@link Kwargs} included) is plain. */
  public static boolean arePlain(Object[] values, int maxDepth) {
    PlainValues walk = new PlainValues(maxDepth);
    for (Object value : values) {
      if (!walk.plain(value, 1)) {
        return false;
      }
    }
    return true;
  }

  private boolean plain(Object value, int depth) {
    if (value == null) {
      return true;
    }
    if (depth > maxDepth) {
      return false;
    }
    ValueClass.Info info = ValueClass.of(value);
    switch (info.kind()) {
      case STRING, INTEGER, FLOAT, BOOLEAN, BYTES, BYTE_ARRAY, BIG_INTEGER, CHARACTER:
        return true;
      case CACHEABLE, VIEWABLE, REFERENCEABLE, REMOTE_REFERENCE, REMOTE_CACHE:
        return false;
      default:
        break;
    }
    switch (info.shape()) {
      case TUPLE, LIST, FROZENSET, SET, ARRAY, MAP:
        if (!jdkOrApi(value.getClass())) {
          return false; // an application's collection: its iteration is its own code
        }
        if (containers.put(value, Boolean.TRUE) != null) {
          return true; // met before (shared or cyclic): judged where it was first met
        }
        return allPlain(value, depth);
      case COPY:
        if (value instanceof CopiedValue) {
          return plain(((CopiedValue) value).state(), depth + 1);
        }
        if (value instanceof CopiedObject) {
          return plain(((CopiedObject) value).state(), depth + 1);
        }
        return false; // a Copyable: its type and state are asked for the perspective of each connection
      case UNTRACKED:
        if (value instanceof Kwargs) {
          return allPlain(((Kwargs) value).asMap(), depth);
        }
        // the JDK's scalar types (decimals, times) are written by the jellier alone
        return value.getClass().getClassLoader() == null;
      default:
        return false; // a record (its type name is the registry's) or another collection
    }
  }

  private boolean allPlain(Object container, int depth) {
    if (container instanceof Map) {
      for (Map.Entry<?, ?> e : ((Map<?, ?>) container).entrySet()) {
        if (!plain(e.getKey(), depth + 1) || !plain(e.getValue(), depth + 1)) {
          return false;
        }
      }
      return true;
    }
    Iterable<?> elements = container instanceof Object[] ? java.util.Arrays.asList((Object[]) container)
        : (Collection<?>) container;
    for (Object element : elements) {
      if (!plain(element, depth + 1)) {
        return false;
      }
    }
    return true;
  }

  /** The JDK's classes and pb-api's values ({@code Tuple}, {@code FrozenSet}). */
  private static boolean jdkOrApi(Class<?> type) {
    return type.getClassLoader() == null || type.getPackageName().equals("dev.pbj");
  }
}
