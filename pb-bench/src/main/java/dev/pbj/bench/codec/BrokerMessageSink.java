package dev.pbj.bench.codec;

import dev.pbj.core.internal.wire.NameCache;
import dev.pbj.core.internal.jelly.Unjellier;
import dev.pbj.spi.TokenSink;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Reads top-level PB messages as pb-core's {@code MessageReader} does: the command word, then each field, atom or
 * list, as one Jelly value with its own reference scope, built by the {@link Unjellier} as the tokens arrive (no
 * dispatch, no error bookkeeping: the benchmark messages are well formed).
 */
final class BrokerMessageSink implements TokenSink {
  private final Unjellier unjellier;
  private final Object[] fields = new Object[8];
  private final NameCache names = new NameCache();
  private int depth;
  private int index;
  private String command;
  private boolean complete;

  BrokerMessageSink(Unjellier unjellier) {
    this.unjellier = unjellier;
  }

  /** The payload of the message just read: a call's argument tuple, an answer's value. */
  Object take() {
    if (!complete) {
      throw new IllegalStateException("no complete message was decoded");
    }
    complete = false;
    Object payload = "message".equals(command) ? fields[4] : fields[index - 1];
    Arrays.fill(fields, null);
    return payload;
  }

  @Override
  public void beginList(int length) {
    if (depth == 0) {
      depth = 1;
      index = -1; // the command comes first
      command = null;
      return;
    }
    if (depth == 1) {
      unjellier.reset();
    }
    depth++;
    unjellier.beginList(length);
  }

  @Override
  public void endList() {
    depth--;
    if (depth == 0) {
      complete = true;
      return;
    }
    unjellier.endList();
    if (depth == 1) {
      fields[index++] = unjellier.takeResult();
    }
  }

  @Override
  public void integer(long value) {
    if (depth == 1 && index >= 0) { // a whole field, as MessageReader takes it
      fields[index++] = value;
      return;
    }
    enterAtom();
    unjellier.integer(value);
    afterAtom();
  }

  @Override
  public void bigInteger(BigInteger value) {
    enterAtom();
    unjellier.bigInteger(value);
    afterAtom();
  }

  @Override
  public void floating(double value) {
    enterAtom();
    unjellier.floating(value);
    afterAtom();
  }

  @Override
  public void bytes(byte[] buffer, int offset, int length) {
    if (depth == 1 && index < 0) {
      command(names.name(buffer, offset, length));
      return;
    }
    if (depth == 1 && (index == 1 || index == 2) && "message".equals(command)) {
      fields[index++] = names.name(buffer, offset, length); // object and method names, as MessageReader takes them
      return;
    }
    enterAtom();
    unjellier.bytes(buffer, offset, length);
    afterAtom();
  }

  @Override
  public void text(String value) {
    if (depth == 1 && index < 0) {
      command(value);
      return;
    }
    enterAtom();
    unjellier.text(value);
    afterAtom();
  }

  @Override
  public void symbol(String word) {
    if (depth == 1 && index < 0) {
      command(word);
      return;
    }
    enterAtom();
    unjellier.symbol(word);
    afterAtom();
  }

  private void command(String word) {
    command = word;
    index = 0;
  }

  private void enterAtom() {
    if (depth == 1) {
      unjellier.reset();
    }
  }

  private void afterAtom() {
    if (depth == 1) {
      fields[index++] = unjellier.takeResult();
    }
  }
}
