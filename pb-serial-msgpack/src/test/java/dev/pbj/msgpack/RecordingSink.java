package dev.pbj.msgpack;

import dev.pbj.spi.TokenSink;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;

/** Records what a decoder emits, and fails on what a decoder must never do. */
class RecordingSink implements TokenSink {
  final List<Token> tokens = new ArrayList<>();
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
    tokens.add(Token.text(value));
  }

  @Override
  public void symbol(String word) {
    tokens.add(Token.symbol(word));
  }
}
