package dev.pbj.banana;

import dev.pbj.testkit.Hex;
import dev.pbj.testkit.RecordingSink;
import dev.pbj.testkit.Token;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pbj.LimitExceededException;
import dev.pbj.ProtocolException;
import dev.pbj.banana.GoldenVectors.Invalid;
import java.nio.ByteBuffer;
import java.util.stream.Stream;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every case of {@code invalid.json}: refused with the right error however it arrives, and nothing survives it. */
class InvalidInputTest {

  static Stream<Invalid> invalid() {
    return GoldenVectors.INVALID.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalid")
  void refusesWholeBuffer(Invalid c) {
    assertRefused(c, () -> Feeding.whole(c.dialect(), c.limits(), c.bytes()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalid")
  void refusesOneByteAtATime(Invalid c) {
    assertRefused(c, () -> Feeding.byteAtATime(c.dialect(), c.limits(), c.bytes()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalid")
  void refusesSplitAtEveryOffset(Invalid c) {
    for (int cut = 1; cut < c.bytes().length; cut++) {
      int at = cut;
      assertRefused(c, () -> Feeding.chunks(c.dialect(), c.limits(), c.bytes(), at, c.bytes().length));
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalid")
  void refusesDirectBuffer(Invalid c) {
    assertRefused(c, () -> Feeding.direct(c.dialect(), c.limits(), c.bytes()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalid")
  void staysFailedAfterTheError(Invalid c) {
    BananaDecoder decoder = new BananaDecoder(c.dialect(), c.limits(), RecordingSink.rejectingText());
    assertThatThrownBy(() -> decoder.feed(ByteBuffer.wrap(c.bytes()))).isInstanceOf(ProtocolException.class);
    assertThatThrownBy(() -> decoder.feed(ByteBuffer.wrap(Hex.decode("01 81"))))
        .isInstanceOf(ProtocolException.class)
        .hasMessageContaining("already failed")
        .hasCauseInstanceOf(ProtocolException.class);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalid")
  void freshDecoderStillDecodesAfterAnotherFailed(Invalid c) {
    assertThatThrownBy(() -> Feeding.whole(c.dialect(), c.limits(), c.bytes())).isInstanceOf(ProtocolException.class);
    assertThat(Feeding.whole(c.dialect(), c.limits(), Hex.decode("01 81"))).containsExactly(Token.integer(1));
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
