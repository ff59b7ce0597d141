package dev.pbj.core.internal;

import dev.pbj.Limits;
import dev.pbj.spi.MessageDecoder;
import dev.pbj.spi.MessageEncoder;
import dev.pbj.spi.SerializerProvider;
import dev.pbj.spi.TokenSink;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * A serializer that is another one, and records what its encoders produce: each encoder's messages in order (its
 * transcript), the runs encoded once for many connections, and the bytes produced from tokens (message bytes
 * less the runs copied in, plus the runs themselves once).
 */
final class RecordingSerializer implements SerializerProvider {
  private final SerializerProvider inner;
  /** One transcript per encoder, each the hex of its messages in order. */
  final List<List<String>> transcripts = new CopyOnWriteArrayList<>();
  final AtomicInteger runsEncoded = new AtomicInteger();
  final AtomicLong bytesEncoded = new AtomicLong();
  final AtomicLong bytesCopied = new AtomicLong();

  RecordingSerializer(SerializerProvider inner) {
    this.inner = inner;
  }

  /** Every transcript so far, sorted: the same connections' traffic in whatever order the encoders were made. */
  List<List<String>> sortedTranscripts() {
    List<List<String>> all = new ArrayList<>();
    transcripts.forEach(transcript -> all.add(List.copyOf(transcript)));
    all.sort((a, b) -> String.join(",", a).compareTo(String.join(",", b)));
    return all;
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
  public MessageEncoder newEncoder(String dialect, Limits limits) {
    List<String> transcript = new CopyOnWriteArrayList<>();
    transcripts.add(transcript);
    return new Recording(inner.newEncoder(dialect, limits), transcript);
  }

  @Override
  public MessageDecoder newDecoder(String dialect, Limits limits, TokenSink sink) {
    return inner.newDecoder(dialect, limits, sink);
  }

  private final class Recording implements MessageEncoder {
    private final MessageEncoder encoder;
    private final List<String> transcript;
    private long copied;

    Recording(MessageEncoder encoder, List<String> transcript) {
      this.encoder = encoder;
      this.transcript = transcript;
    }

    @Override
    public byte[] takeMessage() {
      byte[] message = encoder.takeMessage();
      transcript.add(HexFormat.of().formatHex(message));
      bytesEncoded.addAndGet(message.length - copied);
      bytesCopied.addAndGet(copied);
      copied = 0;
      return message;
    }

    @Override
    public void reset() {
      copied = 0;
      encoder.reset();
    }

    @Override
    public Object runKey() {
      return encoder.runKey();
    }

    @Override
    public byte[] encodeRun(Consumer<? super TokenSink> tokens) {
      byte[] run = encoder.encodeRun(tokens);
      runsEncoded.incrementAndGet();
      bytesEncoded.addAndGet(run.length);
      return run;
    }

    @Override
    public void writeRun(byte[] run) {
      encoder.writeRun(run);
      copied += run.length;
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
