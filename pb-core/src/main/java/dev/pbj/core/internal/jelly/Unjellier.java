package dev.pbj.core.internal.jelly;

import dev.pbj.Bytes;
import dev.pbj.FrozenSet;
import dev.pbj.LimitExceededException;
import dev.pbj.Limits;
import dev.pbj.ProtocolException;
import dev.pbj.Tuple;
import dev.pbj.spi.TokenSink;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;

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
  /** The most elements a container is sized for before they arrive. */
  private static final int PRESIZED = 16;

  private final Importer importer;
  private final CopyResolver copies;
  /** The largest set element or dictionary key, in tree nodes ({@link HashableKeys}). */
  private final int maxKeyNodes;
  /** Tuple slots allocated ahead of their elements by the open frames ({@link #reserve}). */
  private int reservedSlots;
  private UnjellyFrame[] stack = new UnjellyFrame[4]; // grows by doubling: most values nest a few levels
  private int top = -1;
  private Map<Long, Object> references;
  private Object result;
  private boolean hasResult;

  /** An unjellier with the default {@link Limits#maxListLength()} as the bound of a set element or dictionary key. */
  public Unjellier(Importer importer, CopyResolver copies) {
    this(importer, copies, Limits.defaults().maxListLength());
  }

  /**
   * @param maxKeyNodes the connection's {@link Limits#maxListLength()}: a set element or dictionary key counted as a
   *     tree (shared parts each time they are reached) may have no more nodes, so hashing it stays cheap
   */
  public Unjellier(Importer importer, CopyResolver copies, int maxKeyNodes) {
    this.importer = importer;
    this.copies = copies;
    this.maxKeyNodes = maxKeyNodes;
  }

  /** Forgets any partial value and the reference scope. */
  public void reset() {
    while (top >= 0) {
      stack[top--].clear();
    }
    reservedSlots = 0;
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
    UnjellyFrame parent = top >= 0 ? stack[top] : null;
    UnjellyFrame frame = push();
    frame.length = length;
    if (parent != null && parent.kind == UnjellyFrame.Kind.DICTIONARY) {
      frame.kind = UnjellyFrame.Kind.PAIR;
    } else {
      frame.kind = UnjellyFrame.Kind.PENDING_TAG;
    }
  }

  @Override
  public void endList() {
    UnjellyFrame frame = stack[top];
    Object value;
    switch (frame.kind) {
      case PENDING_TAG:
        throw new ProtocolException("a Jelly list must start with a tag: got an empty list");
      case PAIR:
        if (frame.index != 2) {
          throw new ProtocolException("a dictionary item must be a (key value) pair: got " + frame.index + " elements");
        }
        HashableKeys.require(frame.key, maxKeyNodes);
        Object items = stack[top - 1].container;
        if (items instanceof RecordState recordState) {
          recordState.put(frame.key, frame.value);
        } else {
          @SuppressWarnings("unchecked")
          Map<Object, Object> map = (Map<Object, Object>) items;
          map.put(frame.key, frame.value);
        }
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
    UnjellyFrame frame = top >= 0 ? stack[top] : null;
    if (frame != null) {
      if (frame.kind == UnjellyFrame.Kind.PENDING_TAG) {
        JellyTag tag = JellyTag.lookup(buffer, offset, length);
        if (tag != null) {
          setTag(frame, tag);
        } else {
          setCopyTag(frame, new String(buffer, offset, length, StandardCharsets.UTF_8));
        }
        return;
      }
      if (frame.kind == UnjellyFrame.Kind.UNICODE) {
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
    UnjellyFrame frame = top >= 0 ? stack[top] : null;
    if (frame != null) {
      if (frame.kind == UnjellyFrame.Kind.PENDING_TAG) {
        JellyTag tag = JellyTag.lookup(word);
        if (tag != null) {
          setTag(frame, tag);
        } else {
          setCopyTag(frame, word);
        }
        return;
      }
      if (frame.kind == UnjellyFrame.Kind.UNICODE) {
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
    if (top >= 0 && stack[top].kind == UnjellyFrame.Kind.PENDING_TAG) {
      throw new ProtocolException("a Jelly list must start with a tag: got " + BriefValue.of(value));
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

  private void setTag(UnjellyFrame frame, JellyTag tag) {
    int elements = frame.length - 1;
    switch (tag) {
      case NONE:
        frame.kind = UnjellyFrame.Kind.NONE;
        break;
      case BOOLEAN:
        frame.kind = UnjellyFrame.Kind.BOOLEAN;
        break;
      case UNICODE:
        frame.kind = UnjellyFrame.Kind.UNICODE;
        break;
      // Containers grow with the elements that arrive, not with the count a list announces: a few bytes announce
      // 640 Ki elements, and a thousand nested announcements would otherwise claim gigabytes before any arrived.
      case LIST:
        frame.kind = UnjellyFrame.Kind.LIST;
        frame.container = new ArrayList<>(Math.min(elements, PRESIZED));
        break;
      case TUPLE:
        frame.kind = UnjellyFrame.Kind.TUPLE;
        if (awaitedByReference()) {
          // (reference N (tuple …)): its elements may name it, so the tuple exists, at its final size, from now on
          reserve(frame, elements);
          frame.slots = new Object[elements];
          frame.container = Tuple.wrap(frame.slots);
        } else {
          frame.slots = new Object[Math.min(elements, PRESIZED)];
        }
        break;
      case DICTIONARY:
        frame.kind = UnjellyFrame.Kind.DICTIONARY;
        RecordState recordState = copyState();
        frame.container = recordState != null ? recordState
            : new LinkedHashMap<>(Math.max(4, Math.min(elements, PRESIZED) * 4 / 3 + 1));
        break;
      case SET:
        frame.kind = UnjellyFrame.Kind.SET;
        frame.container = new LinkedHashSet<>();
        break;
      case FROZENSET:
        frame.kind = UnjellyFrame.Kind.FROZENSET;
        frame.set = new LinkedHashSet<>();
        frame.container = FrozenSet.wrap(frame.set);
        break;
      case REFERENCE:
        frame.kind = UnjellyFrame.Kind.REFERENCE;
        break;
      case DEREFERENCE:
        frame.kind = UnjellyFrame.Kind.DEREFERENCE;
        break;
      case DECIMAL:
        frame.kind = UnjellyFrame.Kind.DECIMAL;
        break;
      case DATETIME:
      case DATE:
      case TIME:
      case TIMEDELTA:
        frame.kind = UnjellyFrame.Kind.TIME_VALUE;
        frame.tag = tag;
        break;
      case UNPERSISTABLE:
        frame.kind = UnjellyFrame.Kind.UNPERSISTABLE;
        break;
      case REMOTE:
        frame.kind = UnjellyFrame.Kind.REMOTE;
        break;
      case LOCAL:
        frame.kind = UnjellyFrame.Kind.LOCAL;
        break;
      case CACHED:
        frame.kind = UnjellyFrame.Kind.CACHED;
        break;
      case LCACHE:
        frame.kind = UnjellyFrame.Kind.LCACHE;
        break;
      default:
        throw new AssertionError(tag);
    }
    frame.index = 0;
    if (frame.container != null) {
      registerUnderParentReference(frame.container);
    }
  }

  private void setCopyTag(UnjellyFrame frame, String typeName) {
    frame.kind = UnjellyFrame.Kind.COPY;
    frame.typeName = typeName;
    frame.index = 0;
  }

  /**
   * For a dictionary that begins as the state of a copy, {@code ("type.Name" (dictionary …))}, whose type is a
   * registered record: where its items go instead of a map. Null for any other dictionary.
   */
  private RecordState copyState() {
    if (top < 1) {
      return null;
    }
    UnjellyFrame parent = stack[top - 1];
    return parent.kind == UnjellyFrame.Kind.COPY && parent.index == 0 ? copies.newRecordState(parent.typeName)
        : null;
  }

  /** Whether the frame on top is the value of a {@code (reference N …)} that has no value yet. */
  private boolean awaitedByReference() {
    if (top < 1) {
      return false;
    }
    UnjellyFrame parent = stack[top - 1];
    return parent.kind == UnjellyFrame.Kind.REFERENCE && parent.index == 1 && !parent.registered;
  }

  /**
   * Counts {@code slots} allocated ahead of their elements for {@code frame}, against the same bound as one list's
   * elements: nested referenced tuples cannot claim more between them than one list may bring.
   */
  private void reserve(UnjellyFrame frame, int slots) {
    if ((long) reservedSlots + slots > maxKeyNodes) {
      throw new LimitExceededException("elements announced by the open referenced tuples of one value",
          "maxListLength", (long) reservedSlots + slots, maxKeyNodes);
    }
    reservedSlots += slots;
    frame.reserved = slots;
  }

  /** A container created inside {@code (reference N …)} is known as N from now on, before it is complete. */
  private void registerUnderParentReference(Object container) {
    if (top >= 1) {
      UnjellyFrame parent = stack[top - 1];
      if (parent.kind == UnjellyFrame.Kind.REFERENCE && parent.index == 1 && !parent.registered) {
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

  int maxKeyNodes() {
    return maxKeyNodes;
  }

  Importer importer() {
    return importer;
  }

  CopyResolver copies() {
    return copies;
  }

  private UnjellyFrame push() {
    if (++top == stack.length) {
      stack = Arrays.copyOf(stack, stack.length * 2);
    }
    UnjellyFrame frame = stack[top];
    if (frame == null) {
      frame = new UnjellyFrame();
      stack[top] = frame;
    }
    return frame;
  }

  private void pop() {
    reservedSlots -= stack[top].reserved;
    stack[top--].clear();
  }
}
