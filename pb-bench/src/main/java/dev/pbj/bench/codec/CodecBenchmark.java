package dev.pbj.bench.codec;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Encode, decode, and both, of each representative {@link Message} with each codec: PBJ's serializers under Jelly
 * (as the broker drives them) and Kryo as the JVM-native baseline. Run with {@code -prof gc} for bytes allocated
 * per operation; the bytes on the wire are what {@link #encode()} returns (the report measures them once).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class CodecBenchmark {

  @Param({"banana", "msgpack", "kryo"})
  public String codec;

  @Param
  public Message message;

  private Codec encoder;
  private Codec decoder;
  private byte[] wire;

  @Setup
  public void setUp() {
    encoder = Codec.named(codec);
    decoder = Codec.named(codec);
    wire = encoder.encode(message);
    if (decoder.decode(wire) == null) {
      throw new IllegalStateException(codec + " decoded " + message + " to nothing");
    }
  }

  /** Values to bytes: Jelly plus the serializer's encoder, ending with the new array a link would take. */
  @Benchmark
  public byte[] encode() {
    return encoder.encode(message);
  }

  /** Bytes to values: the serializer's decoder feeding Jelly's unjellier, ending with the received value. */
  @Benchmark
  public Object decode() {
    return decoder.decode(wire);
  }

  /** Both, as one message's trip costs the two ends together. */
  @Benchmark
  public Object roundTrip() {
    return decoder.decode(encoder.encode(message));
  }
}
