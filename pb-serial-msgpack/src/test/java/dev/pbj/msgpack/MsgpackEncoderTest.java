package dev.pbj.msgpack;

import dev.pbj.testkit.Hex;
import dev.pbj.testkit.Token;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pbj.LimitExceededException;
import dev.pbj.Limits;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

class MsgpackEncoderTest {
  private static final Limits DEFAULTS = Limits.defaults();

  private static String encode(Consumer<MsgpackEncoder> tokens) {
    MsgpackEncoder e = new MsgpackEncoder(DEFAULTS);
    tokens.accept(e);
    return Hex.spaced(e.takeMessage());
  }

  @Test
  void writesBigIntegerThatFitsALongExactlyAsIntegerDoes() {
    Random random = new Random(7);
    for (int i = 0; i < 2000; i++) {
      long v = i < 64 ? (1L << i) - (i % 3) : random.nextLong() >> random.nextInt(64);
      for (long x : new long[] {v, -v}) {
        assertThat(encode(e -> e.bigInteger(BigInteger.valueOf(x)))).as("%d", x)
            .isEqualTo(encode(e -> e.integer(x)));
      }
    }
  }

  @Test
  void writesBigIntegersAsExtOneWithJavasTwosComplement() {
    BigInteger big = BigInteger.ONE.shiftLeft(64);
    assertThat(encode(e -> e.bigInteger(big))).isEqualTo("00 00 00 0c c7 09 01 01 00 00 00 00 00 00 00 00");
    assertThat(encode(e -> e.bigInteger(big.negate()))).isEqualTo("00 00 00 0c c7 09 01 ff 00 00 00 00 00 00 00 00");
    // 2^127 - 1 is 16 bytes of two's complement: fixext 16
    assertThat(encode(e -> e.bigInteger(BigInteger.ONE.shiftLeft(127).subtract(BigInteger.ONE))))
        .startsWith("00 00 00 12 d8 01 7f ff");
  }

  /**
   * The message limit is checked before each token with the size msgpack-core will write: exactly at the limit is
   * accepted, one byte over refused, for every size class of every type.
   */
  @Test
  void reservesExactlyWhatMsgpackCoreWrites() {
    List<Consumer<MsgpackEncoder>> tokens = new ArrayList<>();
    long[] edges = {0, 31, 32, 127, 128, 255, 256, 32767, 32768, 65535, 65536, Integer.MAX_VALUE, 1L << 32,
        Long.MAX_VALUE, -32, -33, -128, -129, -32768, -32769, Integer.MIN_VALUE, Integer.MIN_VALUE - 1L,
        Long.MIN_VALUE};
    for (long edge : edges) {
      for (long v : new long[] {edge - 1, edge, edge + 1}) {
        tokens.add(e -> e.integer(v));
      }
    }
    for (int n : new int[] {0, 1, 2, 3, 4, 5, 8, 15, 16, 17, 31, 32, 255, 256, 65535, 65536, 70_000}) {
      byte[] bytes = new byte[n];
      String ascii = "x".repeat(n);
      tokens.add(e -> e.bytes(bytes, 0, n));
      tokens.add(e -> e.text(ascii));
      tokens.add(e -> e.symbol(ascii));
      tokens.add(e -> {
        e.beginList(n);
        for (int i = 0; i < n; i++) {
          e.integer(i & 0x7f);
        }
      });
    }
    tokens.add(e -> e.text("\u00e9".repeat(40_000))); // 80,000 UTF-8 bytes from 40,000 chars
    tokens.add(e -> e.floating(Math.PI));
    for (int bits : new int[] {64, 120, 127, 128, 2047, 2048, 2049}) {
      tokens.add(e -> e.bigInteger(BigInteger.ONE.shiftLeft(bits - 1)));
      tokens.add(e -> e.bigInteger(BigInteger.ONE.shiftLeft(bits).negate()));
    }
    for (Consumer<MsgpackEncoder> token : tokens) {
      String expected = encode(token);
      int body = expected.length() / 3 + 1 - 4;
      MsgpackEncoder exact = new MsgpackEncoder(DEFAULTS.toBuilder().maxMessageLength(body).build());
      token.accept(exact);
      assertThat(Hex.spaced(exact.takeMessage())).isEqualTo(expected);
      if (body == 1) {
        continue; // no limit below 1
      }
      MsgpackEncoder tight = new MsgpackEncoder(DEFAULTS.toBuilder().maxMessageLength(body - 1).build());
      assertThatThrownBy(() -> token.accept(tight)).as(expected.substring(0, Math.min(40, expected.length())))
          .isInstanceOfSatisfying(LimitExceededException.class, x -> assertThat(x.value()).isEqualTo(body));
    }
  }

