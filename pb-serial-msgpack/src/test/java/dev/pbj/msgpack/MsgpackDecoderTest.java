package dev.pbj.msgpack;

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

class MsgpackDecoderTest {
  private static final Limits DEFAULTS = Limits.defaults();

  /** A frame around {@code body}. */
  private static byte[] frame(byte[] body) {
    byte[] out = new byte[4 + body.length];
    ByteBuffer.wrap(out).putInt(body.length).put(body);
    return out;
  }

  private static byte[] frame(String hex) {
    return frame(Hex.decode(hex));
  }

  /** A one-element list holding a payload of {@code length} bytes of 'x' after {@code header}. */
  private static byte[] listOfOne(String header, int length) {
    byte[] h = Hex.decode("91 " + header);
    byte[] body = Arrays.copyOf(h, h.length + length);
    Arrays.fill(body, h.length, body.length, (byte) 'x');
    return frame(body);
  }

  @Test
  void acceptsPayloadsOfExactlyMaxStringLengthAndRefusesOneMore() {
    Limits ten = Limits.builder().maxStringLength(10).build();
    assertThat(Feeding.whole(ten, listOfOne("c4 0a", 10))).contains(new Token("bytes", "78".repeat(10)));
    assertThat(Feeding.whole(ten, listOfOne("aa", 10))).contains(Token.text("x".repeat(10)));
    assertThat(Feeding.whole(ten, listOfOne("c7 0a 00", 10))).contains(Token.symbol("x".repeat(10)));
    assertThatThrownBy(() -> Feeding.whole(ten, listOfOne("c4 0b", 11)))
        .isInstanceOfSatisfying(LimitExceededException.class, e -> {
          assertThat(e.limitName()).isEqualTo("maxStringLength");
          assertThat(e.value()).isEqualTo(11);
          assertThat(e.maximum()).isEqualTo(10);
          assertThat(e).hasMessage(
              "byte string length (11) exceeds the maximum allowed (10, from Limits.maxStringLength)");
        });
    assertThatThrownBy(() -> Feeding.whole(ten, listOfOne("ab", 11)))
        .hasMessage("text length (11) exceeds the maximum allowed (10, from Limits.maxStringLength)");
    assertThatThrownBy(() -> Feeding.whole(ten, listOfOne("c7 0b 00", 11)))
        .hasMessage("symbol length (11) exceeds the maximum allowed (10, from Limits.maxStringLength)");
  }

  @Test
  void acceptsTwistedsLargestStringOf655360BytesInRandomChunks() {
    byte[] frame = listOfOne("c6 00 0a 00 00", 655_360);
    List<Token> tokens = Feeding.randomChunks(DEFAULTS, frame, new Random(1), 70_000);
    assertThat(tokens).hasSize(3);
    assertThat(tokens.get(1).value()).hasSize(2 * 655_360);
  }

  @Test
  void acceptsListOfExactlyMaxListLengthAndRefusesOneMore() {
    Limits two = Limits.builder().maxListLength(2).build();
    assertThat(Feeding.whole(two, frame("92 01 02")))
        .containsExactly(Token.list(2), Token.integer(1), Token.integer(2), Token.end());
    assertThatThrownBy(() -> Feeding.whole(two, frame("93 01 02 03")))
        .isInstanceOfSatisfying(LimitExceededException.class, e -> {
          assertThat(e.limitName()).isEqualTo("maxListLength");
          assertThat(e).hasMessage("list length (3) exceeds the maximum allowed (2, from Limits.maxListLength)");
        });
    byte[] body = new byte[5 + 655_360];
    ByteBuffer.wrap(body).put((byte) 0xdd).putInt(655_360);
    List<Token> tokens = Feeding.whole(DEFAULTS, frame(body));
    assertThat(tokens).hasSize(655_362).startsWith(Token.list(655_360), Token.integer(0));
  }

  @Test
  void acceptsNestingOfExactlyMaxDepthAndRefusesOneMore() {
    Limits three = Limits.builder().maxDepth(3).build();
    assertThat(Feeding.whole(three, frame("91 91 90"))).hasSize(6);
    assertThatThrownBy(() -> Feeding.whole(three, frame("91 91 91 90")))
        .isInstanceOfSatisfying(LimitExceededException.class, e -> {
          assertThat(e.limitName()).isEqualTo("maxDepth");
          assertThat(e.value()).isEqualTo(4);
        });
  }

  @Test
  void acceptsFrameOfExactlyMaxMessageLengthAndRefusesOneMoreFromItsHeader() {
    Limits six = Limits.builder().maxMessageLength(6).build();
    assertThat(Feeding.whole(six, frame("95 01 02 03 04 05"))).hasSize(7);
    MsgpackDecoder decoder = new MsgpackDecoder(six, new RecordingSink());
    decoder.feed(ByteBuffer.wrap(Hex.decode("00 00 00")));
    assertThatThrownBy(() -> decoder.feed(ByteBuffer.wrap(Hex.decode("07"))))
        .isInstanceOf(LimitExceededException.class)
        .hasMessage("message length (7) exceeds the maximum allowed (6, from Limits.maxMessageLength)");
  }

