package dev.pbj.core.internal.jelly;

import dev.pbj.Bytes;
import dev.pbj.InsecureJellyException;
import dev.pbj.PbException;
import dev.pbj.ProtocolException;
import dev.pbj.Tuple;
import dev.pbj.Unpersistable;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * One open list of the {@link Unjellier}: what it is (its tag), what it has taken so far, and how it becomes a
 * value. Reused: {@link #clear()} drops every reference it held.
 */
final class UnjellyFrame {
  /** What an open list is, once its tag is known. */
  enum Kind {
    PENDING_TAG, PAIR, NONE, BOOLEAN, UNICODE, LIST, TUPLE, DICTIONARY, SET, FROZENSET, REFERENCE, DEREFERENCE,
    DECIMAL, TIME_VALUE, UNPERSISTABLE, REMOTE, LOCAL, CACHED, LCACHE, COPY
  }

  Kind kind;
  int length;
  /** Elements received after the tag. */
  int index;
  Object container;
  /** A tuple's elements; grown as they arrive unless the tuple had to exist first (see {@code Unjellier}). */
  Object[] slots;
  /** Slots this frame allocated ahead of its elements, counted by the unjellier until the frame closes. */
  int reserved;
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
    reserved = 0;
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
        if (i == slots.length) {
          slots = Arrays.copyOf(slots, Math.min(length - 1, Math.max(8, 2 * slots.length)));
        }
        slots[i] = element;
        return;
      case SET:
        HashableKeys.require(element, unjellier.maxKeyNodes());
        ((Set<Object>) container).add(element);
        return;
      case FROZENSET:
        HashableKeys.require(element, unjellier.maxKeyNodes());
        set.add(element);
        return;
      case DICTIONARY:
        throw new ProtocolException("a dictionary item must be a (key value) list: got " + BriefValue.of(element));
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
            throw new ProtocolException("(local id) needs an integer or a name: got " + BriefValue.of(element));
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
        throw new ProtocolException("(boolean x) needs \"true\" or \"false\": got " + BriefValue.of(value));
      case UNICODE:
        expect(1);
        if (!(value instanceof String)) {
          throw new ProtocolException("(unicode x) needs a byte string: got " + BriefValue.of(value));
        }
        return value;
      case TUPLE:
        if (container == null) {
          container = Tuple.wrap(index == slots.length ? slots : Arrays.copyOf(slots, index));
        }
        return container;
      case LIST:
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
        return UnjellyTimeValues.parse(tag, value);
      case UNPERSISTABLE:
        expect(1);
        return new Unpersistable(value instanceof Bytes ? ((Bytes) value).utf8() : String.valueOf(value));
      case COPY:
        if (index != 2) {
          expect(1);
        }
        try {
          // ("type.Name" luid state) is a cacheable's first arrival; ("type.Name" state) a copy
          return index == 2 ? unjellier.importer().importCache(typeName, asLong(value, "cache id"), key)
              : unjellier.copies().build(typeName, value);
        } catch (PbException e) {
          throw e;
        } catch (RuntimeException e) {
          // the registered type's own code refused the state (found by pb-fuzz): the peer's fault, as typed as an
          // unregistered name, so one call fails instead of the connection
          throw new InsecureJellyException(typeName, "the type registered for " + typeName
              + " refused the state it was sent: " + e.getClass().getName() + ": " + cut(e.getMessage()));
        }
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
    throw new ProtocolException(what + " must be an integer: got " + BriefValue.of(element));
  }

  private static BigDecimal decimal(Object unscaled, Object exponent) {
    BigInteger digits;
    if (unscaled instanceof Long) {
      digits = BigInteger.valueOf((Long) unscaled);
    } else if (unscaled instanceof BigInteger) {
      digits = (BigInteger) unscaled;
    } else {
      throw new ProtocolException("(decimal value exponent) needs integers: got " + BriefValue.of(unscaled));
    }
    long exp = asLong(exponent, "decimal exponent");
    if (exp < Integer.MIN_VALUE + 1 || exp > Integer.MAX_VALUE) {
      throw new ProtocolException("decimal exponent out of range: " + exp);
    }
    return new BigDecimal(digits, (int) -exp);
  }

  private static String cut(String message) {
    return message == null || message.length() <= 200 ? String.valueOf(message) : message.substring(0, 200) + "…";
  }
}
