package dev.pbj.banana;

import dev.pbj.testkit.Hex;
import dev.pbj.testkit.RecordingSink;
import dev.pbj.testkit.Token;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pbj.LimitExceededException;
import dev.pbj.Limits;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BananaEncoderTest {
  private static final Limits DEFAULTS = Limits.defaults();

  private static String encodeInt(long value) {
    BananaEncoder e = new BananaEncoder("pb", DEFAULTS);
    e.integer(value);
    return Hex.spaced(e.takeMessage());
  }

  private static String encodeBig(BigInteger value) {
    BananaEncoder e = new BananaEncoder("pb", DEFAULTS);
    e.bigInteger(value);
    return Hex.spaced(e.takeMessage());
  }

  @Test
  void writesLongExtremesAsLongIntAndLongNeg() {
    assertThat(encodeInt(Long.MAX_VALUE)).isEqualTo("7f 7f 7f 7f 7f 7f 7f 7f 7f 85");
    assertThat(encodeInt(Long.MIN_VALUE)).isEqualTo("00 00 00 00 00 00 00 00 00 01 86");
    assertThat(encodeBig(BigInteger.ONE.shiftLeft(63))).isEqualTo("00 00 00 00 00 00 00 00 00 01 85");
  }

  @Test
  void writesBigIntegerThatFitsALongExactlyAsIntegerDoes() {
    Random random = new Random(7);
    for (int i = 0; i < 2000; i++) {
      long v = i < 64 ? (1L << i) - (i % 3) : random.nextLong() >> random.nextInt(64);
      assertThat(encodeBig(BigInteger.valueOf(v))).as("%d", v).isEqualTo(encodeInt(v));
      assertThat(encodeBig(BigInteger.valueOf(-v))).as("%d", -v).isEqualTo(encodeInt(-v));
    }
  }

  @Test
  void refusesIntegerOfTwoToThe448AndAcceptsOneLess() {
    BigInteger limit = BigInteger.ONE.shiftLeft(448);
    BananaEncoder e = new BananaEncoder("pb", DEFAULTS);
    e.bigInteger(limit.subtract(BigInteger.ONE));
    e.bigInteger(limit.subtract(BigInteger.ONE).negate());
    assertThat(e.takeMessage()).hasSize(2 * 65);
    for (BigInteger tooBig : new BigInteger[] {limit, limit.negate()}) {
      assertThatThrownBy(() -> e.bigInteger(tooBig))
          .isInstanceOfSatisfying(LimitExceededException.class, x -> {
            assertThat(x.limitName()).isEqualTo("maxPrefixLength");
            assertThat(x.value()).isEqualTo(65);
            assertThat(x.maximum()).isEqualTo(64);
          });
    }
  }

  @Test
  void appliesConfiguredPrefixLimitToLongs() {
    BananaEncoder e = new BananaEncoder("pb", Limits.builder().maxPrefixLength(2).build());
    e.integer((1 << 14) - 1);
    e.integer(-((1 << 14) - 1));
    assertThat(Hex.spaced(e.takeMessage())).isEqualTo("7f 7f 81 7f 7f 83");
    assertThatThrownBy(() -> e.integer(1 << 14)).isInstanceOf(LimitExceededException.class);
    assertThatThrownBy(() -> e.integer(Long.MIN_VALUE)).isInstanceOf(LimitExceededException.class);
  }

  @Test
  void refusesByteStringLongerThanMaxStringLengthAndAcceptsExactlyIt() {
    BananaEncoder e = new BananaEncoder("pb", Limits.builder().maxStringLength(10).build());
    e.bytes(new byte[10], 0, 10);
    assertThat(e.takeMessage()).hasSize(12);
    assertThatThrownBy(() -> e.bytes(new byte[11], 0, 11))
        .isInstanceOfSatisfying(LimitExceededException.class,
            x -> assertThat(x).hasMessage(
                "byte string length (11) exceeds the maximum allowed (10, from Limits.maxStringLength)"));
    assertThatThrownBy(() -> e.text("ééééé!")).isInstanceOf(LimitExceededException.class);
    assertThatThrownBy(() -> e.symbol("elevenchars")).isInstanceOf(LimitExceededException.class);
  }

  @Test
  void vocabularyWordsPassAnyStringLimit() {
    // 7 lets "unicode" through, but not the 13-byte words.
    BananaEncoder e = new BananaEncoder("pb", Limits.builder().maxStringLength(7).build());
    e.symbol("unpersistable");
    e.text("not_logged_in");
    assertThat(Hex.spaced(e.takeMessage())).isEqualTo("0c 87 02 80 07 82 75 6e 69 63 6f 64 65 18 87");
  }

  @Test
  void refusesListLongerThanMaxListLength() {
    BananaEncoder e = new BananaEncoder("pb", Limits.builder().maxListLength(3).build());
    e.beginList(3);
    assertThatThrownBy(() -> e.beginList(4))
        .isInstanceOfSatisfying(LimitExceededException.class,
            x -> assertThat(x.limitName()).isEqualTo("maxListLength"));
    assertThatThrownBy(() -> e.beginList(-1)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void takeMessageReturnsExactBytesAndStartsTheNextMessage() {
    BananaEncoder e = new BananaEncoder("pb", DEFAULTS);
    e.beginList(1);
    e.symbol("tuple");
    e.endList();
    assertThat(Hex.spaced(e.takeMessage())).isEqualTo("01 80 0b 87");
    assertThat(e.takeMessage()).isEmpty();
    e.integer(1);
    assertThat(Hex.spaced(e.takeMessage())).isEqualTo("01 81");
  }

  @Test
  void resetDiscardsAHalfWrittenMessage() {
    BananaEncoder e = new BananaEncoder("pb", Limits.builder().maxStringLength(3).build());
    e.beginList(2);
    e.integer(5);
    assertThatThrownBy(() -> e.bytes(new byte[4], 0, 4)).isInstanceOf(LimitExceededException.class);
    e.reset();
    e.integer(2);
    assertThat(Hex.spaced(e.takeMessage())).isEqualTo("02 81");
  }

  @Test
  void growsForLargeMessagesAndIsReusableAfterwards() {
    BananaEncoder e = new BananaEncoder("none", DEFAULTS);
    byte[] big = new byte[600_000];
    new Random(3).nextBytes(big);
    e.beginList(3);
    e.bytes(big, 0, big.length);
    e.bytes(big, 1, 300);
    e.floating(2.5);
    byte[] message = e.takeMessage();
    assertThat(message).hasSize(2 + 4 + 600_000 + 3 + 300 + 9);
    assertThat(Feeding.whole("none", DEFAULTS, message)).hasSize(5);
    e.integer(1);
    assertThat(Hex.spaced(e.takeMessage())).isEqualTo("01 81");
  }

  @Test
  void writesTextAsUtf8LikeStringGetBytesIncludingUnpairedSurrogates() {
    String[] samples = {"", "a", "é", "€", "😀", "\ud83d", "x\ude00y", "\ud83d\ud83d\ude00", "\u07ff\u0800\uffff"};
    for (String s : samples) {
      assertThat(utf8Payload(s)).as(s).isEqualTo(s.getBytes(StandardCharsets.UTF_8));
    }
    Random random = new Random(11);
    for (int i = 0; i < 500; i++) {
      char[] chars = new char[random.nextInt(20)];
      for (int j = 0; j < chars.length; j++) {
        chars[j] = (char) (random.nextBoolean() ? random.nextInt(0x80) : random.nextInt(0x10000));
      }
      String s = new String(chars);
      assertThat(utf8Payload(s)).as("%s", s.chars().toArray()).isEqualTo(s.getBytes(StandardCharsets.UTF_8));
    }
  }

  /** The STRING body of text(s) in dialect none: what follows the list header and the "unicode" STRING. */
  private static byte[] utf8Payload(String s) {
    BananaEncoder e = new BananaEncoder("none", DEFAULTS);
    e.text(s);
    byte[] m = e.takeMessage();
    RecordingSink sink = RecordingSink.rejectingText();
    new BananaDecoder("none", DEFAULTS, sink).feed(ByteBuffer.wrap(m));
    assertThat(sink.tokens.get(1)).isEqualTo(new Token("bytes", "756e69636f6465"));
    return Hex.decode(sink.tokens.get(2).value());
  }

  @Test
  void writesSymbolsOutsideTheVocabularyAsStringsAndRefusesNonLatin1() {
    BananaEncoder e = new BananaEncoder("pb", DEFAULTS);
    e.symbol("didNotUnderstand");
    assertThat(new String(e.takeMessage(), 2, 16, StandardCharsets.US_ASCII)).isEqualTo("didNotUnderstand");
    assertThatThrownBy(() -> e.symbol("\u20ac")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void rejectsUnknownDialect() {
    assertThatThrownBy(() -> new BananaEncoder("PB", DEFAULTS)).isInstanceOf(IllegalArgumentException.class);
  }
}
