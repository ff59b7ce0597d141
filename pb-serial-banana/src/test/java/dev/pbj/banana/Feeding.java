package dev.pbj.banana;

import dev.pbj.testkit.RecordingSink;
import dev.pbj.testkit.Token;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pbj.Limits;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/** Ways of feeding one byte stream to a fresh decoder; each returns the tokens it emitted. */
final class Feeding {
  private Feeding() {}

  static List<Token> whole(String dialect, Limits limits, byte[] data) {
    return chunks(dialect, limits, data, data.length);
  }

  static List<Token> byteAtATime(String dialect, Limits limits, byte[] data) {
    int[] cuts = new int[data.length];
    for (int i = 0; i < cuts.length; i++) {
      cuts[i] = i + 1;
    }
    return chunks(dialect, limits, data, cuts);
  }

  static List<Token> randomChunks(String dialect, Limits limits, byte[] data, Random random, int maxChunk) {
    List<Integer> cuts = new ArrayList<>();
    for (int at = 0; at < data.length; ) {
      at = Math.min(data.length, at + 1 + random.nextInt(maxChunk));
      cuts.add(at);
    }
    return chunks(dialect, limits, data, cuts.stream().mapToInt(Integer::intValue).toArray());
  }

  /**
   * Feeds {@code data} cut at the given ascending offsets (the last must be its length), each chunk as a heap
   * buffer with position 0, and checks {@code inMessage()} after each: true exactly while the single expression
   * in {@code data} is unfinished.
   */
  static List<Token> chunks(String dialect, Limits limits, byte[] data, int... cuts) {
    RecordingSink sink = RecordingSink.rejectingText();
    BananaDecoder decoder = new BananaDecoder(dialect, limits, sink);
    int from = 0;
    for (int cut : cuts) {
      ByteBuffer chunk = ByteBuffer.wrap(Arrays.copyOfRange(data, from, cut));
      decoder.feed(chunk);
      assertThat(chunk.hasRemaining()).as("bytes left in the chunk").isFalse();
      assertThat(decoder.inMessage()).as("inMessage after %d of %d bytes", cut, data.length)
          .isEqualTo(cut > 0 && cut < data.length);
      from = cut;
    }
    return sink.tokens;
  }

  /** One heap buffer that is a slice (non-zero array offset) with a non-zero position and junk around the data. */
  static List<Token> heapSliceWithOffset(String dialect, Limits limits, byte[] data) {
    byte[] backing = new byte[data.length + 20];
    Arrays.fill(backing, (byte) 0x81);
    System.arraycopy(data, 0, backing, 10, data.length);
    ByteBuffer slice = ByteBuffer.wrap(backing).position(3).slice();
    slice.position(7).limit(7 + data.length);
    assertThat(slice.arrayOffset()).isEqualTo(3);
    return feedOnce(dialect, limits, slice);
  }

  static List<Token> direct(String dialect, Limits limits, byte[] data) {
    ByteBuffer direct = ByteBuffer.allocateDirect(data.length + 4);
    direct.position(2);
    direct.put(data);
    direct.position(2).limit(2 + data.length);
    return feedOnce(dialect, limits, direct);
  }

  static List<Token> readOnly(String dialect, Limits limits, byte[] data) {
    return feedOnce(dialect, limits, ByteBuffer.wrap(data).asReadOnlyBuffer());
  }

  private static List<Token> feedOnce(String dialect, Limits limits, ByteBuffer buffer) {
    RecordingSink sink = RecordingSink.rejectingText();
    BananaDecoder decoder = new BananaDecoder(dialect, limits, sink);
    int limit = buffer.limit();
    decoder.feed(buffer);
    assertThat(buffer.position()).as("position after feed").isEqualTo(limit);
    assertThat(decoder.inMessage()).isFalse();
    return sink.tokens;
  }
}
