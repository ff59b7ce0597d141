package dev.pbj.banana;

import dev.pbj.testkit.Hex;
import dev.pbj.testkit.RecordingSink;
import dev.pbj.testkit.Token;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pbj.LimitExceededException;
import dev.pbj.Limits;
import dev.pbj.ProtocolException;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BananaDecoderTest {
  private static final Limits DEFAULTS = Limits.defaults();

  private static byte[] stringOf(int length) {
    byte[] header = prefixed(length, 0x82);
    byte[] out = Arrays.copyOf(header, header.length + length);
    Arrays.fill(out, header.length, out.length, (byte) 'x');
    return out;
  }

  private static byte[] prefixed(long prefix, int typeByte) {
    BananaEncoder e = new BananaEncoder("none", DEFAULTS);
    e.integer(prefix); // writes prefix + INT/LONGINT; swap the type byte
    byte[] b = e.takeMessage();
    b[b.length - 1] = (byte) typeByte;
    return b;
  }

  @Test
  void acceptsStringOfExactlyMaxStringLengthAndRefusesOneMore() {
    Limits ten = Limits.builder().maxStringLength(10).build();
    assertThat(Feeding.whole("pb", ten, stringOf(10))).containsExactly(new Token("bytes", "78".repeat(10)));
    assertThatThrownBy(() -> Feeding.whole("pb", ten, stringOf(11)))
        .isInstanceOfSatisfying(LimitExceededException.class, e -> {
          assertThat(e.limitName()).isEqualTo("maxStringLength");
          assertThat(e.value()).isEqualTo(11);
          assertThat(e.maximum()).isEqualTo(10);
          assertThat(e).hasMessage("string length (11) exceeds the maximum allowed (10, from Limits.maxStringLength)");
        });
  }

  @Test
  void acceptsTwistedsLargestStringOf655360Bytes() {
    List<Token> tokens = Feeding.randomChunks("pb", DEFAULTS, stringOf(655_360), new Random(1), 70_000);
    assertThat(tokens).hasSize(1);
    assertThat(tokens.get(0).value()).hasSize(2 * 655_360);
  }

  @Test
  void refusesOversizedStringFromItsHeaderAlone() {
    // Only the header is fed: the decoder must not wait for (or allocate) a body.
    assertThatThrownBy(() -> Feeding.whole("pb", DEFAULTS, prefixed(700_000, 0x82)))
        .isInstanceOf(LimitExceededException.class)
        .hasMessage("string length (700000) exceeds the maximum allowed (655360, from Limits.maxStringLength)");
  }

  @Test
  void acceptsListOfExactlyMaxListLengthAndRefusesOneMore() {
    Limits two = Limits.builder().maxListLength(2).build();
    assertThat(Feeding.whole("pb", two, Hex.decode("02 80 01 81 02 81")))
        .containsExactly(Token.list(2), Token.integer(1), Token.integer(2), Token.end());
    assertThatThrownBy(() -> Feeding.whole("pb", two, Hex.decode("03 80 01 81 02 81 03 81")))
        .isInstanceOfSatisfying(LimitExceededException.class,
            e -> assertThat(e.limitName()).isEqualTo("maxListLength"));
    RecordingSink sink = RecordingSink.rejectingText();
    new BananaDecoder("pb", DEFAULTS, sink).feed(ByteBuffer.wrap(prefixed(655_360, 0x80)));
    assertThat(sink.tokens).containsExactly(Token.list(655_360));
  }

  @Test
  void acceptsNestingOfExactlyMaxDepthAndRefusesOneMore() {
    Limits three = Limits.builder().maxDepth(3).build();
    assertThat(Feeding.whole("pb", three, Hex.decode("01 80 01 80 00 80"))).hasSize(6);
    assertThatThrownBy(() -> Feeding.whole("pb", three, Hex.decode("01 80 01 80 01 80 00 80")))
        .isInstanceOfSatisfying(LimitExceededException.class, e -> {
          assertThat(e.limitName()).isEqualTo("maxDepth");
          assertThat(e.value()).isEqualTo(4);
        });
    byte[] thousand = new byte[2000];
    for (int i = 0; i < 999; i++) {
      thousand[2 * i] = 1;
      thousand[2 * i + 1] = (byte) 0x80;
    }
    thousand[1999] = (byte) 0x80;
    assertThat(Feeding.whole("pb", DEFAULTS, thousand)).hasSize(2000);
  }

  @Test
  void acceptsExactlyMaxPrefixLengthBytesAndRefusesOneMoreBeforeTheTypeByte() {
    Limits two = Limits.builder().maxPrefixLength(2).build();
    assertThat(Feeding.whole("pb", two, Hex.decode("7f 7f 81"))).containsExactly(Token.integer(16383));
    RecordingSink sink = RecordingSink.rejectingText();
    BananaDecoder decoder = new BananaDecoder("pb", two, sink);
    decoder.feed(ByteBuffer.wrap(Hex.decode("00 00")));
    assertThatThrownBy(() -> decoder.feed(ByteBuffer.wrap(Hex.decode("00"))))
        .isInstanceOf(LimitExceededException.class)
        .hasMessage("prefix length (3) exceeds the maximum allowed (2, from Limits.maxPrefixLength)");
  }

  @Test
  void emitsMinusTwoToTheSixtyThreeAsLongAndTwoToTheSixtyThreeAsBigInteger() {
    byte[] minLong = Hex.decode("00 00 00 00 00 00 00 00 00 01 86");
    List<Object> seen = new ArrayList<>();
    RecordingSink sink = new RecordingSink(false) {
      @Override
      public void integer(long value) {
        seen.add(value);
      }

      @Override
      public void bigInteger(BigInteger value) {
        seen.add(value);
      }
    };
    BananaDecoder decoder = new BananaDecoder("pb", DEFAULTS, sink);
    decoder.feed(ByteBuffer.wrap(minLong));
    minLong[minLong.length - 1] = (byte) 0x85;
    decoder.feed(ByteBuffer.wrap(minLong));
    decoder.feed(ByteBuffer.wrap(Hex.decode("7f 7f 7f 7f 7f 7f 7f 7f 7f 00 85")));
    assertThat(seen).containsExactly(Long.MIN_VALUE, BigInteger.ONE.shiftLeft(63), Long.MAX_VALUE);
  }

  @Test
  void passesCallersArrayWithoutCopyingWhenStringArrivesInOneChunk() {
    byte[] data = Hex.decode("02 80 02 82 68 69 01 82 21");
    List<byte[]> arrays = new ArrayList<>();
    RecordingSink sink = new RecordingSink(false) {
      @Override
      public void bytes(byte[] buffer, int offset, int length) {
        arrays.add(buffer);
        super.bytes(buffer, offset, length);
      }
    };
    BananaDecoder decoder = new BananaDecoder("pb", DEFAULTS, sink);
    decoder.feed(ByteBuffer.wrap(data, 0, 5));
    decoder.feed(ByteBuffer.wrap(data, 5, 4));
    assertThat(sink.tokens).containsExactly(Token.list(2), new Token("bytes", "6869"), new Token("bytes", "21"),
        Token.end());
    assertThat(arrays.get(0)).as("split string: decoder's own buffer").isNotSameAs(data);
    assertThat(arrays.get(1)).as("whole string: the caller's array").isSameAs(data);
  }

  @Test
  void reportsInMessageWhileListOpenOrTokenPartial() {
    BananaDecoder decoder = new BananaDecoder("pb", DEFAULTS, RecordingSink.rejectingText());
    assertThat(decoder.inMessage()).isFalse();
    decoder.feed(ByteBuffer.wrap(Hex.decode("02 80 01 81")));
    assertThat(decoder.inMessage()).as("list open").isTrue();
    decoder.feed(ByteBuffer.wrap(Hex.decode("02 81")));
    assertThat(decoder.inMessage()).isFalse();
    decoder.feed(ByteBuffer.wrap(Hex.decode("05 82 61")));
    assertThat(decoder.inMessage()).as("top-level string body partial").isTrue();
    decoder.feed(ByteBuffer.wrap(Hex.decode("62 63 64 65 84 3f")));
    assertThat(decoder.inMessage()).as("float partial").isTrue();
    decoder.feed(ByteBuffer.wrap(Hex.decode("f8 00 00 00 00 00 00")));
    assertThat(decoder.inMessage()).isFalse();
  }

  @Test
  void switchesDialectBetweenTwoTokensOfOneBuffer() {
    // The client's choice "pb" and its (version 6) arrive in one segment (PROTOCOL-REFERENCE 2.9).
    byte[] segment = Hex.decode("02 82 70 62 02 80 13 87 06 81");
    List<Token> seen = new ArrayList<>();
    BananaDecoder[] decoder = new BananaDecoder[1];
    decoder[0] = new BananaDecoder("none", DEFAULTS, new RecordingSink(false) {
      @Override
      public void bytes(byte[] buffer, int offset, int length) {
        super.bytes(buffer, offset, length);
        seen.add(tokens.get(tokens.size() - 1));
        decoder[0].switchDialect(new String(buffer, offset, length, StandardCharsets.US_ASCII));
      }

      @Override
      public void symbol(String word) {
        seen.add(Token.symbol(word));
      }
    });
    decoder[0].feed(ByteBuffer.wrap(segment));
    assertThat(seen).containsExactly(new Token("bytes", "7062"), Token.symbol("version"));
    assertThat(decoder[0].dialect()).isEqualTo("pb");
  }

  @Test
  void failsForGoodWhenTheSinkThrows() {
    BananaDecoder decoder = new BananaDecoder("pb", DEFAULTS, new RecordingSink(false) {
      @Override
      public void integer(long value) {
        throw new IllegalStateException("sink refused " + value);
      }
    });
    assertThatThrownBy(() -> decoder.feed(ByteBuffer.wrap(Hex.decode("07 81"))))
        .isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> decoder.feed(ByteBuffer.wrap(Hex.decode("00 80"))))
        .isInstanceOf(ProtocolException.class)
        .hasMessageContaining("sink refused 7")
        .hasCauseInstanceOf(IllegalStateException.class);
  }

  @Test
  void namesUnknownTypeByteInHex() {
    assertThatThrownBy(() -> Feeding.whole("pb", DEFAULTS, Hex.decode("01 88")))
        .isExactlyInstanceOf(ProtocolException.class)
        .hasMessageContaining("0x88");
  }

  @Test
  void refusesVocabInDialectNoneAndUnknownIndexInPb() {
    assertThatThrownBy(() -> Feeding.whole("none", DEFAULTS, Hex.decode("10 87")))
        .isExactlyInstanceOf(ProtocolException.class)
        .hasMessageContaining("dialect \"none\"");
    assertThatThrownBy(() -> Feeding.whole("pb", DEFAULTS, Hex.decode("7a 87")))
        .isExactlyInstanceOf(ProtocolException.class)
        .hasMessageContaining("122");
  }

  @Test
  void rejectsUnknownDialect() {
    assertThatThrownBy(() -> new BananaDecoder("json", DEFAULTS, RecordingSink.rejectingText()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("json");
  }
}
