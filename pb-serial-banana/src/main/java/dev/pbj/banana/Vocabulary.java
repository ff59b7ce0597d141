package dev.pbj.banana;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * The 31 words of banana's {@code pb} dialect, numbered as in Twisted's {@code Banana.outgoingVocabulary}. The
 * table is part of the wire format and never changes; index 0 is unused.
 */
final class Vocabulary {
  private static final String[] WORDS = {
    null, "None", "class", "dereference", "reference", "dictionary", "function", "instance", "list", "module",
    "persistent", "tuple", "unpersistable", "copy", "cache", "cached", "remote", "local", "lcache", "version",
    "login", "password", "challenge", "logged_in", "not_logged_in", "cachemessage", "message", "answer", "error",
    "decref", "decache", "uncache",
  };

  /** The largest valid index. */
  static final int SIZE = WORDS.length - 1;
  /** The length of the longest word ({@code unpersistable}, {@code not_logged_in}). */
  static final int MAX_LENGTH;

  private static final byte[][] ASCII = new byte[WORDS.length][];
  private static final Map<String, Integer> INDEX = new HashMap<>();
  /** Word indices by byte length, so a byte string is compared only against words of its own length. */
  private static final int[][] BY_LENGTH;

  static {
    int maxLength = 0;
    for (int i = 1; i < WORDS.length; i++) {
      ASCII[i] = WORDS[i].getBytes(StandardCharsets.US_ASCII);
      INDEX.put(WORDS[i], i);
      maxLength = Math.max(maxLength, ASCII[i].length);
    }
    MAX_LENGTH = maxLength;
    BY_LENGTH = new int[maxLength + 1][0];
    for (int i = 1; i < WORDS.length; i++) {
      int[] bucket = BY_LENGTH[ASCII[i].length];
      bucket = Arrays.copyOf(bucket, bucket.length + 1);
      bucket[bucket.length - 1] = i;
      BY_LENGTH[ASCII[i].length] = bucket;
    }
  }

  private Vocabulary() {}

  /** The index of {@code word}, or 0 when it is not a vocabulary word. */
  static int indexOf(String word) {
    Integer index = INDEX.get(word);
    return index == null ? 0 : index;
  }

  /** The index of the word spelled by {@code length} bytes of {@code buffer} at {@code offset}, or 0. */
  static int indexOf(byte[] buffer, int offset, int length) {
    if (length > MAX_LENGTH) {
      return 0;
    }
    for (int i : BY_LENGTH[length]) {
      if (Arrays.equals(ASCII[i], 0, length, buffer, offset, offset + length)) {
        return i;
      }
    }
    return 0;
  }

  /** The word at {@code index}, or {@code null} when there is none. */
  static String word(int index) {
    return index > 0 && index <= SIZE ? WORDS[index] : null;
  }
}
