package dev.pbj.banana;

import dev.pbj.testkit.Hex;
import dev.pbj.testkit.RecordingSink;
import dev.pbj.testkit.Token;
import dev.pbj.testkit.TokenPlayer;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pbj.Limits;
import dev.pbj.banana.GoldenVectors.Vector;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every vector captured from Twisted, encoded and decoded every way a stream can arrive. */
class GoldenVectorTest {
  private static final Limits LIMITS = Limits.defaults();

  static Stream<Vector> encodable() {
    return GoldenVectors.VECTORS.stream().filter(v -> !v.decodeOnly());
  }

  static Stream<Vector> decodable() {
    return GoldenVectors.VECTORS.stream().filter(v -> !v.encodeOnly());
  }

  @Test
  void vectorFilesCoverTheReferenceSections() {
    assertThat(GoldenVectors.VECTORS).hasSizeGreaterThan(300);
    assertThat(GoldenVectors.VECTORS).extracting(Vector::name)
        .contains("int 2147483648", "float -0.0", "vocab uncache as symbol", "jelly {'a': 1}", "test_partial",
            "9.1 handshake S>C #1", "9.8 error pb.Error S>C #2", "9.9 login C>S #3", "text 'copy'")
        .doesNotHaveDuplicates();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("encodable")
  void encodesTokensToTwistedsBytes(Vector v) {
    BananaEncoder encoder = new BananaEncoder(v.dialect(), LIMITS);
    TokenPlayer.play(v.tokens(), encoder);
    assertThat(Hex.spaced(encoder.takeMessage())).isEqualTo(Hex.spaced(v.bytes()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("decodable")
  void decodesWholeBuffer(Vector v) {
    assertThat(Feeding.whole(v.dialect(), LIMITS, v.bytes())).isEqualTo(v.tokens());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("decodable")
  void decodesOneByteAtATime(Vector v) {
    assertThat(Feeding.byteAtATime(v.dialect(), LIMITS, v.bytes())).isEqualTo(v.tokens());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("decodable")
  void decodesSplitAtEveryOffset(Vector v) {
    byte[] data = v.bytes();
    for (int cut = 1; cut < data.length; cut++) {
      assertThat(Feeding.chunks(v.dialect(), LIMITS, data, cut, data.length)).as("split at %d", cut)
          .isEqualTo(v.tokens());
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("decodable")
  void decodesHeapSliceWithArrayOffsetAndPosition(Vector v) {
    assertThat(Feeding.heapSliceWithOffset(v.dialect(), LIMITS, v.bytes())).isEqualTo(v.tokens());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("decodable")
  void decodesDirectBuffer(Vector v) {
    assertThat(Feeding.direct(v.dialect(), LIMITS, v.bytes())).isEqualTo(v.tokens());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("decodable")
  void decodesReadOnlyBuffer(Vector v) {
    assertThat(Feeding.readOnly(v.dialect(), LIMITS, v.bytes())).isEqualTo(v.tokens());
  }

  @Test
  void decodesEveryVectorOfADialectAsOneStreamInRandomChunks() {
    for (String dialect : List.of("pb", "none")) {
      ByteArrayOutputStream stream = new ByteArrayOutputStream();
      List<Token> expected = new ArrayList<>();
      decodable().filter(v -> v.dialect().equals(dialect)).forEach(v -> {
        stream.writeBytes(v.bytes());
        expected.addAll(v.tokens());
      });
      byte[] data = stream.toByteArray();
      Random random = new Random(42);
      for (int round = 0; round < 20; round++) {
        RecordingSink sink = RecordingSink.rejectingText();
        BananaDecoder decoder = new BananaDecoder(dialect, LIMITS, sink);
        for (int at = 0; at < data.length; ) {
          int n = Math.min(data.length - at, 1 + random.nextInt(round < 10 ? 16 : 4096));
          decoder.feed(ByteBuffer.wrap(data, at, n));
          at += n;
        }
        assertThat(decoder.inMessage()).isFalse();
        assertThat(sink.tokens).as("%s round %d", dialect, round).isEqualTo(expected);
      }
    }
  }
}
