package dev.pbj.core.internal.jelly;

import java.nio.charset.StandardCharsets;

/**
 * The tags Jelly puts first in a list, and PB's own. Looked up straight from the received bytes, so decoding a
 * tag allocates nothing.
 */
enum JellyTag {
  NONE("None"),
  BOOLEAN("boolean"),
  UNICODE("unicode"),
  LIST("list"),
  TUPLE("tuple"),
  DICTIONARY("dictionary"),
  SET("set"),
  FROZENSET("frozenset"),
  REFERENCE("reference"),
  DEREFERENCE("dereference"),
  DECIMAL("decimal"),
  DATETIME("datetime"),
  DATE("date"),
  TIME("time"),
  TIMEDELTA("timedelta"),
  UNPERSISTABLE("unpersistable"),
  REMOTE("remote"),
  LOCAL("local"),
  CACHED("cached"),
  LCACHE("lcache");

  final String word;
  private final byte[] bytes;

  JellyTag(String word) {
    this.word = word;
    this.bytes = word.getBytes(StandardCharsets.US_ASCII);
  }

  private static final JellyTag[] VALUES = values();
  private static final java.util.Map<String, JellyTag> BY_WORD = new java.util.HashMap<>();

  static {
    for (JellyTag tag : VALUES) {
      BY_WORD.put(tag.word, tag);
    }
  }

  /** The tag spelled by {@code length} bytes of {@code buffer} at {@code offset}, or null for any other name. */
  static JellyTag lookup(byte[] buffer, int offset, int length) {
    for (JellyTag tag : VALUES) {
      byte[] b = tag.bytes;
      if (b.length == length && b[0] == buffer[offset] && regionMatches(b, buffer, offset)) {
        return tag;
      }
    }
    return null;
  }

  /** The tag named {@code word}, or null. */
  static JellyTag lookup(String word) {
    return BY_WORD.get(word);
  }

  private static boolean regionMatches(byte[] expected, byte[] buffer, int offset) {
    for (int i = 1; i < expected.length; i++) {
      if (expected[i] != buffer[offset + i]) {
        return false;
      }
    }
    return true;
  }
}
