package dev.pbj.testkit;

/** Hex as the vector files write it. */
/** Hex for golden vectors: lowercase, optionally spaced. */
public final class Hex {
  private static final char[] DIGITS = "0123456789abcdef".toCharArray();

  private Hex() {}

  /** Parses hex with or without spaces between bytes. */
  public static byte[] decode(String hex) {
    String digits = hex.replace(" ", "");
    byte[] out = new byte[digits.length() / 2];
    for (int i = 0; i < out.length; i++) {
      out[i] = (byte) Integer.parseInt(digits.substring(2 * i, 2 * i + 2), 16);
    }
    return out;
  }

  public static String encode(byte[] buffer, int offset, int length) {
    StringBuilder sb = new StringBuilder(2 * length);
    for (int i = offset; i < offset + length; i++) {
      sb.append(DIGITS[(buffer[i] >> 4) & 0xf]).append(DIGITS[buffer[i] & 0xf]);
    }
    return sb.toString();
  }

  /** The vector files' form: lowercase, space-separated. */
  public static String spaced(byte[] bytes) {
    StringBuilder sb = new StringBuilder(3 * bytes.length);
    for (byte b : bytes) {
      if (sb.length() > 0) {
        sb.append(' ');
      }
      sb.append(DIGITS[(b >> 4) & 0xf]).append(DIGITS[b & 0xf]);
    }
    return sb.toString();
  }
}
