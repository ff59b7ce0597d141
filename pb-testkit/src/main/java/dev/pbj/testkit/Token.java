package dev.pbj.testkit;

import java.math.BigInteger;

/**
 * One token in the neutral notation of the golden vectors ({@code testdata/banana/README.md}); values kept as
 * canonical strings.
 */
public record Token(String kind, String value) {

  public static Token list(int length) {
    return new Token("list", Integer.toString(length));
  }

  public static Token end() {
    return new Token("end", "");
  }

  public static Token integer(BigInteger value) {
    return new Token("int", value.toString());
  }

  public static Token integer(long value) {
    return new Token("int", Long.toString(value));
  }

  /** Floats compare by their bits (so -0.0 differs from 0.0), with every NaN equal. */
  public static Token floating(double value) {
    String text;
    if (Double.isNaN(value)) {
      text = "nan";
    } else if (Double.isInfinite(value)) {
      text = value > 0 ? "inf" : "-inf";
    } else {
      text = Double.toString(value);
    }
    return new Token("float", text);
  }

  public static Token bytes(byte[] buffer, int offset, int length) {
    return new Token("bytes", Hex.encode(buffer, offset, length));
  }

  public static Token symbol(String word) {
    return new Token("symbol", word);
  }

  public static Token text(String value) {
    return new Token("text", value);
  }

  public double doubleValue() {
    switch (value) {
      case "nan":
        return Double.NaN;
      case "inf":
        return Double.POSITIVE_INFINITY;
      case "-inf":
        return Double.NEGATIVE_INFINITY;
      default:
        return Double.parseDouble(value);
    }
  }

  @Override
  public String toString() {
    return value.isEmpty() ? "[" + kind + "]" : "[" + kind + " " + value + "]";
  }
}
