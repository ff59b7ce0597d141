package dev.pbj.core.internal.jelly;

import dev.pbj.CopiedObject;
import dev.pbj.Kwargs;
import java.util.Collection;
import java.util.Map;

/**
 * Tells whether writing a value may run user code: a {@link dev.pbj.Copyable}'s or {@link dev.pbj.Cacheable}'s
 * state getters, a record's accessors, a collection class of the application's. A connection's context writes
 * what may not on its I/O thread and moves elsewhere for what may (see {@link dev.pbj.spi.SerialExecutor}).
 *
 * <p>The answer errs one way only: a value it cannot vouch for within {@value #BUDGET} elements counts as user
 * code, which costs a thread hand-off and nothing else.
 */
public final class UserCode {
  /** Elements looked at before the answer is "may": the check stays cheap beside the writing it decides on. */
  static final int BUDGET = 256;

  private UserCode() {}

  /** Whether writing {@code value} may run user code. */
  public static boolean mayRunWriting(Object value) {
    return !isPlainScalar(value) && new Walk().mayRun(value);
  }

  /** Whether writing any of {@code values} may run user code. */
  public static boolean mayRunWriting(Object[] values) {
    Walk walk = null;
    for (Object value : values) {
      if (isPlainScalar(value)) {
        continue; // the common call's arguments: answered without a walk (and its allocation)
      }
      if (walk == null) {
        walk = new Walk();
      }
      if (walk.mayRun(value)) {
        return true;
      }
    }
    return false;
  }

  /** The JDK's final scalar types, which PBJ writes by itself. */
  private static boolean isPlainScalar(Object value) {
    return value == null || value instanceof String || value instanceof Long || value instanceof Integer
        || value instanceof Double || value instanceof Boolean;
  }

  private static final class Walk {
    private int left = BUDGET;

    boolean mayRun(Object value) {
      if (value == null) {
        return false;
      }
      if (--left < 0) {
        return true;
      }
      ValueClass.Info info = ValueClass.of(value);
      switch (info.kind()) {
        case STRING, INTEGER, FLOAT, BOOLEAN, BYTES, BYTE_ARRAY, BIG_INTEGER, CHARACTER, VIEWABLE, REFERENCEABLE,
            REMOTE_REFERENCE, REMOTE_CACHE:
          return false; // written by PBJ alone: a scalar, or a reference to export
        case CACHEABLE:
          return true;
        default:
          break;
      }
      switch (info.shape()) {
        case TUPLE, LIST, FROZENSET, SET, ARRAY, MAP:
          return !ownClass(value.getClass()) || anyMayRun(value);
        case COPY:
          if (value instanceof CopiedValue) {
            return mayRun(((CopiedValue) value).state());
          }
          if (value instanceof CopiedObject) {
            return mayRun(((CopiedObject) value).state());
          }
          return true; // a Copyable: its getters are the application's
        case UNTRACKED:
          if (value instanceof Kwargs) {
            return anyMayRun(((Kwargs) value).asMap());
          }
          return !ownClass(value.getClass()); // the JDK's scalar types (decimals, times) are written by PBJ
        default:
          return true; // a record, or a collection of the application's
      }
    }

    private boolean anyMayRun(Object container) {
      if (container instanceof Map) {
        for (Map.Entry<?, ?> e : ((Map<?, ?>) container).entrySet()) {
          if (mayRun(e.getKey()) || mayRun(e.getValue())) {
            return true;
          }
        }
        return false;
      }
      Iterable<?> elements = container instanceof Object[] ? java.util.Arrays.asList((Object[]) container)
          : (Collection<?>) container;
      for (Object element : elements) {
        if (mayRun(element)) {
          return true;
        }
      }
      return false;
    }

    /** The JDK's classes (their iteration and accessors are not the application's) and pb-api's values. */
    private static boolean ownClass(Class<?> type) {
      return type.getClassLoader() == null || type.getPackageName().equals("dev.pbj");
    }
  }
}