  @Test
  void refusesPayloadsLongerThanMaxStringLengthAndAcceptsExactlyIt() {
    MsgpackEncoder e = new MsgpackEncoder(Limits.builder().maxStringLength(10).build());
    e.bytes(new byte[10], 0, 10);
    e.text("\u00e9".repeat(5));
    e.symbol("abcdefghij");
    e.bigInteger(BigInteger.ONE.shiftLeft(78)); // 10 bytes
    assertThat(e.takeMessage()).hasSize(4 + 12 + 11 + 13 + 13);
    assertThatThrownBy(() -> e.bytes(new byte[11], 0, 11))
        .isInstanceOfSatisfying(LimitExceededException.class, x -> assertThat(x).hasMessage(
            "byte string length (11) exceeds the maximum allowed (10, from Limits.maxStringLength)"));
    assertThatThrownBy(() -> e.text("\u00e9\u00e9\u00e9\u00e9\u00e9!"))
        .hasMessage("text length (11) exceeds the maximum allowed (10, from Limits.maxStringLength)");
    assertThatThrownBy(() -> e.symbol("elevenchars"))
        .hasMessage("symbol length (11) exceeds the maximum allowed (10, from Limits.maxStringLength)");
    assertThatThrownBy(() -> e.bigInteger(BigInteger.ONE.shiftLeft(86)))
        .hasMessage("big integer length (11) exceeds the maximum allowed (10, from Limits.maxStringLength)");
  }

