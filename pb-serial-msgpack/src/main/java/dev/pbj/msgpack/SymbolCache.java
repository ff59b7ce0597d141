package dev.pbj.msgpack;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Protocol words and their ASCII bytes. A connection sends and receives the same few dozen words ({@code message},
 * {@code answer}, {@code tuple}, {@code dictionary} ...) over and over, so most symbols cost neither an encoding pass
 * nor an allocation: PB's and Jelly's own words are in one table the whole process shares (read only), and any other
 * word is remembered in a small direct-mapped table of this cache's own, made at the first such word, so that an
 * idle connection holds none. One per encoder or decoder; not thread-safe.
 *
 * <p>Both directions index the table with {@link String#hashCode()}, which for an ASCII word equals the same
 * polynomial computed over its bytes.
 */
final class SymbolCache {
  private static final int SLOTS = 64;
  /** Longer words are not remembered: they are not protocol words, and could evict the ones that are. */
  private static final int MAX_CACHED_LENGTH = 32;

  /** The words of PB's messages and of Jelly's tags. */
  private static final String[] PROTOCOL_WORDS = {"message", "answer", "error", "cachemessage", "decref", "decache",
      "uncache", "version", "didNotUnderstand", "deadline", "cancel", "ping", "pong", "None", "boolean", "unicode",
      "tuple", "list", "dictionary", "set", "frozenset", "reference", "dereference", "remote", "local", "cached",
      "lcache", "decimal", "date", "time", "datetime", "timedelta", "unpersistable"};
  private static final int SHARED_SLOTS = 128; // a power of two over twice the words: short probes
  private static final String[] SHARED_WORDS = new String[SHARED_SLOTS];
  private static final byte[][] SHARED_ASCII = new byte[SHARED_SLOTS][];

  static {
    for (String word : PROTOCOL_WORDS) {
      int slot = word.hashCode() & (SHARED_SLOTS - 1);
      while (SHARED_WORDS[slot] != null) {
        slot = (slot + 1) & (SHARED_SLOTS - 1);
      }
      SHARED_WORDS[slot] = word;
      SHARED_ASCII[slot] = word.getBytes(StandardCharsets.US_ASCII);
    }
  }

  // This cache's own words; null until the first word the shared table does not have.
  private String[] words;
  private byte[][] ascii;

  /**
   * The ASCII bytes of {@code word}. The array may be shared with later calls: read it, never change it.
   *
   * @throws IllegalArgumentException if the word has a character outside ASCII
   */
  byte[] bytesOf(String word) {
    int hash = word.hashCode();
    for (int shared = hash & (SHARED_SLOTS - 1); SHARED_WORDS[shared] != null;
        shared = (shared + 1) & (SHARED_SLOTS - 1)) {
      if (SHARED_WORDS[shared].equals(word)) {
        return SHARED_ASCII[shared];
      }
    }
    allocate();
    int slot = hash & (SLOTS - 1);
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
    for (int shared = hash & (SHARED_SLOTS - 1); SHARED_ASCII[shared] != null;
        shared = (shared + 1) & (SHARED_SLOTS - 1)) {
      byte[] word = SHARED_ASCII[shared];
      if (Arrays.equals(word, 0, word.length, buffer, offset, offset + length)) {
        return SHARED_WORDS[shared];
      }
    }
    allocate();
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

  private void allocate() {
    if (words == null) {
      words = new String[SLOTS];
      ascii = new byte[SLOTS][];
    }
  }
}
