package dev.pbj.fuzz;

import dev.pbj.testkit.RecordingSink;
import java.math.BigInteger;
import java.util.Arrays;

/**
 * Records a decoder's tokens and checks the {@link dev.pbj.spi.TokenSink} contract as they arrive: a list gets
 * exactly the elements it announced before its {@code endList()}, and nothing follows an {@code endList()} that
 * closes no list. A decoder that breaks it fails with an {@link AssertionError}, which no decoder may turn into one
 * of its own typed refusals.
 */
class CheckedRecorder extends RecordingSink {
  /** Elements still expected by each open list, innermost last. */
  private int[] remaining = new int[16];
  private int open;

  CheckedRecorder(boolean textAllowed) {
    super(textAllowed);
  }

  private void element() {
    if (open > 0) {
      if (remaining[open - 1] == 0) {
        throw new AssertionError("a list received more elements than it announced");
      }
      remaining[open - 1]--;
    }
  }

  @Override
  public void beginList(int length) {
    if (length < 0) {
      throw new AssertionError("beginList(" + length + ")");
    }
    element();
    super.beginList(length);
    if (open == remaining.length) {
      remaining = Arrays.copyOf(remaining, open * 2);
    }
    remaining[open++] = length;
  }

  @Override
  public void endList() {
    if (open == 0 || remaining[open - 1] != 0) {
      throw new AssertionError("endList() with " + (open == 0 ? "no open list" : remaining[open - 1]
          + " elements still announced"));
    }
    open--;
    super.endList();
  }

  @Override
  public void integer(long value) {
    element();
    super.integer(value);
  }

  @Override
  public void bigInteger(BigInteger value) {
    element();
    super.bigInteger(value);
  }

  @Override
  public void floating(double value) {
    element();
    super.floating(value);
  }

  @Override
  public void bytes(byte[] buffer, int offset, int length) {
    element();
    super.bytes(buffer, offset, length);
  }

  @Override
  public void text(String value) {
    element();
    super.text(value);
  }

  @Override
  public void symbol(String word) {
    element();
    super.symbol(word);
  }
}