  @Test
  void refusesListLongerThanMaxListLength() {
    MsgpackEncoder e = new MsgpackEncoder(Limits.builder().maxListLength(3).build());
    e.beginList(3);
    assertThatThrownBy(() -> e.beginList(4))
        .isInstanceOfSatisfying(LimitExceededException.class,
            x -> assertThat(x.limitName()).isEqualTo("maxListLength"));
    assertThatThrownBy(() -> e.beginList(-1)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void refusesAMessageOverMaxMessageLengthBeforeWritingItAndLeavesNothingAfterReset() {
    MsgpackEncoder e = new MsgpackEncoder(Limits.builder().maxMessageLength(100).build());
    e.beginList(2);
    e.integer(1);
    assertThatThrownBy(() -> e.bytes(new byte[200], 0, 200))
        .isInstanceOf(LimitExceededException.class)
        .hasMessage("message length (204) exceeds the maximum allowed (100, from Limits.maxMessageLength)");
    e.reset();
    e.beginList(1);
    e.integer(2);
    e.endList();
    assertThat(Hex.spaced(e.takeMessage())).isEqualTo("00 00 00 02 91 02");
  }

  @Test
  void takeMessageReturnsTheExactFrameAndStartsTheNextMessage() {
    MsgpackEncoder e = new MsgpackEncoder(DEFAULTS);
    assertThat(e.takeMessage()).as("nothing written: no frame").isEmpty();
    e.beginList(1);
    e.symbol("tuple");
    e.endList();
    assertThat(Hex.spaced(e.takeMessage())).isEqualTo("00 00 00 09 91 c7 05 00 74 75 70 6c 65");
    assertThat(e.takeMessage()).isEmpty();
    e.beginList(0);
    assertThat(Hex.spaced(e.takeMessage())).isEqualTo("00 00 00 01 90");
  }

  @Test
  void resetDiscardsAHalfWrittenMessage() {
    MsgpackEncoder e = new MsgpackEncoder(Limits.builder().maxStringLength(3).build());
    e.beginList(2);
    e.integer(5);
    assertThatThrownBy(() -> e.bytes(new byte[4], 0, 4)).isInstanceOf(LimitExceededException.class);
    e.reset();
    e.beginList(1);
    e.integer(2);
    assertThat(Hex.spaced(e.takeMessage())).isEqualTo("00 00 00 02 91 02");
  }

  @Test
  void growsForLargeMessagesAndIsReusableAfterwards() {
    MsgpackEncoder e = new MsgpackEncoder(DEFAULTS);
    byte[] big = new byte[600_000];
    new Random(3).nextBytes(big);
    for (int round = 0; round < 3; round++) {
      e.beginList(4);
      e.bytes(big, 0, big.length);
      e.bytes(big, 1, 300);
      e.text("t".repeat(20_000));
      e.floating(2.5);
      byte[] message = e.takeMessage();
      assertThat(message).hasSize(4 + 1 + 5 + 600_000 + 3 + 300 + 3 + 20_000 + 9);
      List<Token> tokens = Feeding.whole(DEFAULTS, message);
      assertThat(tokens).hasSize(6);
      assertThat(tokens.get(1)).isEqualTo(Token.bytes(big, 0, big.length));
      assertThat(tokens.get(2)).isEqualTo(Token.bytes(big, 1, 300));
      e.beginList(1);
      e.integer(1);
      assertThat(Hex.spaced(e.takeMessage())).isEqualTo("00 00 00 02 91 01");
    }
  }

  @Test
  void writesTextAsUtf8LikeStringGetBytesIncludingUnpairedSurrogates() {
    String[] samples = {"", "a", "é", "€", "😀", "\ud83d", "x\ude00y", "\ud83d\ud83d\ude00", "\u07ff\u0800\uffff",
        "é".repeat(600)};
    for (String s : samples) {
      assertThat(strPayload(s)).as(s).isEqualTo(s.getBytes(StandardCharsets.UTF_8));
    }
  }

  /** The payload of the str that text(s) writes, read straight from the frame. */
  private static byte[] strPayload(String s) {
    MsgpackEncoder e = new MsgpackEncoder(DEFAULTS);
    e.text(s);
    ByteBuffer frame = ByteBuffer.wrap(e.takeMessage());
    int body = frame.getInt();
    int type = frame.get() & 0xff;
    int length = type >= 0xa0 && type <= 0xbf ? type & 0x1f
        : type == 0xd9 ? frame.get() & 0xff : type == 0xda ? frame.getShort() & 0xffff : frame.getInt();
    assertThat(frame.remaining()).isEqualTo(length);
    assertThat(frame.position()).isEqualTo(4 + body - length);
    byte[] out = new byte[length];
    frame.get(out);
    return out;
  }

  @Test
  void writesSymbolsAsExtZeroAndRefusesNonAscii() {
    assertThat(encode(e -> e.symbol("didNotUnderstand"))).startsWith("00 00 00 12 d8 00 64 69 64");
    assertThat(encode(e -> e.symbol(""))).isEqualTo("00 00 00 03 c7 00 00");
    MsgpackEncoder e = new MsgpackEncoder(DEFAULTS);
    assertThatThrownBy(() -> e.symbol("\u20ac")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void readsOnlyTheGivenRangeOfAByteArray() {
    byte[] padded = Hex.decode("ff ff 01 02 ff");
    assertThat(encode(e -> e.bytes(padded, 2, 2))).isEqualTo("00 00 00 04 c4 02 01 02");
    assertThatThrownBy(() -> new MsgpackEncoder(DEFAULTS).bytes(padded, 4, 2))
        .isInstanceOf(IndexOutOfBoundsException.class);
  }
}
