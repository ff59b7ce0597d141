package dev.pbj;

import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * The {@code toString} of the pb-api value types ({@link Tuple}, {@link FrozenSet}, {@link Kwargs},
 * {@link CopiedObject}), bounded like Python's {@code reprlib}: at most {@value #MAX_CHARS} characters, then
 * {@code …}; containers deeper than {@value #MAX_DEPTH} levels, and a container inside itself, print as
 * {@code (…)}, {@code […]} or <code>{…}</code>. A received value is a graph (a 64-level sharing bomb is 2^64 nodes
 * as a tree, a list may contain the tuple that contains it), and {@code toString} is what a log line calls on it,
 * so this walk descends itself into every container it knows instead of calling the elements' {@code toString},
 * and stops once the text is long enough. Each kind prints as it printed before: tuples as {@code (1, 2)} and
 * {@code (1,)}, lists and sets as {@code [1, 2]}, maps as <code>{k=v}</code>.
 */
final class ValueRepr {
  static final int MAX_CHARS = 1000;
  static final int MAX_DEPTH = 12;
  private static final String ELISION = "…";

  private final StringBuilder out = new StringBuilder();
  private final IdentityHashMap<Object, Boolean> onPath = new IdentityHashMap<>();

  private ValueRepr() {}

  /** The bounded text of {@code value}. */
  static String of(Object value) {
    ValueRepr repr = new ValueRepr();
    repr.append(value, 0);
    if (repr.out.length() > MAX_CHARS) {
      repr.out.setLength(MAX_CHARS);
      repr.out.append(ELISION);
    }
    return repr.out.toString();
  }

  private boolean full() {
    return out.length() > MAX_CHARS;
  }

  private void append(Object value, int depth) {
    if (full()) {
      return;
    }
    if (value instanceof Tuple t) {
      container(t, "(", t.size() == 1 ? ",)" : ")", "(…)", depth);
    } else if (value instanceof FrozenSet s) {
      container(s, "frozenset([", "])", "frozenset([…])", depth);
    } else if (value instanceof Collection<?> c) {
      container(c, "[", "]", "[…]", depth);
    } else if (value instanceof Map<?, ?> m) {
      map(m, "{", "}", depth);
    } else if (value instanceof Kwargs k) {
      map(k.asMap(), "Kwargs{", "}", depth);
    } else if (value instanceof CopiedObject c) {
      if (enter(c, "CopiedObject[…]", depth)) {
        out.append("CopiedObject[typeName=").append(c.typeName()).append(", state=");
        append(c.state(), depth + 1);
        out.append(']');
        onPath.remove(c);
      }
    } else {
      String text = String.valueOf(value);
      int room = MAX_CHARS + 1 - out.length();
      out.append(text, 0, Math.min(text.length(), room));
    }
  }

  /** Whether to print {@code value} in full; if not, it has printed {@code elided} in its place. */
  private boolean enter(Object value, String elided, int depth) {
    if (depth >= MAX_DEPTH || onPath.containsKey(value)) {
      out.append(elided);
      return false;
    }
    onPath.put(value, Boolean.TRUE);
    return true;
  }

  private void container(Collection<?> c, String open, String close, String elided, int depth) {
    if (!enter(c, elided, depth)) {
      return;
    }
    out.append(open);
    Iterator<?> i = c.iterator();
    for (boolean first = true; i.hasNext() && !full(); first = false) {
      if (!first) {
        out.append(", ");
      }
      append(i.next(), depth + 1);
    }
    out.append(close);
    onPath.remove(c);
  }

  private void map(Map<?, ?> m, String open, String close, int depth) {
    if (!enter(m, open + ELISION + close, depth)) {
      return;
    }
    out.append(open);
    Iterator<? extends Map.Entry<?, ?>> i = m.entrySet().iterator();
    for (boolean first = true; i.hasNext() && !full(); first = false) {
      if (!first) {
        out.append(", ");
      }
      Map.Entry<?, ?> e = i.next();
      append(e.getKey(), depth + 1);
      out.append('=');
      append(e.getValue(), depth + 1);
    }
    out.append(close);
    onPath.remove(m);
  }
}
