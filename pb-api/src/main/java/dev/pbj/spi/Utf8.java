package dev.pbj.spi;

/**
 * UTF-8 written straight into a byte array, with the same output as {@code String.getBytes(UTF_8)}: an unpaired
 * surrogate becomes {@code '?'}. For serializers: saves the temporary array per text token.
 *
 * <p>An implementation helper rather than contract: it is public here because both serializer modules use it and
 * depend on pb-api alone, and one copy is better than two.
 */
public final class Utf8 {
  private Utf8() {}

  /** The number of bytes {@link #encode} writes for {@code s}. */
  public static int encodedLength(String s) {
    int length = s.length();
    int bytes = length;
    for (int i = 0; i < length; i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        continue;
      }
      if (c < 0x800) {
        bytes += 1;
      } else if (Character.isHighSurrogate(c) && i + 1 < length && Character.isLowSurrogate(s.charAt(i + 1))) {
        bytes += 2; // four bytes for the two chars of a pair
        i++;
      } else if (!Character.isSurrogate(c)) {
        bytes += 2;
      }
    }
    return bytes;
  }

  /** Encodes {@code s} at {@code offset}, which must have room for {@link #encodedLength}; returns the end. */
  public static int encode(String s, byte[] out, int offset) {
    int length = s.length();
    int p = offset;
    for (int i = 0; i < length; i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        out[p++] = (byte) c;
      } else if (c < 0x800) {
        out[p++] = (byte) (0xc0 | (c >> 6));
        out[p++] = (byte) (0x80 | (c & 0x3f));
      } else if (Character.isSurrogate(c)) {
        if (Character.isHighSurrogate(c) && i + 1 < length && Character.isLowSurrogate(s.charAt(i + 1))) {
          int cp = Character.toCodePoint(c, s.charAt(++i));
          out[p++] = (byte) (0xf0 | (cp >> 18));
          out[p++] = (byte) (0x80 | ((cp >> 12) & 0x3f));
          out[p++] = (byte) (0x80 | ((cp >> 6) & 0x3f));
          out[p++] = (byte) (0x80 | (cp & 0x3f));
        } else {
          out[p++] = '?';
        }
      } else {
        out[p++] = (byte) (0xe0 | (c >> 12));
        out[p++] = (byte) (0x80 | ((c >> 6) & 0x3f));
        out[p++] = (byte) (0x80 | (c & 0x3f));
      }
    }
    return p;
  }
}
