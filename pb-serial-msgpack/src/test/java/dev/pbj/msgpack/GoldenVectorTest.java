package dev.pbj.msgpack;

import dev.pbj.testkit.Hex;
import dev.pbj.testkit.Token;
import dev.pbj.testkit.TokenPlayer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pbj.LimitExceededException;
import dev.pbj.Limits;
import dev.pbj.msgpack.GoldenVectors.Vector;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every vector generated with msgpack-python, encoded and decoded every way a stream can arrive. */
class GoldenVectorTest {
  private static final Limits LIMITS = Limits.defaults();

  static Stream<Vector> encodable() {
    return GoldenVectors.VECTORS.stream().filter(v -> !v.decodeOnly());
  }

  static Stream<Vector> decodable() {
    return GoldenVectors.VECTORS.stream();
  }

  @Test
  void vectorFilesCoverEveryTokenKindAndTheCapturedMessages() {
    assertThat(GoldenVectors.VECTORS).hasSizeGreaterThan(150);
    assertThat(GoldenVectors.VECTORS).extracting(Vector::name)
        .contains("int 2147483648", "int -9223372036854775808", "int 9223372036854775808",
            "int 1267650600228229401496703205376", "float -0.0", "float nan", "bytes 300", "text '☃'",
            "text 40 chars", "symbol 'unicode'", "list nested 1000 deep", "decode uint 64 2^63 as big integer",
            "9.1 handshake C>S #3", "9.2 echo text C>S #1", "9.5 decref C>S", "9.8 error pb.Error S>C #2",
            "9.9 login C>S #3")
        .doesNotHaveDuplicates();
    assertThat(GoldenVectors.VECTORS.stream().flatMap(v -> v.tokens().stream()).map(Token::kind).distinct())
        .containsExactlyInAnyOrder("list", "end", "int", "float", "bytes", "text", "symbol");
  }

