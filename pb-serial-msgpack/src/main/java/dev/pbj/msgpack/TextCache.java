package dev.pbj.msgpack;

import java.util.Arrays;

/**
 * The short texts a decoder read last, by their bytes, so that the names a peer sends again and again (a copy's
 * field names, a room's member names) are one {@link String} each rather than a new one per message, in the manner
 * of Jackson's field-name table. Direct-mapped and fixed in size (64 texts, made at the first), so a peer sending
 * only new texts costs a small copy per text and never more memory. Not thread-safe: part of one decoder.
 */
final class TextCache {
  /** The longest text, in bytes, kept. */
  static final int MAX_LENGTH = 32;
  private static final int SLOTS = 64;

  // Made at the first text, so that an idle connection holds none.
  private byte[][] keys;
  private String[] texts;

  /** Decodes text. */
  @FunctionalInterface
  interface Decoder {
    String decode(byte[] buffer, int offset, int length);
  }

  /**
   * The text of {@code buffer[offset..offset+length)} (at most {@link #MAX_LENGTH} bytes): the one kept for the same
   * bytes, or {@code decoder}'s, then kept. Bytes the decoder refuses are never kept.
   */
  String text(byte[] buffer, int offset, int length, Decoder decoder) {
    int hash = 0;
    for (int i = offset; i < offset + length; i++) {
      hash = 31 * hash + buffer[i];
    }
    if (keys == null) {
      keys = new byte[SLOTS][];
      texts = new String[SLOTS];
    }
    int slot = (hash ^ (hash >>> 16)) & (SLOTS - 1);
    byte[] key = keys[slot];
    if (key != null && Arrays.equals(key, 0, key.length, buffer, offset, offset + length)) {
      return texts[slot];
    }
    String text = decoder.decode(buffer, offset, length);
    keys[slot] = Arrays.copyOfRange(buffer, offset, offset + length);
    texts[slot] = text;
    return text;
  }
}
