package dev.pbj.core.internal.jelly;

import dev.pbj.Bytes;
import dev.pbj.Cacheable;
import dev.pbj.CopiedObject;
import dev.pbj.Copyable;
import dev.pbj.FrozenSet;
import dev.pbj.Referenceable;
import dev.pbj.RemoteCache;
import dev.pbj.RemoteReference;
import dev.pbj.Tuple;
import dev.pbj.Viewable;
import java.math.BigInteger;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a class of value is to the {@link Jellier}, worked out once per class. The Jellier used to ask each value a
 * run of {@code instanceof} questions about interfaces (is it Cacheable, a Referenceable, a Collection...): on
 * Java 17 every such check a class fails is a search of its interfaces, and a 10-field copy paid dozens of them.
 * The answers follow the order those checks had, so a class that is two things is still written as the first.
 */
enum ValueClass {
  STRING, INTEGER, FLOAT, BOOLEAN, BYTES, BYTE_ARRAY, BIG_INTEGER, CACHEABLE, VIEWABLE, REFERENCEABLE,
  REMOTE_REFERENCE, REMOTE_CACHE, CHARACTER,
  /** Everything else: containers, copies and scalar types, told apart by {@link Shape}. */
  OTHER;

  /** How an {@link #OTHER} value takes part in reference tracking and how it is written. */
  enum Shape {
    TUPLE, LIST, MAP, FROZENSET, SET, ARRAY,
    /** A collection that is none of the above: tracked, written as a copy (as before this cache). */
    OTHER_COLLECTION,
    /** CopiedValue, CopiedObject, or a Copyable that is not a Cacheable: tracked, written as a copy. */
    COPY,
    /** A record: a copy if its class is registered (that depends on the registry, so it is asked each time). */
    RECORD,
    /** Not tracked: a scalar type or something that cannot be sent. */
    UNTRACKED;

    boolean tracked() {
      return this != RECORD && this != UNTRACKED;
    }
  }

  /** The class's {@link ValueClass} and {@link Shape}. */
  record Info(ValueClass kind, Shape shape) {}

  private static final ClassValue<Info> INFO = new ClassValue<>() {
    @Override
    protected Info computeValue(Class<?> type) {
      return new Info(kindOf(type), shapeOf(type));
    }
  };

  // The commonest classes are found by identity first: a ClassValue lookup costs more than the rest of writing a
  // small string or number.
  private static final Info STRING_INFO = INFO.get(String.class);
  private static final Info LONG_INFO = INFO.get(Long.class);
  private static final Info INTEGER_INFO = INFO.get(Integer.class);
  private static final Info DOUBLE_INFO = INFO.get(Double.class);
  private static final Info BOOLEAN_INFO = INFO.get(Boolean.class);

  static Info of(Object value) {
    Class<?> type = value.getClass();
    if (type == String.class) {
      return STRING_INFO;
    } else if (type == Long.class) {
      return LONG_INFO;
    } else if (type == Integer.class) {
      return INTEGER_INFO;
    } else if (type == Double.class) {
      return DOUBLE_INFO;
    } else if (type == Boolean.class) {
      return BOOLEAN_INFO;
    }
    return INFO.get(type);
  }

  private static ValueClass kindOf(Class<?> type) {
    if (type == String.class) {
      return STRING;
    }
    if (type == Long.class || type == Integer.class || type == Short.class || type == Byte.class) {
      return INTEGER;
    }
    if (type == Double.class || type == Float.class) {
      return FLOAT;
    }
    if (type == Boolean.class) {
      return BOOLEAN;
    }
    if (Bytes.class.isAssignableFrom(type)) {
      return BYTES;
    }
    if (type == byte[].class) {
      return BYTE_ARRAY;
    }
    if (BigInteger.class.isAssignableFrom(type)) {
      return BIG_INTEGER;
    }
    if (Cacheable.class.isAssignableFrom(type)) {
      return CACHEABLE;
    }
    if (Viewable.class.isAssignableFrom(type)) {
      return VIEWABLE;
    }
    if (Referenceable.class.isAssignableFrom(type)) {
      return REFERENCEABLE;
    }
    if (RemoteReference.class.isAssignableFrom(type)) {
      return REMOTE_REFERENCE;
    }
    if (RemoteCache.class.isAssignableFrom(type)) {
      return REMOTE_CACHE;
    }
    if (type == Character.class) {
      return CHARACTER;
    }
    return OTHER;
  }

  private static Shape shapeOf(Class<?> type) {
    boolean collection = Collection.class.isAssignableFrom(type);
    boolean map = Map.class.isAssignableFrom(type);
    boolean array = Object[].class.isAssignableFrom(type);
    if (collection || map || array) {
      if (Tuple.class.isAssignableFrom(type)) {
        return Shape.TUPLE;
      }
      if (List.class.isAssignableFrom(type)) {
        return Shape.LIST;
      }
      if (map) {
        return Shape.MAP;
      }
      if (FrozenSet.class.isAssignableFrom(type)) {
        return Shape.FROZENSET;
      }
      if (Set.class.isAssignableFrom(type)) {
        return Shape.SET;
      }
      return array ? Shape.ARRAY : Shape.OTHER_COLLECTION;
    }
    if (CopiedValue.class.isAssignableFrom(type) || CopiedObject.class.isAssignableFrom(type)
        || (Copyable.class.isAssignableFrom(type) && !Cacheable.class.isAssignableFrom(type))) {
      return Shape.COPY;
    }
    return type.isRecord() ? Shape.RECORD : Shape.UNTRACKED;
  }
}
