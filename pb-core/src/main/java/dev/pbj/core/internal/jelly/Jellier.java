package dev.pbj.core.internal.jelly;

import dev.pbj.Bytes;
import dev.pbj.FrozenSet;
import dev.pbj.LimitExceededException;
import dev.pbj.Referenceable;
import dev.pbj.RemoteReference;
import dev.pbj.Tuple;
import dev.pbj.spi.TokenSink;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Writes Java values as Jelly tokens (see the README for the mapping). One per connection direction, used under
 * the connection's send lock; each {@link #write} is one reference scope, as Twisted jellies arguments, keyword
 * arguments and answers separately.
 *
 * <p>Objects met twice (shared or cyclic containers) are found by a scan before writing, because a stream cannot
 * wrap a first occurrence after the fact: the first is written as {@code (reference N …)}, the rest as
 * {@code (dereference N)}. Exports made while writing a message are remembered so a message that fails halfway
 * can {@link #rollback()} them.
 */
public final class Jellier {
  private static final byte[] TRUE = "true".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] FALSE = "false".getBytes(StandardCharsets.US_ASCII);
  private static final int NOT_SHARED = 0;
  private static final int SHARED_UNWRITTEN = -1;

  private final Exporter exporter;
  private final int maxDepth;
  private long[] exported = new long[8];
  private int exportedCount;
  /** Per scope: containers seen more than once; value is SHARED_UNWRITTEN or the reference number. */
  private IdentityHashMap<Object, int[]> seen;
  private int nextReference;

  public Jellier(Exporter exporter, int maxDepth) {
    this.exporter = exporter;
    this.maxDepth = maxDepth;
  }

  /** Starts a message: forgets the exports of the previous one. */
  public void startMessage() {
    exportedCount = 0;
  }

  /** Takes back the exports made since {@link #startMessage()}. */
  public void rollback() {
    for (int i = 0; i < exportedCount; i++) {
      exporter.unexport(exported[i]);
    }
    exportedCount = 0;
  }

  /** Writes {@code value} into {@code out} as one Jelly expression with its own reference scope. */
  public void write(TokenSink out, Object value) {
    seen = needsScan(value) ? scan(java.util.Collections.singletonList(value)) : null;
    nextReference = 1;
    try {
      writeValue(out, value, 0);
    } finally {
      seen = null;
    }
  }

  /**
   * Writes the first {@code count} of {@code elements} as {@code (tuple …)}, one reference scope, without copying
   * them into a {@link Tuple} first: a call's positional arguments.
   */
  public void writeTuple(TokenSink out, Object[] elements, int count) {
    seen = null;
    for (int i = 0; i < count; i++) {
      if (isTracked(elements[i])) {
        seen = scan(java.util.Arrays.asList(elements).subList(0, count));
        break;
      }
    }
    nextReference = 1;
    try {
      out.beginList(count + 1);
      out.symbol("tuple");
      for (int i = 0; i < count; i++) {
        writeValue(out, elements[i], 1);
      }
      out.endList();
    } finally {
      seen = null;
    }
  }

  private void writeValue(TokenSink out, Object value, int depth) {
    if (depth > maxDepth) {
      throw new LimitExceededException("nesting depth of a value to send", "maxDepth", depth, maxDepth);
    }
    if (value == null) {
      out.beginList(1);
      out.symbol("None");
      out.endList();
    } else if (value instanceof String) {
      out.text((String) value);
    } else if (value instanceof Long || value instanceof Integer || value instanceof Short || value instanceof Byte) {
      out.integer(((Number) value).longValue());
    } else if (value instanceof Double || value instanceof Float) {
      out.floating(((Number) value).doubleValue());
    } else if (value instanceof Boolean) {
      out.beginList(2);
      out.symbol("boolean");
      byte[] word = (Boolean) value ? TRUE : FALSE;
      out.bytes(word, 0, word.length);
      out.endList();
    } else if (value instanceof Bytes) {
      byte[] bytes = ((Bytes) value).toByteArray();
      out.bytes(bytes, 0, bytes.length);
    } else if (value instanceof byte[]) {
      byte[] bytes = (byte[]) value;
      out.bytes(bytes, 0, bytes.length);
    } else if (value instanceof BigInteger) {
      BigInteger big = (BigInteger) value;
      if (big.bitLength() < 64) {
        out.integer(big.longValue());
      } else {
        out.bigInteger(big);
      }
    } else if (value instanceof Referenceable) {
      long luid = exporter.export((Referenceable) value);
      remember(luid);
      out.beginList(2);
      out.symbol("remote");
      out.integer(luid);
      out.endList();
    } else if (value instanceof RemoteReference) {
      Object id = exporter.localIdOf((RemoteReference) value);
      out.beginList(2);
      out.symbol("local");
      writeId(out, id);
      out.endList();
    } else if (value instanceof Character) {
      out.text(value.toString());
    } else if (!writeShared(out, value, depth)) {
      writeScalarType(out, value);
    }
  }

  private static void writeId(TokenSink out, Object id) {
    if (id instanceof Long) {
      out.integer((Long) id);
    } else {
      byte[] name = id.toString().getBytes(StandardCharsets.UTF_8);
      out.bytes(name, 0, name.length);
    }
  }

  /** Containers and copies: the values that take part in reference tracking. */
  private boolean writeShared(TokenSink out, Object value, int depth) {
    if (!isTracked(value)) {
      return false;
    }
    int[] state = seen == null ? null : seen.get(value);
    if (state != null && state[0] != NOT_SHARED) {
      if (state[0] > 0) {
        out.beginList(2);
        out.symbol("dereference");
        out.integer(state[0]);
        out.endList();
        return true;
      }
      state[0] = nextReference++;
      out.beginList(3);
      out.symbol("reference");
      out.integer(state[0]);
      writeContainer(out, value, depth + 1);
      out.endList();
      return true;
    }
    writeContainer(out, value, depth);
    return true;
  }

  private void writeContainer(TokenSink out, Object value, int depth) {
    if (value instanceof Tuple) {
      writeSequence(out, "tuple", (Tuple) value, depth);
    } else if (value instanceof List) {
      writeSequence(out, "list", (List<?>) value, depth);
    } else if (value instanceof Map) {
      Map<?, ?> map = (Map<?, ?>) value;
      out.beginList(map.size() + 1);
      out.symbol("dictionary");
      for (Map.Entry<?, ?> e : map.entrySet()) {
        out.beginList(2);
        writeValue(out, e.getKey(), depth + 1);
        writeValue(out, e.getValue(), depth + 1);
        out.endList();
      }
      out.endList();
    } else if (value instanceof FrozenSet) {
      writeSequence(out, "frozenset", (Set<?>) value, depth);
    } else if (value instanceof Set) {
      writeSequence(out, "set", (Set<?>) value, depth);
    } else if (value instanceof Object[]) {
      writeSequence(out, "list", java.util.Arrays.asList((Object[]) value), depth);
    } else {
      CopiedValue copy = (CopiedValue) value;
      out.beginList(2);
      byte[] name = copy.typeName().getBytes(StandardCharsets.UTF_8);
      out.bytes(name, 0, name.length);
      writeValue(out, copy.state(), depth + 1);
      out.endList();
    }
  }

  private void writeSequence(TokenSink out, String tag, Collection<?> elements, int depth) {
    out.beginList(elements.size() + 1);
    out.symbol(tag);
    for (Object element : elements) {
      writeValue(out, element, depth + 1);
    }
    out.endList();
  }

  private static void writeScalarType(TokenSink out, Object value) {
    if (value instanceof BigDecimal) {
      BigDecimal decimal = (BigDecimal) value;
      out.beginList(3);
      out.symbol("decimal");
      BigInteger unscaled = decimal.unscaledValue();
      if (unscaled.bitLength() < 64) {
        out.integer(unscaled.longValue());
      } else {
        out.bigInteger(unscaled);
      }
      out.integer(-decimal.scale());
      out.endList();
    } else if (value instanceof LocalDateTime) {
      LocalDateTime t = (LocalDateTime) value;
      writeTimeTag(out, "datetime", t.getYear() + " " + t.getMonthValue() + " " + t.getDayOfMonth() + " "
          + t.getHour() + " " + t.getMinute() + " " + t.getSecond() + " " + t.getNano() / 1000);
    } else if (value instanceof LocalDate) {
      LocalDate d = (LocalDate) value;
      writeTimeTag(out, "date", d.getYear() + " " + d.getMonthValue() + " " + d.getDayOfMonth());
    } else if (value instanceof LocalTime) {
      LocalTime t = (LocalTime) value;
      writeTimeTag(out, "time", t.getHour() + " " + t.getMinute() + " " + t.getSecond() + " " + t.getNano() / 1000);
    } else if (value instanceof Duration) {
      Duration d = (Duration) value;
      long micros = Math.floorDiv(d.getNano(), 1000) + d.getSeconds() * 1_000_000L;
      long days = Math.floorDiv(micros, 86_400_000_000L);
      long rest = micros - days * 86_400_000_000L;
      writeTimeTag(out, "timedelta", days + " " + rest / 1_000_000L + " " + rest % 1_000_000L);
    } else {
      throw new IllegalArgumentException("cannot send a " + value.getClass().getName()
          + ": not a Jelly value (send a Referenceable, a registered copy, or a value from the README's mapping)");
    }
  }

  private static void writeTimeTag(TokenSink out, String tag, String fields) {
    out.beginList(2);
    out.symbol(tag);
    byte[] bytes = fields.getBytes(StandardCharsets.US_ASCII);
    out.bytes(bytes, 0, bytes.length);
    out.endList();
  }

  private void remember(long luid) {
    if (exportedCount == exported.length) {
      exported = java.util.Arrays.copyOf(exported, exportedCount * 2);
    }
    exported[exportedCount++] = luid;
  }

  private static boolean isTracked(Object value) {
    return value instanceof Collection || value instanceof Map || value instanceof Object[]
        || value instanceof CopiedValue;
  }

  /** Only a container holding another container can share or cycle. */
  private static boolean needsScan(Object value) {
    if (value instanceof Collection) {
      for (Object element : (Collection<?>) value) {
        if (isTracked(element)) {
          return true;
        }
      }
      return false;
    }
    return isTracked(value);
  }

  /** Counts how often each container is reached from {@code roots}; marks those reached twice. */
  private static IdentityHashMap<Object, int[]> scan(Collection<?> roots) {
    IdentityHashMap<Object, int[]> counts = new IdentityHashMap<>();
    java.util.ArrayDeque<Object> work = new java.util.ArrayDeque<>();
    for (Object root : roots) {
      pushTracked(work, root);
    }
    while (!work.isEmpty()) {
      Object value = work.pop();
      if (!isTracked(value)) {
        continue;
      }
      int[] state = counts.get(value);
      if (state != null) {
        state[0] = SHARED_UNWRITTEN;
        continue;
      }
      counts.put(value, new int[] {NOT_SHARED});
      if (value instanceof Map) {
        for (Map.Entry<?, ?> e : ((Map<?, ?>) value).entrySet()) {
          pushTracked(work, e.getKey());
          pushTracked(work, e.getValue());
        }
      } else if (value instanceof Collection) {
        for (Object element : (Collection<?>) value) {
          pushTracked(work, element);
        }
      } else if (value instanceof Object[]) {
        for (Object element : (Object[]) value) {
          pushTracked(work, element);
        }
      } else {
        pushTracked(work, ((CopiedValue) value).state());
      }
    }
    return counts;
  }

  private static void pushTracked(java.util.ArrayDeque<Object> work, Object value) {
    if (isTracked(value)) {
      work.push(value);
    }
  }
}
