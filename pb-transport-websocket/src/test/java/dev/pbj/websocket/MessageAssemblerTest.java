package dev.pbj.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.ReadableByteChannel;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class MessageAssemblerTest {

  @Test
  void appendsPartsIntoOneMessage() {
    var assembler = new MessageAssembler(100);
    assertThat(assembler.append(ByteBuffer.wrap(new byte[] {1, 2}))).isTrue();
    assertThat(assembler.append(ByteBuffer.wrap(new byte[] {3}))).isTrue();
    assertThat(bytes(assembler.message())).containsExactly(1, 2, 3);
    assembler.reset();
    assertThat(assembler.message().remaining()).isZero();
  }

  @Test
  void aMessageOfExactlyTheLimitFitsAndOneMoreByteDoesNot() {
    var assembler = new MessageAssembler(4);
    assertThat(assembler.append(ByteBuffer.wrap(new byte[4]))).isTrue();
    assertThat(assembler.overflowed()).isFalse();
    ByteBuffer extra = ByteBuffer.wrap(new byte[] {9, 9});
    assertThat(assembler.append(extra)).isFalse();
    assertThat(extra.hasRemaining()).as("consumed, and dropped").isFalse();
    assertThat(assembler.overflowed()).isTrue();
    assertThat(assembler.seen()).isEqualTo(6);
    assertThat(assembler.append(ByteBuffer.wrap(new byte[1]))).isFalse();
    assembler.reset();
    assertThat(assembler.overflowed()).isFalse();
    assertThat(assembler.append(ByteBuffer.wrap(new byte[4]))).isTrue();
  }

  @Test
  void readsAChannelToItsEndWhateverTheChunking() throws IOException {
    byte[] payload = new byte[100_000];
    new Random(1).nextBytes(payload);
    for (int chunk : new int[] {1, 7, 4096, 100_000}) {
      var assembler = new MessageAssembler(payload.length);
      ReadableByteChannel channel = trickling(payload, chunk);
      while (assembler.readFrom(channel) >= 0) {
        assertThat(assembler.overflowed()).isFalse();
      }
      assertThat(bytes(assembler.message())).as("chunks of %d", chunk).isEqualTo(payload);
    }
  }

  @Test
  void readingPastTheLimitKeepsNothingMoreAndCountsTheRest() throws IOException {
    var assembler = new MessageAssembler(10);
    ReadableByteChannel channel = trickling(new byte[5_000], 1_000);
    while (assembler.readFrom(channel) >= 0) {
      // drains
    }
    assertThat(assembler.overflowed()).isTrue();
    assertThat(assembler.seen()).isEqualTo(5_000);
    assertThat(assembler.message().remaining()).isEqualTo(10);
  }

  @Test
  void aZeroLimitDropsEverything() throws IOException {
    var assembler = new MessageAssembler(0);
    ReadableByteChannel channel = trickling(new byte[3], 3);
    while (assembler.readFrom(channel) >= 0) {
      // drains
    }
    assertThat(assembler.overflowed()).isTrue();
    assertThat(assembler.seen()).isEqualTo(3);
  }

  @Test
  void betweenMessagesALinkHoldsNoArrayAndTheNextMessageOnTheThreadReusesIt() throws IOException {
    var first = new MessageAssembler(100);
    ReadableByteChannel channel = trickling(new byte[] {1, 2, 3}, 3);
    while (first.readFrom(channel) >= 0) {
      // reads it whole
    }
    byte[] array = first.message().array();
    first.reset();
    assertThat(first.message().array()).as("nothing held once reset").isNotSameAs(array).isEmpty();
    var second = new MessageAssembler(100);
    second.readFrom(trickling(new byte[] {4, 5}, 2));
    assertThat(second.message().array()).as("the thread's spare, lent again").isSameAs(array);
    assertThat(bytes(second.message())).containsExactly(4, 5);
    second.reset();
  }

  @Test
  void anIncompleteMessageKeptWhileItsThreadReadsOthersIsNotOverwritten() throws IOException {
    byte[] payload = new byte[10_000];
    new Random(2).nextBytes(payload);
    var waiting = new MessageAssembler(payload.length);
    ReadableByteChannel slow = trickling(payload, 3_000);
    waiting.readFrom(slow); // 3,000 bytes in the thread's spare
    waiting.keepWhileWaiting(); // the rest has not arrived: the thread goes on to other connections
    for (int i = 0; i < 3; i++) {
      var other = new MessageAssembler(8_000);
      ReadableByteChannel channel = trickling(filled(7_000, (byte) i), 7_000);
      while (other.readFrom(channel) >= 0) {
        // reads it whole, into the spare
      }
      assertThat(bytes(other.message())).isEqualTo(filled(7_000, (byte) i));
      other.reset();
    }
    while (waiting.readFrom(slow) >= 0) {
      // the rest arrives
    }
    assertThat(bytes(waiting.message())).isEqualTo(payload);
    waiting.reset();
  }

  @Test
  void aSecondMessageOnTheThreadWhileTheSpareIsLentGetsAnArrayOfItsOwn() throws IOException {
    var outer = new MessageAssembler(100);
    outer.readFrom(trickling(new byte[] {1, 2, 3}, 3));
    var inner = new MessageAssembler(100); // as if the handler of the outer message led to another read
    inner.readFrom(trickling(new byte[] {7, 8}, 2));
    assertThat(inner.message().array()).isNotSameAs(outer.message().array());
    inner.reset();
    assertThat(bytes(outer.message())).containsExactly(1, 2, 3);
    outer.reset();
  }

  private static byte[] filled(int length, byte value) {
    byte[] bytes = new byte[length];
    Arrays.fill(bytes, value);
    return bytes;
  }

  /** A channel over {@code payload} that gives at most {@code chunk} bytes per read. */
  private static ReadableByteChannel trickling(byte[] payload, int chunk) {
    ReadableByteChannel whole = Channels.newChannel(new java.io.ByteArrayInputStream(payload));
    return new ReadableByteChannel() {
      @Override
      public int read(ByteBuffer dst) throws IOException {
        ByteBuffer limited = dst.slice();
        limited.limit(Math.min(limited.limit(), chunk));
        int read = whole.read(limited);
        if (read > 0) {
          dst.position(dst.position() + read);
        }
        return read;
      }

      @Override
      public boolean isOpen() {
        return true;
      }

      @Override
      public void close() {}
    };
  }

  private static byte[] bytes(ByteBuffer buffer) {
    return Arrays.copyOfRange(buffer.array(), buffer.arrayOffset() + buffer.position(),
        buffer.arrayOffset() + buffer.limit());
  }
}
