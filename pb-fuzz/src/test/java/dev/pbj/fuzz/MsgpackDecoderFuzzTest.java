package dev.pbj.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.pbj.Limits;
import dev.pbj.msgpack.MsgpackSerializerProvider;
import java.util.function.UnaryOperator;

/**
 * A stream of msgpack frames (four length bytes, then one MessagePack array) through the msgpack decoder: see
 * {@link CodecCheck} for what must hold. Every token survives a round trip exactly (an int in any width reads as the
 * same integer, a float 32 as the same double).
 */
class MsgpackDecoderFuzzTest {
  private static final CodecCheck CHECK = new CodecCheck(new MsgpackSerializerProvider(), "msgpack",
      Limits.defaults(), true, UnaryOperator.identity());

  @FuzzTest
  void decode(byte[] input) {
    CHECK.run(input);
  }
}
