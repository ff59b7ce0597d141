package dev.pbj.core.internal.jelly;

import dev.pbj.Bytes;
import dev.pbj.FrozenSet;
import dev.pbj.ProtocolException;
import dev.pbj.Tuple;
import dev.pbj.Unpersistable;
import dev.pbj.spi.TokenSink;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Builds Java values from Jelly tokens as they arrive, without an intermediate tree: a stack of frames, one per
 * open list, each knowing what its tag makes of the elements that follow. One per connection, used by the
 * decoding thread only; {@link #reset()} starts a new reference scope.
 *
 * <p>Containers are created when their tag arrives, so a {@code (dereference N)} inside the container's own
 * {@code (reference N …)} finds it: cycles close on the very object. Anything the tags do not describe is refused
 * with {@link ProtocolException}; copies of unregistered types with {@link dev.pbj.InsecureJellyException}.
 */
public final class Unjellier implements TokenSink {
  private static final Map<String, Bytes> WORDS = new HashMap<>();

  private final Importer importer;
  private final CopyResolver copies;
  private Frame[] stack = new Frame[16];
  private int top = -1;
  private Map<Long, Object> references;
  private Object result;
  private boolean hasResult;

  public Unjellier(Importer importer, CopyResolver copies) {
    this.importer = importer;
    this.copies = copies;
  }

  /** Forgets any partial value and the reference scope. */
  public void reset() {
    while (top >= 0) {
      stack[top--].clear();
    }
    if (references != null) {
      references.clear();
    }
    result = null;
    hasResult = false;
  }

  /** Whether a whole value has been read since the last {@link #reset()} or {@link #takeResult()}. */
  public boolean hasResult() {
    return hasResult;
  }

  /** The value read; resets the scope. */
  public Object takeResult() {
    if (!hasResult) {
      throw new IllegalStateException("no complete value");
    }
    Object value = result;
    reset();
    return value;
  }

  @Override
  public void beginList(int length) {
    Frame parent = top >= 0 ? stack[top] : null;
    Frame frame = push();
    frame.length = length;
    if (parent != null && parent.kind == Kind.DICTIONARY) {
      frame.kind = Kind.PAIR;
    } else {
      frame.kind = Kind.PENDING_TAG;
    }
  }

  @Override
  public void endList() {
    Frame frame = stack[top];
    Object value;
    switch (frame.kind) {
      case PENDING_TAG:
        throw new ProtocolException("a Jelly list must start with a tag: got an empty list");
      case PAIR:
        if (frame.index != 2) {
          throw new ProtocolException("a dictionary item must be a (key value) pair: got " + frame.index + " elements");
        }
        @SuppressWarnings("unchecked")
        Map<Object, Object> map = (Map<Object, Object>) stack[top - 1].container;
        map.put(frame.key, frame.value);
        pop();
        return;
      default:
        value = frame.finish(this);
    }
    pop();
    deliver(value);
  }

  @Override
  public void integer(long value) {
    deliverAtom(value);
  }

  @Override
  public void bigInteger(BigInteger value) {
    deliverAtom(value.bitLength() < 64 ? (Object) value.longValue() : value);
  }

  @Override
  public void floating(double value) {
    deliverAtom(value);
  }

  @Override
  public void bytes(byte[] buffer, int offset, int length) {
    Frame frame = top >= 0 ? stack[top] : null;
    if (frame != null) {
      if (frame.kind == Kind.PENDING_TAG) {
        JellyTag tag = JellyTag.lookup(buffer, offset, length);
        if (tag != null) {
          setTag(frame, tag);
        } else {
          setCopyTag(frame, new String(buffer, offset, length, StandardCharsets.UTF_8));
        }
        return;
      }
      if (frame.kind == Kind.UNICODE) {
        frame.accept(new String(buffer, offset, length, StandardCharsets.UTF_8), this);
        return;
      }
    }
    deliver(Bytes.wrap(Arrays.copyOfRange(buffer, offset, offset + length)));
  }

  @Override
  public void text(String value) {
    deliverAtom(value);
  }

  @Override
  public void symbol(String word) {
    Frame frame = top >= 0 ? stack[top] : null;
    if (frame != null) {
      if (frame.kind == Kind.PENDING_TAG) {
        JellyTag tag = JellyTag.lookup(word);
        if (tag != null) {
          setTag(frame, tag);
        } else {
          setCopyTag(frame, word);
        }
        return;
      }
      if (frame.kind == Kind.UNICODE) {
        frame.accept(word, this);
        return;
      }
    }
    deliver(wordBytes(word));
  }

  private static Bytes wordBytes(String word) {
    synchronized (WORDS) {
      return WORDS.computeIfAbsent(word, Bytes::ascii);
    }
  }

  private void deliverAtom(Object value) {
    if (top >= 0 && stack[top].kind == Kind.PENDING_TAG) {
      throw new ProtocolException("a Jelly list must start with a tag: got " + value);
    }
    deliver(value);
  }

  private void deliver(Object value) {
    if (top < 0) {
      result = value;
      hasResult = true;
    } else {
      stack[top].accept(value, this);
    }
  }

  private void setTag(Frame frame, JellyTag tag) {
    int elements = frame.length - 1;
    switch (tag) {
      case NONE:
        frame.kind = Kind.NONE;
        break;
      case BOOLEAN:
        frame.kind = Kind.BOOLEAN;
        break;
      case UNICODE:
        frame.kind = Kind.UNICODE;
        break;
      case LIST:
        frame.kind = Kind.LIST;
        frame.container = new ArrayList<>(elements);
        break;
      case TUPLE:
        frame.kind = Kind.TUPLE;
        frame.slots = new Object[elements];
        frame.container = Tuple.wrap(frame.slots);
        break;
      case DICTIONARY:
        frame.kind = Kind.DICTIONARY;
        frame.container = new LinkedHashMap<>(Math.max(4, elements * 4 / 3 + 1));
        break;
      case SET:
        frame.kind = Kind.SET;
        frame.container = new LinkedHashSet<>();
        break;
      case FROZENSET:
        frame.kind = Kind.FROZENSET;
        frame.set = new LinkedHashSet<>();
        frame.container = FrozenSet.wrap(frame.set);
        break;
      case REFERENCE:
        frame.kind = Kind.REFERENCE;
        break;
      case DEREFERENCE:
        frame.kind = Kind.DEREFERENCE;
        break;
      case DECIMAL:
        frame.kind = Kind.DECIMAL;
        break;
      case DATETIME:
      case DATE:
      case TIME:
      case TIMEDELTA:
        frame.kind = Kind.TIME_VALUE;
        frame.tag = tag;
        break;
      case UNPERSISTABLE:
        frame.kind = Kind.UNPERSISTABLE;
        break;
      case REMOTE:
        frame.kind = Kind.REMOTE;
        break;
      case LOCAL:
        frame.kind = Kind.LOCAL;
        break;
      case CACHED:
        frame.kind = Kind.CACHED;
        break;
      case LCACHE:
        frame.kind = Kind.LCACHE;
        break;
      default:
        throw new AssertionError(tag);
    }
    frame.index = 0;
    if (frame.container != null) {
      registerUnderParentReference(frame.container);
    }
  }

  private void setCopyTag(Frame frame, String typeName) {
    frame.kind = Kind.COPY;
    frame.typeName = typeName;
    frame.index = 0;
  }

  /** A container created inside {@code (reference N …)} is known as N from now on, before it is complete. */
  private void registerUnderParentReference(Object container) {
    if (top >= 1) {
      Frame parent = stack[top - 1];
      if (parent.kind == Kind.REFERENCE && parent.index == 1 && !parent.registered) {
        define(parent.number, container);
        parent.registered = true;
      }
    }
  }

  void define(long number, Object value) {
    if (references == null) {
      references = new HashMap<>();
    }
    if (references.putIfAbsent(number, value) != null) {
      throw new ProtocolException("reference " + number + " defined twice in one value");
    }
  }

  Object dereference(long number) {
    Object value = references == null ? null : references.get(number);
    if (value == null && (references == null || !references.containsKey(number))) {
      throw new ProtocolException("(dereference " + number + ") names no reference defined before it");
    }
    return value;
  }

  Importer importer() {
    return importer;
  }

  CopyResolver copies() {
    return copies;
  }

  private Frame push() {
    if (++top == stack.length) {
      stack = Arrays.copyOf(stack, stack.length * 2);
    }
    Frame frame = stack[top];
    if (frame == null) {
      frame = new Frame();
      stack[top] = frame;
    }
    return frame;
  }

  private void pop() {
    stack[top--].clear();
  }

  enum Kind {
    PENDING_TAG, PAIR, NONE, BOOLEAN, UNICODE, LIST, TUPLE, DICTIONARY, SET, FROZENSET, REFERENCE, DEREFERENCE,
    DECIMAL, TIME_VALUE, UNPERSISTABLE, REMOTE, LOCAL, CACHED, LCACHE, COPY
  }

  /** One open list. Reused: {@link #clear()} drops every reference it held. */
  private static final class Frame {
    Kind kind;
    int length;
    /** Elements received after the tag. */
    int index;
    Object container;
    Object[] slots;
    Set<Object> set;
    Object key;
    Object value;
    long number;
    boolean registered;
    JellyTag tag;
    String typeName;

    void clear() {
      kind = null;
      container = null;
      slots = null;
      set = null;
      key = null;
      value = null;
      registered = false;
      tag = null;
      typeName = null;
      index = 0;
    }

    @SuppressWarnings("unchecked")
    void accept(Object element, Unjellier unjellier) {
      int i = index++;
      switch (kind) {
        case PAIR:
          if (i == 0) {
            key = element;
          } else if (i == 1) {
            value = element;
          }
          return;
        case LIST:
          ((List<Object>) container).add(element);
          return;
        case TUPLE:
          slots[i] = element;
          return;
        case SET:
          ((Set<Object>) container).add(element);
          return;
        case FROZENSET:
          set.add(element);
          return;
        case DICTIONARY:
          throw new ProtocolException("a dictionary item must be a (key value) list: got " + element);
        case REFERENCE:
          if (i == 0) {
            number = asLong(element, "reference number");
          } else if (i == 1) {
            if (!registered) {
              unjellier.define(number, element);
              registered = true;
            }
            value = element;
          }
          return;
        case DEREFERENCE:
          if (i == 0) {
            value = unjellier.dereference(asLong(element, "dereference number"));
          }
          return;
        case REMOTE:
          if (i == 0) {
            value = unjellier.importer().importRemote(asLong(element, "remote object id"));
          }
          return;
        case LOCAL:
          if (i == 0) {
            Object id = element instanceof Bytes ? ((Bytes) element).utf8() : element;
            if (!(id instanceof Long || id instanceof String)) {
              throw new ProtocolException("(local id) needs an integer or a name: got " + element);
            }
            value = unjellier.importer().resolveLocal(id);
          }
          return;
        case CACHED:
          if (i == 0) {
            value = unjellier.importer().cached(asLong(element, "cache id"));
          }
          return;
        case LCACHE:
          if (i == 0) {
            value = unjellier.importer().resolveLocalCache(asLong(element, "cache id"));
          }
          return;
        case DECIMAL:
        case COPY:
          if (i == 0) {
            value = element;
          } else if (i == 1) {
            key = element;
          }
          return;
        default:
          // NONE, BOOLEAN, UNICODE, TIME_VALUE, UNPERSISTABLE take their first element as is
          if (i == 0) {
            value = element;
          }
      }
    }

    Object finish(Unjellier unjellier) {
      switch (kind) {
        case NONE:
          expect(0);
          return null;
        case BOOLEAN:
          expect(1);
          if (value instanceof Bytes && ((Bytes) value).contentEquals("true")) {
            return Boolean.TRUE;
          }
          if (value instanceof Bytes && ((Bytes) value).contentEquals("false")) {
            return Boolean.FALSE;
          }
          throw new ProtocolException("(boolean x) needs \"true\" or \"false\": got " + value);
        case UNICODE:
          expect(1);
          if (!(value instanceof String)) {
            throw new ProtocolException("(unicode x) needs a byte string: got " + value);
          }
          return value;
        case LIST:
        case TUPLE:
        case DICTIONARY:
        case SET:
        case FROZENSET:
          return container;
        case REFERENCE:
          expect(2);
          return value;
        case DEREFERENCE:
        case REMOTE:
        case LOCAL:
        case CACHED:
        case LCACHE:
          expect(1);
          return value;
        case DECIMAL:
          expect(2);
          return decimal(value, key);
        case TIME_VALUE:
          expect(1);
          return TimeValues.parse(tag, value);
        case UNPERSISTABLE:
          expect(1);
          return new Unpersistable(value instanceof Bytes ? ((Bytes) value).utf8() : String.valueOf(value));
        case COPY:
          if (index == 2) {
            // ("type.Name" luid state): a cacheable's first arrival
            return unjellier.importer().importCache(typeName, asLong(value, "cache id"), key);
          }
          expect(1);
          return unjellier.copies().build(typeName, value);
        default:
          throw new AssertionError(kind);
      }
    }

    private void expect(int elements) {
      if (index != elements) {
        throw new ProtocolException("(" + describe() + " …) takes " + elements + " element(s) after its tag: got "
            + index);
      }
    }

    private String describe() {
      return kind == Kind.COPY ? typeName : kind.name().toLowerCase(java.util.Locale.ROOT);
    }

    private static long asLong(Object element, String what) {
      if (element instanceof Long) {
        return (Long) element;
      }
      throw new ProtocolException(what + " must be an integer: got " + element);
    }

    private static BigDecimal decimal(Object unscaled, Object exponent) {
      BigInteger digits;
      if (unscaled instanceof Long) {
        digits = BigInteger.valueOf((Long) unscaled);
      } else if (unscaled instanceof BigInteger) {
        digits = (BigInteger) unscaled;
      } else {
        throw new ProtocolException("(decimal value exponent) needs integers: got " + unscaled);
      }
      long exp = asLong(exponent, "decimal exponent");
      if (exp < Integer.MIN_VALUE + 1 || exp > Integer.MAX_VALUE) {
        throw new ProtocolException("decimal exponent out of range: " + exp);
      }
      return new BigDecimal(digits, (int) -exp);
    }
  }

  /** Python's date and time values, spelled as decimal fields separated by spaces. */
  static final class TimeValues {
    private TimeValues() {}

    static Object parse(JellyTag tag, Object value) {
      if (!(value instanceof Bytes)) {
        throw new ProtocolException("(" + tag.word + " x) needs a byte string: got " + value);
      }
      String[] parts = ((Bytes) value).utf8().trim().split(" ");
      long[] f = new long[parts.length];
      try {
        for (int i = 0; i < parts.length; i++) {
          f[i] = Long.parseLong(parts[i]);
        }
        switch (tag) {
          case DATETIME:
            return LocalDateTime.of((int) f[0], (int) f[1], (int) f[2], field(f, 3), field(f, 4), field(f, 5),
                field(f, 6) * 1000);
          case DATE:
            return LocalDate.of((int) f[0], (int) f[1], (int) f[2]);
          case TIME:
            return LocalTime.of((int) f[0], field(f, 1), field(f, 2), field(f, 3) * 1000);
          case TIMEDELTA:
            return Duration.ofDays(f[0]).plusSeconds(f[1]).plusNanos(f[2] * 1000);
          default:
            throw new AssertionError(tag);
        }
      } catch (RuntimeException e) {
        if (e instanceof ProtocolException) {
          throw e;
        }
        throw new ProtocolException("malformed (" + tag.word + " \"" + ((Bytes) value).utf8() + "\")", e);
      }
    }

    private static int field(long[] f, int i) {
      return i < f.length ? (int) f[i] : 0;
    }
  }
}