  @Test
  void readsTheFrameLengthAsUnsigned() {
    assertThatThrownBy(() -> Feeding.whole(DEFAULTS, Hex.decode("80 00 00 00")))
        .isInstanceOfSatisfying(LimitExceededException.class,
            e -> assertThat(e.value()).isEqualTo(0x8000_0000L));
  }

  @Test
  void emitsBigIntegerOnlyOutsideTheLongRange() {
    List<Object> seen = new ArrayList<>();
    RecordingSink sink = new RecordingSink() {
      @Override
      public void integer(long value) {
        seen.add(value);
      }

      @Override
      public void bigInteger(BigInteger value) {
        seen.add(value);
      }
    };
    MsgpackDecoder decoder = new MsgpackDecoder(DEFAULTS, sink);
    decoder.feed(ByteBuffer.wrap(frame("95 cf 7f ff ff ff ff ff ff ff cf 80 00 00 00 00 00 00 00"
        + " d7 01 80 00 00 00 00 00 00 00 c7 09 01 ff 7f ff ff ff ff ff ff ff d4 01 ff")));
    assertThat(seen).containsExactly(Long.MAX_VALUE, BigInteger.ONE.shiftLeft(63), Long.MIN_VALUE,
        BigInteger.ONE.shiftLeft(63).negate().subtract(BigInteger.ONE), -1L);
  }

  @Test
  void passesCallersArrayWhenTheFrameArrivesWholeAndItsOwnWhenSplit() {
    byte[] data = frame("92 c4 02 68 69 a1 21");
    List<byte[]> arrays = new ArrayList<>();
    RecordingSink sink = new RecordingSink() {
      @Override
      public void bytes(byte[] buffer, int offset, int length) {
        arrays.add(buffer);
        super.bytes(buffer, offset, length);
      }
    };
    MsgpackDecoder decoder = new MsgpackDecoder(DEFAULTS, sink);
    decoder.feed(ByteBuffer.wrap(data));
    decoder.feed(ByteBuffer.wrap(data, 0, 7));
    decoder.feed(ByteBuffer.wrap(data, 7, data.length - 7));
    assertThat(sink.tokens).containsExactly(Token.list(2), new Token("bytes", "6869"), Token.text("!"), Token.end(),
        Token.list(2), new Token("bytes", "6869"), Token.text("!"), Token.end());
    assertThat(arrays.get(0)).as("whole frame: the caller's array").isSameAs(data);
    assertThat(arrays.get(1)).as("split frame: the decoder's own buffer").isNotSameAs(data);
  }

  @Test
  void decodesSeveralFramesInOneBufferAndAFrameSplitAcrossTwo() {
    byte[] stream = Feeding.concat(List.of(frame("91 01"), frame("91 02"), frame("91 03")));
    RecordingSink sink = new RecordingSink();
    MsgpackDecoder decoder = new MsgpackDecoder(DEFAULTS, sink);
    decoder.feed(ByteBuffer.wrap(stream, 0, 14));
    assertThat(decoder.inMessage()).isTrue();
    decoder.feed(ByteBuffer.wrap(stream, 14, stream.length - 14));
    assertThat(decoder.inMessage()).isFalse();
    assertThat(sink.tokens).extracting(Token::value).containsExactly("1", "1", "", "1", "2", "", "1", "3", "");
  }

  @Test
  void reportsInMessageWhileAFrameIsPartial() {
    MsgpackDecoder decoder = new MsgpackDecoder(DEFAULTS, new RecordingSink());
    assertThat(decoder.inMessage()).isFalse();
    decoder.feed(ByteBuffer.wrap(Hex.decode("00")));
    assertThat(decoder.inMessage()).as("header partial").isTrue();
    decoder.feed(ByteBuffer.wrap(Hex.decode("00 00 03 92")));
    assertThat(decoder.inMessage()).as("body partial").isTrue();
    decoder.feed(ByteBuffer.wrap(Hex.decode("01 02")));
    assertThat(decoder.inMessage()).isFalse();
    decoder.feed(ByteBuffer.allocate(0));
    assertThat(decoder.inMessage()).isFalse();
  }

