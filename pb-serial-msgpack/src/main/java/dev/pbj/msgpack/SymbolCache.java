package dev.pbj.msgpack;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Protocol words and their ASCII bytes, remembered in a small direct-mapped table. A connection sends and receives
 * the same few dozen words ({@code message}, {@code answer}, {@code tuple}, {@code dictionary} ...) over and over,
 * so most symbols cost neither an encoding pass nor an allocation. One per encoder or decoder; not thread-safe.
 *
 * <p>Both directions index the table with {@link String#hashCode()}, which for an ASCII word equals the same
 * polynomial computed over its bytes.
 */
final class SymbolCache {
  private static final int SLOTS = 64;
  /** Longer words are not remembered: they are not protocol words, and could evict the ones that are. */
  private static final int MAX_CACHED_LENGTH = 32;

  private final String[] words = new String[SLOTS];
  private final byte[][] ascii = new byte[SLOTS][];

  /**
   * The ASCII bytes of {@code word}. The array may be shared with later calls: read it, never change it.
   *
   * @throws IllegalArgumentException if the word has a character outside ASCII
   */
  byte[] bytesOf(String word) {
    int slot = word.hashCode() & (SLOTS - 1);
    if (word.equals(words[slot])) {
      return ascii[slot];
    }
    int length = word.length();
    byte[] bytes = new byte[length];
    for (int i = 0; i < length; i++) {
      char c = word.charAt(i);
      if (c >= 0x80) {
        throw new IllegalArgumentException("a symbol is an ASCII word, not \"" + word + "\" (U+"
            + String.format("%04X", (int) c) + " at index " + i + ")");
      }
      bytes[i] = (byte) c;
    }
    if (length <= MAX_CACHED_LENGTH) {
      words[slot] = word;
      ascii[slot] = bytes;
    }
    return bytes;
  }

  /** The word spelled by {@code length} bytes of {@code buffer} from {@code offset}, or {@code null} if one is not ASCII. */
  String wordOf(byte[] buffer, int offset, int length) {
    int hash = 0;
    for (int i = offset; i < offset + length; i++) {
      byte b = buffer[i];
      if (b < 0) {
        return null;
      }
      hash = 31 * hash + b;
    }
    int slot = hash & (SLOTS - 1);
    byte[] cached = ascii[slot];
    if (cached != null && Arrays.equals(cached, 0, cached.length, buffer, offset, offset + length)) {
      return words[slot];
    }
    String word = new String(buffer, offset, length, StandardCharsets.US_ASCII);
    if (length <= MAX_CACHED_LENGTH) {
      words[slot] = word;
      ascii[slot] = Arrays.copyOfRange(buffer, offset, offset + length);
    }
    return word;
  }
}
