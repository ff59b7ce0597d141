package dev.pbj.banana;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pbj.LimitExceededException;
import dev.pbj.Limits;
import dev.pbj.spi.TokenSink;
import java.math.BigInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** Runs encoded once and written into many connections' messages: the bytes of the tokens written in place. */
class BananaRunTest {
  /** A run with every kind of token, vocabulary words among them. */
  private static final Consumer<TokenSink> RUN = out -> {
    out.beginList(7);
    out.symbol("tuple");
    out.text("copy");
    out.text("héllo");
    out.integer(-129);
    out.bigInteger(BigInteger.TWO.pow(70));
    out.floating(1.5);
    byte[] word = "cache".getBytes();
    out.bytes(word, 0, word.length);
    out.endList();
  };

  private static byte[] message(BananaEncoder encoder, Consumer<TokenSink> middle) {
    encoder.beginList(3);
    encoder.symbol("cachemessage");
    middle.accept(encoder);
    encoder.integer(7);
    encoder.endList();
    return encoder.takeMessage();
  }

  @Test
  void splicedRunIsTheBytesOfItsTokens() {
    for (String dialect : new String[] {"pb", "none"}) {
      BananaEncoder encoder = new BananaEncoder(dialect, Limits.defaults());
      byte[] run = encoder.encodeRun(RUN);
      byte[] written = message(new BananaEncoder(dialect, Limits.defaults()), RUN);
      BananaEncoder other = new BananaEncoder(dialect, Limits.defaults());
      message(other, RUN); // whatever the connection sent before
      assertThat(message(other, out -> other.writeRun(run))).isEqualTo(written);
    }
  }

  @Test
  void runKeysAgreeOnlyForTheSameDialectAndLimits() {
    Object pb = new BananaEncoder("pb", Limits.defaults()).runKey();
    assertThat(new BananaEncoder("pb", Limits.defaults()).runKey()).isEqualTo(pb);
    assertThat(new BananaEncoder("none", Limits.defaults()).runKey()).isNotEqualTo(pb);
    assertThat(new BananaEncoder("pb", Limits.builder().maxStringLength(10).build()).runKey()).isNotEqualTo(pb);
  }

  @Test
  void runIsEncodedWithinTheLimits() {
    BananaEncoder encoder = new BananaEncoder("pb", Limits.builder().maxStringLength(3).build());
    assertThatThrownBy(() -> encoder.encodeRun(out -> out.text("too long")))
        .isInstanceOf(LimitExceededException.class);
    encoder.integer(1); // the encoder's own message is untouched
    assertThat(encoder.takeMessage()).containsExactly(0x01, 0x81);
  }
}