  @Test
  void failsForGoodWhenTheSinkThrows() {
    MsgpackDecoder decoder = new MsgpackDecoder(DEFAULTS, new RecordingSink() {
      @Override
      public void integer(long value) {
        throw new IllegalStateException("sink refused " + value);
      }
    });
    assertThatThrownBy(() -> decoder.feed(ByteBuffer.wrap(frame("91 07"))))
        .isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> decoder.feed(ByteBuffer.wrap(frame("90"))))
        .isInstanceOf(ProtocolException.class)
        .hasMessageContaining("sink refused 7")
        .hasCauseInstanceOf(IllegalStateException.class);
  }

  @Test
  void namesTheMessagePackTypeThatIsNotPb() {
    assertThatThrownBy(() -> Feeding.whole(DEFAULTS, frame("92 01 81 01 02")))
        .isExactlyInstanceOf(ProtocolException.class)
        .hasMessage("wrong type in a PB message: map (PB messages use arrays, ints, floats, bin, str, and ext 0/1)");
    assertThatThrownBy(() -> Feeding.whole(DEFAULTS, frame("91 c0"))).hasMessageContaining(": nil (");
    assertThatThrownBy(() -> Feeding.whole(DEFAULTS, frame("91 c3"))).hasMessageContaining(": bool (");
    assertThatThrownBy(() -> Feeding.whole(DEFAULTS, frame("91 d4 05 00"))).hasMessageContaining(": ext type 5 (");
    assertThatThrownBy(() -> Feeding.whole(DEFAULTS, frame("91 d6 ff 00 00 00 00")))
        .hasMessageContaining(": ext type -1 (");
    assertThatThrownBy(() -> Feeding.whole(DEFAULTS, frame("2a")))
        .hasMessage("a msgpack frame holds one MessagePack array (the PB message), not int");
    assertThatThrownBy(() -> Feeding.whole(DEFAULTS, frame("91 c1"))).hasMessageContaining("0xc1 is never used");
  }

  @Test
  void refusesBytesAfterTheMessageAndSaysHowMany() {
    assertThatThrownBy(() -> Feeding.whole(DEFAULTS, frame("91 01 02 03")))
        .isExactlyInstanceOf(ProtocolException.class)
        .hasMessageStartingWith("2 bytes left in a msgpack frame of 4 after its message");
  }

  @Test
  void refusesAValueCutShortByItsFrameSayingWhere() {
    assertThatThrownBy(() -> Feeding.whole(DEFAULTS, frame("91 cd 01")))
        .isExactlyInstanceOf(ProtocolException.class)
        .hasMessage("malformed MessagePack at byte 1 of a frame of 3 bytes: a uint 16 needs 3 bytes, 2 are left");
    assertThatThrownBy(() -> Feeding.whole(DEFAULTS, frame("92 01 cb 00 00")))
        .isExactlyInstanceOf(ProtocolException.class)
        .hasMessage("malformed MessagePack at byte 2 of a frame of 5 bytes: a float 64 needs 9 bytes, 3 are left");
    assertThatThrownBy(() -> Feeding.whole(DEFAULTS, frame("dc 00")))
        .isExactlyInstanceOf(ProtocolException.class)
        .hasMessage("malformed MessagePack at byte 0 of a frame of 2 bytes: an array 16 header needs 3 bytes, 2 are "
            + "left");
  }

  @Test
  void refusesAPayloadRunningPastItsFrameBeforeReadingIt() {
    assertThatThrownBy(() -> Feeding.whole(DEFAULTS, frame("91 c6 00 09 ff ff 00")))
        .isExactlyInstanceOf(ProtocolException.class)
        .hasMessage("byte string length 655359 runs past the end of its msgpack frame (1 bytes left)");
  }

  @Test
  void refusesInvalidUtf8ButKeepsARealReplacementCharacter() {
    assertThat(Feeding.whole(DEFAULTS, frame("91 a3 ef bf bd"))).contains(Token.text("\ufffd"));
    assertThatThrownBy(() -> Feeding.whole(DEFAULTS, frame("91 a4 ef bf bd ff")))
        .isExactlyInstanceOf(ProtocolException.class)
        .hasMessageContaining("not valid UTF-8");
  }

  @Test
  void givesRepeatedSymbolsAsOneStringInstance() {
    List<String> words = new ArrayList<>();
    RecordingSink sink = new RecordingSink() {
      @Override
      public void symbol(String word) {
        words.add(word);
      }
    };
    MsgpackDecoder decoder = new MsgpackDecoder(DEFAULTS, sink);
    byte[] tuple = frame("91 c7 05 00 74 75 70 6c 65");
    decoder.feed(ByteBuffer.wrap(tuple));
    decoder.feed(ByteBuffer.wrap(tuple.clone()));
    assertThat(words).containsExactly("tuple", "tuple");
    assertThat(words.get(1)).isSameAs(words.get(0));
  }

  @Test
  void decodesTextAndSymbolsFromDirectBuffersSplitAnywhere() {
    byte[] frame = frame(("93 a5 68 c3 a9 6c 6c d6 00 " + Hex.encode("None".getBytes(StandardCharsets.US_ASCII), 0, 4)
        + " c4 00").replaceAll("(..)(?=..)", "$1 "));
    for (int cut = 1; cut < frame.length; cut++) {
      RecordingSink sink = new RecordingSink();
      MsgpackDecoder decoder = new MsgpackDecoder(DEFAULTS, sink);
      for (int[] range : new int[][] {{0, cut}, {cut, frame.length}}) {
        ByteBuffer direct = ByteBuffer.allocateDirect(range[1] - range[0]);
        direct.put(frame, range[0], range[1] - range[0]).flip();
        decoder.feed(direct);
      }
      assertThat(sink.tokens).as("cut at %d", cut).containsExactly(Token.list(3), Token.text("h\u00e9ll"),
          Token.symbol("None"), new Token("bytes", ""), Token.end());
    }
  }
}
