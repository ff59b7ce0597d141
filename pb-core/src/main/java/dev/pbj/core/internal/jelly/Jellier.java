package dev.pbj.core.internal.jelly;

import dev.pbj.Avatar;
import dev.pbj.Bytes;
import dev.pbj.Cacheable;
import dev.pbj.CopiedObject;
import dev.pbj.Copyable;
import dev.pbj.LimitExceededException;
import dev.pbj.Referenceable;
import dev.pbj.RemoteCache;
import dev.pbj.RemoteReference;
import dev.pbj.Tuple;
import dev.pbj.Unpersistable;
import dev.pbj.Viewable;
import dev.pbj.core.CopyRegistry;
import dev.pbj.spi.TokenSink;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Writes Java values as Jelly tokens (see the README for the mapping). One per connection direction, used under
 * the connection's send lock; each {@link #write} is one reference scope, as Twisted jellies arguments, keyword
 * arguments and answers separately, and is made on behalf of a perspective (the avatar whose call is answered,
 * or null) that copies, caches and viewables may depend on.
 *
 * <p>Objects met twice (shared or cyclic containers and copies) are found by a scan before writing, because a
 * stream cannot wrap a first occurrence after the fact: the first is written as {@code (reference N …)}, the rest
 * as {@code (dereference N)}. Exports made while writing a message are remembered so a message that fails halfway
 * can {@link #rollback()} them.
 */
public final class Jellier {
  private static final byte[] TRUE = "true".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] FALSE = "false".getBytes(StandardCharsets.US_ASCII);
  private static final int NOT_SHARED = 0;
  private static final int SHARED_UNWRITTEN = -1;

  private final Exporter exporter;
  private final CopyRegistry registry;
  private final int maxDepth;
  private long[] exported = new long[8];
  private int exportedCount;
  private long[] exportedCaches = new long[4];
  private int exportedCacheCount;
  /** Per scope: tracked objects reached; value is NOT_SHARED, SHARED_UNWRITTEN or the reference number. */
  private IdentityHashMap<Object, int[]> seen;
  /** Per scope: copy states computed by the scan, so a state is asked for once. */
  private IdentityHashMap<Object, Object> copyStates;
  private Avatar perspective;
  private int nextReference;

  public Jellier(Exporter exporter, CopyRegistry registry, int maxDepth) {
    this.exporter = exporter;
    this.registry = registry;
    this.maxDepth = maxDepth;
  }

  /** Starts a message: forgets the exports of the previous one. */
  public void startMessage() {
    exportedCount = 0;
    exportedCacheCount = 0;
  }

  /** Takes back the exports made since {@link #startMessage()}. */
  public void rollback() {
    for (int i = 0; i < exportedCount; i++) {
      exporter.unexport(exported[i]);
    }
    for (int i = 0; i < exportedCacheCount; i++) {
      exporter.unexportCache(exportedCaches[i]);
    }
    startMessage();
  }

  /** Writes {@code value} as one Jelly expression with its own reference scope, on behalf of no one. */
  public void write(TokenSink out, Object value) {
    write(out, value, null);
  }

  /** Writes {@code value} as one Jelly expression with its own reference scope, on behalf of {@code perspective}. */
  public void write(TokenSink out, Object value, Avatar perspective) {
    begin(perspective, needsScan(value) ? Collections.singletonList(value) : null);
    try {
      writeValue(out, value, 0);
    } finally {
      end();
    }
  }

  /** Writes a call's keyword arguments as {@code (dictionary …)}, one reference scope; most calls have none. */
  public void writeKeywords(TokenSink out, Map<String, Object> keywords) {
    if (keywords.isEmpty()) {
      out.beginList(1);
      out.symbol("dictionary");
      out.endList();
    } else {
      write(out, keywords, null);
    }
  }

  /**
   * Writes the first {@code count} of {@code elements} as {@code (tuple …)}, one reference scope, without copying
   * them into a {@link Tuple} first: a call's positional arguments.
   */
  public void writeTuple(TokenSink out, Object[] elements, int count, Avatar perspective) {
    List<Object> roots = null;
    for (int i = 0; i < count; i++) {
      if (isTracked(elements[i])) {
        roots = Arrays.asList(elements).subList(0, count);
        break;
      }
    }
    begin(perspective, roots);
    try {
      out.beginList(count + 1);
      out.symbol("tuple");
      for (int i = 0; i < count; i++) {
        writeValue(out, elements[i], 1);
      }
      out.endList();
    } finally {
      end();
    }
  }

  private void begin(Avatar perspective, List<Object> scanRoots) {
    this.perspective = perspective;
    this.nextReference = 1;
    if (scanRoots != null) {
      scan(scanRoots);
    }
  }

  private void end() {
    seen = null;
    copyStates = null;
    perspective = null;
  }

  private void writeValue(TokenSink out, Object value, int depth) {
    if (depth > maxDepth) {
      throw new LimitExceededException("nesting depth of a value to send", "maxDepth", depth, maxDepth);
    }
    if (value == null) {
      out.beginList(1);
      out.symbol("None");
      out.endList();
      return;
    }
    switch (ValueClass.of(value).kind()) {
      case STRING:
        out.text((String) value);
        break;
      case INTEGER:
        out.integer(((Number) value).longValue());
        break;
      case FLOAT:
        out.floating(((Number) value).doubleValue());
        break;
      case BOOLEAN:
        out.beginList(2);
        out.symbol("boolean");
        byte[] word = (Boolean) value ? TRUE : FALSE;
        out.bytes(word, 0, word.length);
        out.endList();
        break;
      case BYTES:
        ((Bytes) value).writeTo(out);
        break;
      case BYTE_ARRAY:
        byte[] bytes = (byte[]) value;
        out.bytes(bytes, 0, bytes.length);
        break;
      case BIG_INTEGER:
        writeInteger(out, (BigInteger) value);
        break;
      case CACHEABLE:
        writeCacheable(out, (Cacheable) value, depth);
        break;
      case VIEWABLE:
        long view = exporter.exportView((Viewable) value, perspective);
        remember(view);
        writeTagged(out, "remote", view);
        break;
      case REFERENCEABLE:
        long luid = exporter.export((Referenceable) value);
        remember(luid);
        writeTagged(out, "remote", luid);
        break;
      case REMOTE_REFERENCE:
        Object id = exporter.localIdOf((RemoteReference) value);
        out.beginList(2);
        out.symbol("local");
        if (id instanceof Long) {
          out.integer((Long) id);
        } else {
          byte[] name = id.toString().getBytes(StandardCharsets.UTF_8);
          out.bytes(name, 0, name.length);
        }
        out.endList();
        break;
      case REMOTE_CACHE:
        writeTagged(out, "lcache", exporter.cacheIdOf((RemoteCache) value));
        break;
      case CHARACTER:
        out.text(value.toString());
        break;
      default:
        if (!writeShared(out, value, depth)) {
          writeScalarType(out, value);
        }
    }
  }

  private static void writeInteger(TokenSink out, BigInteger big) {
    if (big.bitLength() < 64) {
      out.integer(big.longValue());
    } else {
      out.bigInteger(big);
    }
  }

  private static void writeTagged(TokenSink out, String tag, long id) {
    out.beginList(2);
    out.symbol(tag);
    out.integer(id);
    out.endList();
  }

  private void writeCacheable(TokenSink out, Cacheable cacheable, int depth) {
    Exporter.CacheExport export = exporter.exportCache(cacheable, perspective);
    if (exportedCacheCount == exportedCaches.length) {
      exportedCaches = Arrays.copyOf(exportedCaches, exportedCacheCount * 2);
    }
    exportedCaches[exportedCacheCount++] = export.luid();
    if (!export.first()) {
      writeTagged(out, "cached", export.luid());
      return;
    }
    out.beginList(3);
    writeName(out, typeNameOf(cacheable));
    out.integer(export.luid());
    writeValue(out, export.state(), depth + 1);
    out.endList();
  }

  /** Containers and copies: the values that take part in reference tracking. */
  private boolean writeShared(TokenSink out, Object value, int depth) {
    if (!isTracked(value)) {
      return false;
    }
    int[] state = seen == null ? null : seen.get(value);
    if (state != null && state[0] != NOT_SHARED) {
      if (state[0] > 0) {
        writeTagged(out, "dereference", state[0]);
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
    switch (ValueClass.of(value).shape()) {
      case TUPLE:
        writeSequence(out, "tuple", (Tuple) value, depth);
        break;
      case LIST:
        writeSequence(out, "list", (List<?>) value, depth);
        break;
      case MAP:
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
        break;
      case FROZENSET:
        writeSequence(out, "frozenset", (Set<?>) value, depth);
        break;
      case SET:
        writeSequence(out, "set", (Set<?>) value, depth);
        break;
      case ARRAY:
        writeSequence(out, "list", Arrays.asList((Object[]) value), depth);
        break;
      default:
        out.beginList(2);
        writeName(out, typeNameOf(value));
        writeValue(out, copyState(value), depth + 1);
        out.endList();
    }
  }

  private static void writeName(TokenSink out, String name) {
    byte[] bytes = name.getBytes(StandardCharsets.UTF_8);
    out.bytes(bytes, 0, bytes.length);
  }

  private String typeNameOf(Object value) {
    if (value instanceof CopiedValue) {
      return ((CopiedValue) value).typeName();
    }
    if (value instanceof CopiedObject) {
      return ((CopiedObject) value).typeName();
    }
    String registered = registry.typeNameOf(value.getClass());
    if (registered != null) {
      return registered;
    }
    if (value instanceof Cacheable) {
      return ((Cacheable) value).typeToCopyFor(perspective);
    }
    return ((Copyable) value).typeToCopyFor(perspective);
  }

  private Object copyState(Object value) {
    if (copyStates != null && copyStates.containsKey(value)) {
      return copyStates.get(value);
    }
    return computeCopyState(value);
  }

  private Object computeCopyState(Object value) {
    if (value instanceof CopiedValue) {
      return ((CopiedValue) value).state();
    }
    if (value instanceof CopiedObject) {
      return ((CopiedObject) value).state();
    }
    if (value instanceof Copyable) {
      return ((Copyable) value).getStateToCopyFor(perspective);
    }
    return recordState(value);
  }

  /** A registered record that is not Copyable: its components. */
  private static Object recordState(Object value) {
    return Copyable.recordState((Record) value);
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
      writeInteger(out, decimal.unscaledValue());
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
    } else if (value instanceof Unpersistable) {
      // what the peer sent in place of a value goes back as it came, as Twisted and pbj-client send it (pb-fuzz)
      byte[] reason = ((Unpersistable) value).reason().getBytes(StandardCharsets.UTF_8);
      out.beginList(2);
      out.symbol("unpersistable");
      out.bytes(reason, 0, reason.length);
      out.endList();
    } else {
      throw new IllegalArgumentException("cannot send a " + value.getClass().getName()
          + ": not a Jelly value (send a Referenceable, a Copyable or registered copy type, or a value from the "
          + "README's mapping)");
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
      exported = Arrays.copyOf(exported, exportedCount * 2);
    }
    exported[exportedCount++] = luid;
  }

  /** Containers and copies: what can be met twice in one scope. */
  private boolean isTracked(Object value) {
    if (value == null) {
      return false;
    }
    ValueClass.Info info = ValueClass.of(value);
    if (info.kind() != ValueClass.OTHER) {
      return false;
    }
    ValueClass.Shape shape = info.shape();
    return shape.tracked() || (shape == ValueClass.Shape.RECORD && registry.typeNameOf(value.getClass()) != null);
  }

  /** Only a container holding another tracked value (or a copy, whose state may) can share or cycle. */
  private boolean needsScan(Object value) {
    if (value instanceof Collection) {
      for (Object element : (Collection<?>) value) {
        if (isTracked(element)) {
          return true;
        }
      }
      return false;
    }
    if (value instanceof Map) {
      for (Map.Entry<?, ?> e : ((Map<?, ?>) value).entrySet()) {
        if (isTracked(e.getKey()) || isTracked(e.getValue())) {
          return true;
        }
      }
      return false;
    }
    return isTracked(value);
  }

  /** Marks the tracked values reached twice from {@code roots}; remembers each copy's state on the way. */
  private void scan(Collection<?> roots) {
    IdentityHashMap<Object, int[]> counts = new IdentityHashMap<>();
    ArrayDeque<Object> work = new ArrayDeque<>();
    for (Object root : roots) {
      pushTracked(work, root);
    }
    while (!work.isEmpty()) {
      Object value = work.pop();
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
        Object copyState = computeCopyState(value);
        if (copyStates == null) {
          copyStates = new IdentityHashMap<>();
        }
        copyStates.put(value, copyState);
        pushTracked(work, copyState);
      }
    }
    seen = counts;
  }

  private void pushTracked(ArrayDeque<Object> work, Object value) {
    if (isTracked(value)) {
      work.push(value);
    }
  }
}
