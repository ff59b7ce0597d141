package dev.pbj.bench.conn;

import dev.pbj.Limits;
import dev.pbj.spi.MessageDecoder;
import dev.pbj.spi.MessageEncoder;
import dev.pbj.spi.SerializerProvider;
import dev.pbj.spi.TokenSink;
import java.math.BigInteger;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

/**
 * A serializer that is another one and counts the bytes its encoders make from tokens: every message's bytes
 * less the runs copied into it, plus each run once, where it was encoded. The same update to N observers then
 * counts N messages when each observer's call is encoded by itself, and N small message heads plus one run when
 * the arguments are encoded once. Registered with a higher priority than the serializer it wraps, under its name.
 */
public final class CountingSerializer implements SerializerProvider {
  private final SerializerProvider inner;
  private final LongAdder encoded = new LongAdder();
  private final LongAdder copied = new LongAdder();

  public CountingSerializer(SerializerProvider inner) {
    this.inner = inner;
  }

  /** Bytes made from tokens so far, by every encoder. */
  public long bytesEncoded() {
    return encoded.sum();
  }

  /** Bytes of encoded runs copied into messages so far. */
  public long bytesCopied() {
    return copied.sum();
  }

  @Override
  public String name() {
    return inner.name();
  }

  @Override
  public List<String> dialects() {
    return inner.dialects();
  }

  @Override
  public int priority() {
    return 10;
  }

  @Override
  public MessageEncoder newEncoder(String dialect, Limits limits) {
    return new Counting(inner.newEncoder(dialect, limits));
  }

  @Override
  public MessageDecoder newDecoder(String dialect, Limits limits, TokenSink sink) {
    return inner.newDecoder(dialect, limits, sink);
  }

  private final class Counting implements MessageEncoder {
    private final MessageEncoder encoder;
    /** Run bytes copied into the message being written. */
    private long runBytes;

    Counting(MessageEncoder encoder) {
      this.encoder = encoder;
    }

    @Override
    public byte[] takeMessage() {
      byte[] message = encoder.takeMessage();
      encoded.add(message.length - runBytes);
      copied.add(runBytes);
      runBytes = 0;
      return message;
    }

    @Override
    public void reset() {
      runBytes = 0;
      encoder.reset();
    }

    @Override
    public Object runKey() {
      return encoder.runKey();
    }

    @Override
    public byte[] encodeRun(Consumer<? super TokenSink> tokens) {
      byte[] run = encoder.encodeRun(tokens);
      encoded.add(run.length);
      return run;
    }

    @Override
    public void writeRun(byte[] run) {
      encoder.writeRun(run);
      runBytes += run.length;
    }

    @Override
    public void beginList(int length) {
      encoder.beginList(length);
    }

    @Override
    public void endList() {
      encoder.endList();
    }

    @Override
    public void integer(long value) {
      encoder.integer(value);
    }

    @Override
    public void bigInteger(BigInteger value) {
      encoder.bigInteger(value);
    }

    @Override
    public void floating(double value) {
      encoder.floating(value);
    }

    @Override
    public void bytes(byte[] buffer, int offset, int length) {
      encoder.bytes(buffer, offset, length);
    }

    @Override
    public void text(String value) {
      encoder.text(value);
    }

    @Override
    public void symbol(String word) {
      encoder.symbol(word);
    }
  }
}
