package dev.pbj.msgpack;

import dev.pbj.testkit.Hex;
import dev.pbj.testkit.RecordingSink;
import dev.pbj.testkit.Token;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pbj.LimitExceededException;
import dev.pbj.ProtocolException;
import dev.pbj.msgpack.GoldenVectors.Invalid;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.stream.Stream;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every case of {@code invalid.json}: refused with the right error however it arrives, and nothing survives it. */
class InvalidInputTest {
  private static final byte[] GOOD_FRAME = Hex.decode("00 00 00 02 91 01");

  static Stream<Invalid> refused() {
    return GoldenVectors.INVALID.stream().filter(c -> !c.error().equals("truncated"));
  }

  static Stream<Invalid> truncated() {
    return GoldenVectors.INVALID.stream().filter(c -> c.error().equals("truncated"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("refused")
  void refusesWholeBuffer(Invalid c) {
    assertRefused(c, () -> Feeding.whole(c.limits(), c.bytes()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("refused")
  void refusesOneByteAtATime(Invalid c) {
    assertRefused(c, () -> Feeding.byteAtATime(c.limits(), c.bytes()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("refused")
  void refusesSplitAtEveryOffset(Invalid c) {
    for (int cut = 1; cut < c.bytes().length; cut++) {
      int at = cut;
      assertRefused(c, () -> Feeding.chunks(c.limits(), c.bytes(), at, c.bytes().length));
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("refused")
  void refusesDirectBuffer(Invalid c) {
    assertRefused(c, () -> Feeding.direct(c.limits(), c.bytes()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("refused")
  void refusesReadOnlyBuffer(Invalid c) {
    assertRefused(c, () -> Feeding.readOnly(c.limits(), c.bytes()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("refused")
  void staysFailedAfterTheError(Invalid c) {
    MsgpackDecoder decoder = new MsgpackDecoder(c.limits(), new RecordingSink());
    assertThatThrownBy(() -> decoder.feed(ByteBuffer.wrap(c.bytes()))).isInstanceOf(ProtocolException.class);
    assertThatThrownBy(() -> decoder.feed(ByteBuffer.wrap(GOOD_FRAME)))
        .isInstanceOf(ProtocolException.class)
        .hasMessageContaining("already failed")
        .hasCauseInstanceOf(ProtocolException.class);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("refused")
  void freshDecoderStillDecodesAfterAnotherFailed(Invalid c) {
    assertThatThrownBy(() -> Feeding.whole(c.limits(), c.bytes())).isInstanceOf(ProtocolException.class);
    assertThat(Feeding.whole(c.limits(), GOOD_FRAME)).containsExactly(Token.list(1), Token.integer(1), Token.end());
  }

  /** A stream cut short is no error while it may still go on: the decoder says it stopped inside a message. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("truncated")
  void reportsTruncatedStreamAsInMessageWithoutError(Invalid c) {
    for (int cut = 0; cut <= c.bytes().length; cut++) {
      RecordingSink sink = new RecordingSink();
      MsgpackDecoder decoder = new MsgpackDecoder(c.limits(), sink);
      decoder.feed(ByteBuffer.wrap(c.bytes(), 0, cut));
      decoder.feed(ByteBuffer.wrap(c.bytes(), cut, c.bytes().length - cut));
      assertThat(decoder.inMessage()).isTrue();
      assertThat(sink.tokens).as("nothing of an unfinished frame is decoded").isEqualTo(List.of());
    }
  }

  private static void assertRefused(Invalid c, ThrowingCallable decode) {
    if (c.error().equals("protocol")) {
      assertThatThrownBy(decode).isExactlyInstanceOf(ProtocolException.class);
      return;
    }
    String limit = c.error().substring("limit:".length());
    assertThatThrownBy(decode).isInstanceOfSatisfying(LimitExceededException.class, e -> {
      assertThat(e.limitName()).isEqualTo(limit);
      assertThat(e.value()).isGreaterThan(e.maximum());
      assertThat(e.getMessage()).contains("(" + e.value() + ")", "(" + e.maximum() + ", from Limits." + limit + ")");
    });
  }
}
