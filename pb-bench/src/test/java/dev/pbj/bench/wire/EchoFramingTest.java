package dev.pbj.bench.wire;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Where the raw echo (banana mode) and the floor's client (length prefixes) find each message's end. */
class EchoFramingTest {

  @Test
  void passesOnEachCallWholeHoweverTheBytesAreSplit() {
    ByteBuf calls = Unpooled.buffer();
    PbEchoCalls.againstEcho().writeCalls(calls, 3);
    byte[] wire = new byte[calls.readableBytes()];
    calls.readBytes(wire);
    int one = wire.length / 3;
    for (int at = 0; at <= wire.length; at++) {
      EmbeddedChannel channel = new EmbeddedChannel(new BananaFrameDecoder());
      channel.writeInbound(Unpooled.wrappedBuffer(wire, 0, at));
      channel.writeInbound(Unpooled.wrappedBuffer(wire, at, wire.length - at));
      List<Integer> sizes = new ArrayList<>();
      ByteBuf frame;
      while ((frame = channel.readInbound()) != null) {
        sizes.add(frame.readableBytes());
        frame.release();
      }
      assertThat(sizes).as("split at %d", at).containsExactly(one, one, one);
      assertThat(channel.finish()).as("nothing left over").isFalse();
    }
  }

  @Test
  void lengthPrefixedFramesAreCountedHoweverTheBytesAreSplit() {
    byte[] frame = {0, 0, 0, 3, 'a', 'b', 'c'};
    byte[] wire = new byte[3 * frame.length];
    for (int i = 0; i < 3; i++) {
      System.arraycopy(frame, 0, wire, i * frame.length, frame.length);
    }
    for (int at = 0; at <= wire.length; at++) {
      LengthPrefixedEcho echo = new LengthPrefixedEcho(frame);
      int answers = echo.read(Unpooled.wrappedBuffer(wire, 0, at)) + echo.read(Unpooled.wrappedBuffer(wire, at,
          wire.length - at));
      assertThat(answers).as("split at %d", at).isEqualTo(3);
    }
  }
}
