package dev.pbj;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * An immutable byte string: Python's {@code bytes}, banana's STRING. Unlike {@code byte[]} it has value
 * equality, so it works as a dictionary key. Text travels as {@link String} (Python {@code str}) instead.
 * A {@code byte[]} passed as an argument is sent as bytes too; received bytes always arrive as {@code Bytes}.
 */
public final class Bytes implements Comparable<Bytes> {
  private static final Bytes EMPTY = new Bytes(new byte[0]);
  private final byte[] bytes;
  private int hash;

  private Bytes(byte[] bytes) {
    this.bytes = bytes;
  }

  /** A copy of {@code bytes}. */
  public static Bytes of(byte[] bytes) {
    return bytes.length == 0 ? EMPTY : new Bytes(bytes.clone());
  }

  /** The UTF-8 encoding of {@code text}. */
  public static Bytes utf8(String text) {
    return wrap(text.getBytes(StandardCharsets.UTF_8));
  }

  /** The ASCII/Latin-1 bytes of {@code text}, one byte per char (for protocol words). */
  public static Bytes ascii(String text) {
    return wrap(text.getBytes(StandardCharsets.ISO_8859_1));
  }

  /**
   * Takes ownership of {@code bytes} without copying; the caller must not modify the array afterwards.
   * For decoders that have just allocated the array.
   */
  public static Bytes wrap(byte[] bytes) {
    return bytes.length == 0 ? EMPTY : new Bytes(bytes);
  }

  public int length() {
    return bytes.length;
  }

  public byte byteAt(int index) {
    return bytes[index];
  }

  /** A fresh copy of the bytes. */
  public byte[] toByteArray() {
    return bytes.clone();
  }

  /** The bytes decoded as UTF-8 (malformed input is replaced, never thrown). */
  public String utf8() {
    return new String(bytes, StandardCharsets.UTF_8);
  }

  /** Whether these bytes are exactly the ASCII encoding of {@code word}. */
  public boolean contentEquals(String word) {
    if (word.length() != bytes.length) {
      return false;
    }
    for (int i = 0; i < bytes.length; i++) {
      if ((bytes[i] & 0xff) != word.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  /** Hands the bytes to {@code sink} without copying them (a sink never modifies what it is given). */
  public void writeTo(dev.pbj.spi.TokenSink sink) {
    sink.bytes(bytes, 0, bytes.length);
  }

  /** Copies the bytes into {@code target} at {@code offset}. */
  public void copyTo(byte[] target, int offset) {
    System.arraycopy(bytes, 0, target, offset, bytes.length);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Bytes && Arrays.equals(bytes, ((Bytes) o).bytes);
  }

  @Override
  public int hashCode() {
    int h = hash;
    if (h == 0) {
      h = Arrays.hashCode(bytes);
      hash = h;
    }
    return h;
  }

  @Override
  public int compareTo(Bytes other) {
    return Arrays.compareUnsigned(bytes, other.bytes);
  }

  /** Python's repr style: {@code b'hi\x00'}. */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder(bytes.length + 3).append("b'");
    for (byte b : bytes) {
      int c = b & 0xff;
      if (c == '\\' || c == '\'') {
        sb.append('\\').append((char) c);
      } else if (c >= 0x20 && c < 0x7f) {
        sb.append((char) c);
      } else {
        sb.append(String.format("\\x%02x", c));
      }
    }
    return sb.append('\'').toString();
  }
}
