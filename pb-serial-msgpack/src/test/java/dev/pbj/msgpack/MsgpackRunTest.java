package dev.pbj.msgpack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pbj.LimitExceededException;
import dev.pbj.Limits;
import dev.pbj.spi.TokenSink;
import java.math.BigInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * Runs encoded once and written into many connections' messages: the bytes of the tokens written in place, the
 * frame's length counting them.
 */
class MsgpackRunTest {
  private static final Consumer<TokenSink> RUN = out -> {
    out.beginList(6);
    out.symbol("tuple");
    out.text("héllo");
    out.integer(-129);
    out.bigInteger(BigInteger.TWO.pow(70));
    out.floating(1.5);
    byte[] bytes = new byte[300];
    out.bytes(bytes, 0, bytes.length);
    out.endList();
  };

  private static byte[] message(MsgpackEncoder encoder, Consumer<TokenSink> middle) {
    encoder.beginList(3);
    encoder.symbol("cachemessage");
    middle.accept(encoder);
    encoder.integer(7);
    encoder.endList();
    return encoder.takeMessage();
  }

  @Test
  void splicedRunIsTheBytesOfItsTokens() {
    MsgpackEncoder encoder = new MsgpackEncoder(Limits.defaults());
    byte[] run = encoder.encodeRun(RUN);
    byte[] written = message(new MsgpackEncoder(Limits.defaults()), RUN);
    MsgpackEncoder other = new MsgpackEncoder(Limits.defaults());
    message(other, RUN); // the symbol cache remembers its words: the bytes stay the same
    assertThat(message(other, out -> other.writeRun(run))).isEqualTo(written);
  }

  @Test
  void runKeysAgreeOnlyForTheSameLimits() {
    Object key = new MsgpackEncoder(Limits.defaults()).runKey();
    assertThat(new MsgpackEncoder(Limits.defaults()).runKey()).isEqualTo(key);
    assertThat(new MsgpackEncoder(Limits.builder().maxListLength(10).build()).runKey()).isNotEqualTo(key);
  }

  @Test
  void messageLimitCountsTheRun() {
    MsgpackEncoder encoder = new MsgpackEncoder(Limits.builder().maxMessageLength(100).build());
    byte[] run = new MsgpackEncoder(Limits.builder().maxMessageLength(100).build())
        .encodeRun(out -> out.text("x".repeat(60)));
    encoder.text("y".repeat(60));
    assertThatThrownBy(() -> encoder.writeRun(run)).isInstanceOf(LimitExceededException.class);
  }
}
