package dev.pbj.core.internal.dispatch;

import dev.pbj.Bytes;
import java.math.BigInteger;

/**
 * Converts a received Jelly value to a declared Java parameter or result type: integers arrive as {@code Long}
 * or {@code BigInteger} and are narrowed or widened when they fit; bytes become text or arrays where the
 * declaration asks for them. Returns {@link #NO_MATCH} instead of throwing so callers build the error.
 */
public final class Coercion {
  /** Marker: the value cannot become the type. */
  public static final Object NO_MATCH = new Object();

  private Coercion() {}

  public static Object coerce(Object value, Class<?> type) {
    if (value == null) {
      return type.isPrimitive() ? NO_MATCH : null;
    }
    Class<?> boxed = box(type);
    if (boxed.isInstance(value)) {
      return value;
    }
    if (value instanceof Long || value instanceof BigInteger) {
      Number n = (Number) value;
      BigInteger big = value instanceof BigInteger ? (BigInteger) value : null;
      long l = n.longValue();
      if (boxed == Integer.class) {
        return big == null && l == (int) l ? (Object) (int) l : NO_MATCH;
      } else if (boxed == Long.class) {
        return big == null || big.bitLength() < 64 ? (Object) (big == null ? l : big.longValue()) : NO_MATCH;
      } else if (boxed == Short.class) {
        return big == null && l == (short) l ? (Object) (short) l : NO_MATCH;
      } else if (boxed == Byte.class) {
        return big == null && l == (byte) l ? (Object) (byte) l : NO_MATCH;
      } else if (boxed == BigInteger.class) {
        return BigInteger.valueOf(l);
      } else if (boxed == Double.class) {
        return big == null ? (double) l : big.doubleValue();
      } else if (boxed == Float.class) {
        return big == null ? (float) l : big.floatValue();
      }
      return NO_MATCH;
    }
    if (value instanceof Double && boxed == Float.class) {
      return ((Double) value).floatValue();
    }
    if (value instanceof Bytes) {
      if (type == String.class) {
        return ((Bytes) value).utf8();
      }
      if (type == byte[].class) {
        return ((Bytes) value).toByteArray();
      }
    }
    return NO_MATCH;
  }

  public static Class<?> box(Class<?> type) {
    if (!type.isPrimitive()) {
      return type;
    }
    if (type == int.class) {
      return Integer.class;
    } else if (type == long.class) {
      return Long.class;
    } else if (type == double.class) {
      return Double.class;
    } else if (type == boolean.class) {
      return Boolean.class;
    } else if (type == float.class) {
      return Float.class;
    } else if (type == short.class) {
      return Short.class;
    } else if (type == byte.class) {
      return Byte.class;
    } else if (type == char.class) {
      return Character.class;
    }
    return Void.class;
  }
}
