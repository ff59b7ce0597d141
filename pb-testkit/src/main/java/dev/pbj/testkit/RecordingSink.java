package dev.pbj.testkit;

import dev.pbj.spi.TokenSink;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;

/** Records what a decoder emits, and fails on what a decoder must never do. */
public class RecordingSink implements TokenSink {
  public final List<Token> tokens = new ArrayList<>();
  private final boolean textAllowed;

  /** A sink for decoders that may emit text tokens. */
  public RecordingSink() {
    this(true);
  }

  /** @param textAllowed whether text tokens are recorded (true) or a failure (false) */
  protected RecordingSink(boolean textAllowed) {
    this.textAllowed = textAllowed;
  }

  /** A sink for decoders that never emit text (banana: text arrives as Jelly's {@code (unicode …)} list). */
  public static RecordingSink rejectingText() {
    return new RecordingSink(false);
  }
  private int depth;

  @Override
  public void beginList(int length) {
    tokens.add(Token.list(length));
    depth++;
  }

  @Override
  public void endList() {
    if (--depth < 0) {
      throw new AssertionError("endList without an open list");
    }
    tokens.add(Token.end());
  }

  @Override
  public void integer(long value) {
    tokens.add(Token.integer(value));
  }

  @Override
  public void bigInteger(BigInteger value) {
    if (value.bitLength() < Long.SIZE) {
      throw new AssertionError("bigInteger for a value that fits in a long: " + value);
    }
    tokens.add(Token.integer(value));
  }

  @Override
  public void floating(double value) {
    tokens.add(Token.floating(value));
  }

  @Override
  public void bytes(byte[] buffer, int offset, int length) {
    tokens.add(Token.bytes(buffer, offset, length));
  }

  @Override
  public void text(String value) {
    if (!textAllowed) {
      throw new AssertionError("this decoder never emits text: " + value);
    }
    tokens.add(Token.text(value));
  }

  @Override
  public void symbol(String word) {
    tokens.add(Token.symbol(word));
  }
}
