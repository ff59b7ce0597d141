package dev.pbj.core.internal.wire;

import dev.pbj.PbException;
import dev.pbj.ProtocolException;
import dev.pbj.core.internal.jelly.Unjellier;
import dev.pbj.spi.TokenSink;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;

/**
 * Reads top-level PB messages from the token stream: the command word, then each field as one Jelly value with
 * its own reference scope (decoded by the {@link Unjellier} as the tokens arrive). A field that fails to decode is
 * skipped to its end and recorded on the message, so one bad argument costs one call, not the connection.
 * Structural faults (a non-list message, an unknown command, a wrong field count) throw {@link ProtocolException}.
 * Runs on the decoding thread only.
 */
public final class MessageReader implements TokenSink {
  /** Receives each complete message, on the decoding thread. */
  public interface Handler {
    void onMessage(ReceivedMessage message);
  }

  private final Unjellier unjellier;
  private final Handler handler;
  /** Whether PBJ's extension messages were negotiated; without, they are unknown words. */
  private final boolean extensions;
  private final NameCache names = new NameCache();
  private int depth;
  private int expectedElements;
  private int index;
  private ReceivedMessage message;
  private boolean skipping;

  public MessageReader(Unjellier unjellier, Handler handler, boolean extensions) {
    this.unjellier = unjellier;
    this.handler = handler;
    this.extensions = extensions;
  }

  @Override
  public void beginList(int length) {
    if (depth == 0) {
      expectedElements = length;
      index = 0;
      message = null;
      depth = 1;
      if (length == 0) {
        throw new ProtocolException("empty message received");
      }
      return;
    }
    if (depth == 1) {
      startField();
    }
    depth++;
    if (!skipping) {
      try {
        unjellier.beginList(length);
      } catch (PbException e) {
        fail(e);
      }
    }
  }

  @Override
  public void endList() {
    depth--;
    if (depth == 0) {
      finishMessage();
      return;
    }
    if (!skipping) {
      try {
        unjellier.endList();
      } catch (PbException e) {
        fail(e);
      }
    }
    if (depth == 1) {
      finishField();
    }
  }

  @Override
  public void integer(long value) {
    if (depth == 1 && index > 0) {
      // a whole field (a request id, a flag): no Jelly scope to open and close
      message.fields[index - 1] = value;
      index++;
      return;
    }
    if (enterAtom()) {
      try {
        unjellier.integer(value);
      } catch (PbException e) {
        fail(e);
      }
    }
    afterAtom();
  }

  @Override
  public void bigInteger(BigInteger value) {
    if (enterAtom()) {
      try {
        unjellier.bigInteger(value);
      } catch (PbException e) {
        fail(e);
      }
    }
    afterAtom();
  }

  @Override
  public void floating(double value) {
    if (enterAtom()) {
      try {
        unjellier.floating(value);
      } catch (PbException e) {
        fail(e);
      }
    }
    afterAtom();
  }

  @Override
  public void bytes(byte[] buffer, int offset, int length) {
    if (depth == 1 && index == 0) {
      command(names.name(buffer, offset, length));
      return;
    }
    if (depth == 1 && isName(index)) {
      // a call's object name and method name: strings from the cache, not byte strings
      startField();
      message.fields[index - 1] = names.name(buffer, offset, length);
      index++;
      return;
    }
    if (enterAtom()) {
      try {
        unjellier.bytes(buffer, offset, length);
      } catch (PbException e) {
        fail(e);
      }
    }
    afterAtom();
  }

  @Override
  public void text(String value) {
    if (depth == 1 && index == 0) {
      command(value);
      return;
    }
    if (enterAtom()) {
      try {
        unjellier.text(value);
      } catch (PbException e) {
        fail(e);
      }
    }
    afterAtom();
  }

  @Override
  public void symbol(String word) {
    if (depth == 1 && index == 0) {
      command(word);
      return;
    }
    if (enterAtom()) {
      try {
        unjellier.symbol(word);
      } catch (PbException e) {
        fail(e);
      }
    }
    afterAtom();
  }

  /** Whether element {@code element} of the current message is a call's object name or method name. */
  private boolean isName(int element) {
    return (element == 2 || element == 3) && message != null
        && (message.kind == MessageKind.MESSAGE || message.kind == MessageKind.CACHEMESSAGE);
  }

  /** Whether a message has begun and not ended. */
  public boolean inMessage() {
    return depth > 0;
  }

  /** Checks where an atom may stand; returns whether it goes to the unjellier. */
  private boolean enterAtom() {
    if (depth == 0) {
      throw new ProtocolException("Non-list expression received: every PB message is a list");
    }
    if (depth == 1) {
      if (index == 0) {
        throw new ProtocolException("a PB message must start with its command name");
      }
      startField();
    }
    return !skipping;
  }

  private void afterAtom() {
    if (depth == 1) {
      finishField();
    }
  }

  private void command(String word) {
    MessageKind kind = MessageKind.of(word);
    if (kind == null || kind.extension && !extensions) {
      throw new ProtocolException("unknown message kind '" + word + "'");
    }
    if (expectedElements - 1 != kind.fields) {
      throw new ProtocolException("'" + word + "' message with " + (expectedElements - 1) + " fields (expected "
          + kind.fields + ")");
    }
    message = new ReceivedMessage(kind);
    index = 1;
  }

  private void startField() {
    if (message == null) {
      throw new ProtocolException("a PB message must start with its command name");
    }
    unjellier.reset();
    skipping = false;
  }

  private void finishField() {
    if (!skipping) {
      message.fields[index - 1] = unjellier.takeResult();
    }
    skipping = false;
    index++;
  }

  private void fail(PbException error) {
    if (message.fieldError == null) {
      message.fieldError = error;
    }
    unjellier.reset();
    skipping = true;
  }

  private void finishMessage() {
    ReceivedMessage done = message;
    message = null;
    if (done == null) {
      throw new ProtocolException("a PB message must start with its command name");
    }
    handler.onMessage(done);
  }
}
