package dev.pbj.msgpack;

import dev.pbj.testkit.RecordingSink;
import dev.pbj.testkit.Token;
import dev.pbj.testkit.TokenPlayer;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pbj.Limits;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

/** Ways of feeding bytes to a fresh decoder; each returns the tokens it emitted. */
final class Feeding {
  private Feeding() {}

  static List<Token> whole(Limits limits, byte[] data) {
    return chunks(limits, data, data.length);
  }

  static List<Token> byteAtATime(Limits limits, byte[] data) {
    int[] cuts = new int[data.length];
    for (int i = 0; i < cuts.length; i++) {
      cuts[i] = i + 1;
    }
    return chunks(limits, data, cuts);
  }

  /** Feeds a stream of any number of frames in random chunks; the decoder must end outside a message. */
  static List<Token> randomChunks(Limits limits, byte[] data, Random random, int maxChunk) {
    RecordingSink sink = new RecordingSink();
    MsgpackDecoder decoder = new MsgpackDecoder(limits, sink);
    for (int at = 0; at < data.length; ) {
      int n = Math.min(data.length - at, 1 + random.nextInt(maxChunk));
      decoder.feed(ByteBuffer.wrap(data, at, n));
      at += n;
    }
    assertThat(decoder.inMessage()).as("inMessage at the end of the stream").isFalse();
    return sink.tokens;
  }

  /**
   * Feeds {@code data} cut at the given ascending offsets (the last must be its length), each chunk as a heap
   * buffer with position 0, and checks {@code inMessage()} after each: true exactly while a frame is unfinished.
   */
  static List<Token> chunks(Limits limits, byte[] data, int... cuts) {
    Set<Integer> frameEnds = frameEnds(data);
    RecordingSink sink = new RecordingSink();
    MsgpackDecoder decoder = new MsgpackDecoder(limits, sink);
    int from = 0;
    for (int cut : cuts) {
      ByteBuffer chunk = ByteBuffer.wrap(Arrays.copyOfRange(data, from, cut));
      decoder.feed(chunk);
      assertThat(chunk.hasRemaining()).as("bytes left in the chunk").isFalse();
      assertThat(decoder.inMessage()).as("inMessage after %d of %d bytes", cut, data.length)
          .isEqualTo(!frameEnds.contains(cut));
      from = cut;
    }
    return sink.tokens;
  }

  /** The offsets where a frame of {@code data} ends (and the next would begin), 0 included. */
  private static Set<Integer> frameEnds(byte[] data) {
    Set<Integer> ends = new HashSet<>();
    long at = 0;
    while (at <= data.length) {
      ends.add((int) at);
      if (at + 4 > data.length) {
        break;
      }
      at += 4 + (ByteBuffer.wrap(data, (int) at, 4).getInt() & 0xffff_ffffL);
    }
    return ends;
  }

  /** One heap buffer that is a slice (non-zero array offset) with a non-zero position and junk around the data. */
  static List<Token> heapSliceWithOffset(Limits limits, byte[] data) {
    byte[] backing = new byte[data.length + 20];
    Arrays.fill(backing, (byte) 0x91);
    System.arraycopy(data, 0, backing, 10, data.length);
    ByteBuffer slice = ByteBuffer.wrap(backing).position(3).slice();
    slice.position(7).limit(7 + data.length);
    assertThat(slice.arrayOffset()).isEqualTo(3);
    return feedOnce(limits, slice);
  }

  static List<Token> direct(Limits limits, byte[] data) {
    ByteBuffer direct = ByteBuffer.allocateDirect(data.length + 4);
    direct.position(2);
    direct.put(data);
    direct.position(2).limit(2 + data.length);
    return feedOnce(limits, direct);
  }

  static List<Token> readOnly(Limits limits, byte[] data) {
    return feedOnce(limits, ByteBuffer.wrap(data).asReadOnlyBuffer());
  }

  private static List<Token> feedOnce(Limits limits, ByteBuffer buffer) {
    RecordingSink sink = new RecordingSink();
    MsgpackDecoder decoder = new MsgpackDecoder(limits, sink);
    int limit = buffer.limit();
    decoder.feed(buffer);
    assertThat(buffer.position()).as("position after feed").isEqualTo(limit);
    assertThat(decoder.inMessage()).isFalse();
    return sink.tokens;
  }

  /** Concatenates frames into one stream. */
  static byte[] concat(List<byte[]> frames) {
    int size = frames.stream().mapToInt(f -> f.length).sum();
    byte[] out = new byte[size];
    int at = 0;
    for (byte[] f : frames) {
      System.arraycopy(f, 0, out, at, f.length);
      at += f.length;
    }
    return out;
  }

  /** Frames of a list of token streams, as the encoder writes them. */
  static List<byte[]> encodeAll(Limits limits, List<List<Token>> messages) {
    MsgpackEncoder encoder = new MsgpackEncoder(limits);
    List<byte[]> frames = new ArrayList<>();
    for (List<Token> m : messages) {
      TokenPlayer.play(m, encoder);
      frames.add(encoder.takeMessage());
    }
    return frames;
  }
}