  /**
   * A few frames worked out by hand from the MessagePack specification, independently of both msgpack-python (which
   * generated the file) and msgpack-core (which the encoder uses).
   */
  @Test
  void handCheckedFramesMatchTheSpecification() {
    Map<String, String> byHand = new LinkedHashMap<>();
    // 4-byte length 3, then fixarray of 1 (1001 0001), uint 8 (0xcc) 0x80
    byHand.put("int 128", "00 00 00 03 91 cc 80");
    // negative fixint 111YYYYY covers -32 .. -1; -33 needs int 8 (0xd0), two's complement 0xdf
    byHand.put("int -32", "00 00 00 02 91 e0");
    byHand.put("int -33", "00 00 00 03 91 d0 df");
    // 2^31 does not fit int 32 but fits uint 32 (0xce)
    byHand.put("int 2147483648", "00 00 00 06 91 ce 80 00 00 00");
    // -2^63 fits a long: int 64 (0xd3)
    byHand.put("int -9223372036854775808", "00 00 00 0a 91 d3 80 00 00 00 00 00 00 00");
    // 2^63: ext 8 (0xc7), length 9, type 1, BigInteger.toByteArray() = 00 80 00 .. 00 (a sign byte first)
    byHand.put("int 9223372036854775808", "00 00 00 0d 91 c7 09 01 00 80 00 00 00 00 00 00 00");
    // -2^63-1 in 72-bit two's complement
    byHand.put("int -9223372036854775809", "00 00 00 0d 91 c7 09 01 ff 7f ff ff ff ff ff ff ff");
    // float 64 (0xcb), IEEE 754 1.5 = 0x3ff8000000000000
    byHand.put("float 1.5", "00 00 00 0a 91 cb 3f f8 00 00 00 00 00 00");
    byHand.put("float -0.0", "00 00 00 0a 91 cb 80 00 00 00 00 00 00 00");
    // fixstr 101XXXXX of 2 bytes: U+00E9 is c3 a9 in UTF-8
    byHand.put("text 'é'", "00 00 00 04 91 a2 c3 a9");
    // bin 16 (0xc5): 300 = 0x012c; frame 1 + 3 + 300 = 0x130
    byHand.put("bytes 300", "00 00 01 30 91 c5 01 2c");
    // ext 8 (0xc7) of 5 bytes, type 0, "tuple"; 4 bytes would be fixext 4 (0xd6)
    byHand.put("symbol 'tuple'", "00 00 00 09 91 c7 05 00 74 75 70 6c 65");
    byHand.put("symbol 'copy'", "00 00 00 07 91 d6 00 63 6f 70 79");
    // (answer 1 "hi"): fixarray 3, ext 8 "answer", 1, fixstr "hi"; 1 + 3 + 6 + 1 + 3 = 14 bytes
    byHand.put("9.2 echo text S>C #2", "00 00 00 0e 93 c7 06 00 61 6e 73 77 65 72 01 a2 68 69");
    for (Map.Entry<String, String> e : byHand.entrySet()) {
      String hex = Hex.spaced(GoldenVectors.named(e.getKey()).bytes());
      assertThat(hex).as(e.getKey()).startsWith(e.getValue());
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("encodable")
  void encodesTokensToTheVectorsBytes(Vector v) {
    MsgpackEncoder encoder = new MsgpackEncoder(LIMITS);
    TokenPlayer.play(v.tokens(), encoder);
    assertThat(Hex.spaced(encoder.takeMessage())).isEqualTo(Hex.spaced(v.bytes()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("encodable")
  void encodesWithMaxMessageLengthOfExactlyTheBodyAndRefusesOneLess(Vector v) {
    MsgpackEncoder exact = new MsgpackEncoder(LIMITS.toBuilder().maxMessageLength(v.bodyLength()).build());
    TokenPlayer.play(v.tokens(), exact);
    assertThat(exact.takeMessage()).isEqualTo(v.bytes());
    if (v.bodyLength() > 1) {
      MsgpackEncoder tight = new MsgpackEncoder(LIMITS.toBuilder().maxMessageLength(v.bodyLength() - 1).build());
      assertThatThrownBy(() -> TokenPlayer.play(v.tokens(), tight))
          .isInstanceOfSatisfying(LimitExceededException.class, e -> {
            assertThat(e.limitName()).isEqualTo("maxMessageLength");
            // Checked before each token: the one that crosses the limit is the last with bytes of its own.
            assertThat(e.value()).isEqualTo(v.bodyLength());
            assertThat(e.maximum()).isEqualTo(v.bodyLength() - 1);
          });
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("decodable")
  void decodesWholeBuffer(Vector v) {
    assertThat(Feeding.whole(LIMITS, v.bytes())).isEqualTo(v.tokens());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("decodable")
  void decodesOneByteAtATime(Vector v) {
    assertThat(Feeding.byteAtATime(LIMITS, v.bytes())).isEqualTo(v.tokens());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("decodable")
  void decodesSplitAtEveryOffset(Vector v) {
    byte[] data = v.bytes();
    for (int cut = 1; cut < data.length; cut++) {
      assertThat(Feeding.chunks(LIMITS, data, cut, data.length)).as("split at %d", cut).isEqualTo(v.tokens());
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("decodable")
  void decodesHeapSliceWithArrayOffsetAndPosition(Vector v) {
    assertThat(Feeding.heapSliceWithOffset(LIMITS, v.bytes())).isEqualTo(v.tokens());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("decodable")
  void decodesDirectBuffer(Vector v) {
    assertThat(Feeding.direct(LIMITS, v.bytes())).isEqualTo(v.tokens());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("decodable")
  void decodesReadOnlyBuffer(Vector v) {
    assertThat(Feeding.readOnly(LIMITS, v.bytes())).isEqualTo(v.tokens());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("decodable")
  void decodesWithMaxMessageLengthOfExactlyTheBodyAndRefusesOneLess(Vector v) {
    assertThat(Feeding.whole(LIMITS.toBuilder().maxMessageLength(v.bodyLength()).build(), v.bytes()))
        .isEqualTo(v.tokens());
    if (v.bodyLength() > 1) {
      Limits tight = LIMITS.toBuilder().maxMessageLength(v.bodyLength() - 1).build();
      // The header alone is refused: nothing of the body is needed.
      assertThatThrownBy(() -> Feeding.whole(tight, Arrays.copyOf(v.bytes(), WireFormat.HEADER_LENGTH)))
          .isInstanceOfSatisfying(LimitExceededException.class,
              e -> assertThat(e.limitName()).isEqualTo("maxMessageLength"));
    }
  }

  @Test
  void decodesEveryVectorAsOneStreamInRandomChunks() {
    byte[] data = Feeding.concat(decodable().map(Vector::bytes).collect(Collectors.toList()));
    List<Token> expected = new ArrayList<>();
    decodable().forEach(v -> expected.addAll(v.tokens()));
    Random random = new Random(42);
    for (int round = 0; round < 20; round++) {
      assertThat(Feeding.randomChunks(LIMITS, data, random, round < 10 ? 16 : 4096)).as("round %d", round)
          .isEqualTo(expected);
    }
  }
}
