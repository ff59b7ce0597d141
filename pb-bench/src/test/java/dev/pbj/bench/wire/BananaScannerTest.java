package dev.pbj.bench.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Where top-level banana expressions end, fed whole, one byte at a time, and split at every offset. */
class BananaScannerTest {
  private static final HexFormat HEX = HexFormat.of();

  /**
   * From PROTOCOL.md's vectors: {@code [1, b"a", [2]]}, a bare {@code b"hi"}, {@code []}, 1.5, then §9.4's
   * (message 3 "root" "echo" 1 (tuple (list 1 2.5 …)) …) shortened to a list that starts with a float and nests,
   * and (answer 2 "hi").
   */
  private static final byte[] STREAM = HEX.parseHex("038001810182610180028102826869" + "0080" + "843ff8000000000000"
      + "0380" + "1a87" + "0280" + "844004000000000000" + "01800187" + "00820180" + "0280" + "0180" + "0080" + "0181"
      + "03801b87028102826869");
  private static final List<Integer> COMMANDS = List.of(-1, -1, -1, -1, 26, -1, 27);

  @Test
  void findsEachExpressionWhole() {
    assertThat(scan(STREAM.length)).isEqualTo(COMMANDS);
  }

  @Test
  void findsEachExpressionOneByteAtATime() {
    assertThat(scan(1)).isEqualTo(COMMANDS);
  }

  @Test
  void findsEachExpressionSplitAtEveryOffset() {
    for (int at = 0; at <= STREAM.length; at++) {
      List<Integer> seen = new ArrayList<>();
      BananaScanner scanner = new BananaScanner(seen::add);
      scanner.feed(Unpooled.wrappedBuffer(STREAM, 0, at));
      scanner.feed(Unpooled.wrappedBuffer(STREAM, at, STREAM.length - at));
      assertThat(seen).as("split at %d", at).isEqualTo(COMMANDS);
    }
  }

  @Test
  void capturesTheDialectNames() {
    BananaScanner scanner = new BananaScanner(command -> { });
    scanner.captureStrings(true);
    scanner.feed(Unpooled.wrappedBuffer(HEX.parseHex("0280" + "02827062" + "04826e6f6e65")));
    assertThat(scanner.takeStrings()).containsExactly("pb", "none");
  }

  @Test
  void refusesWhatIsNotBanana() {
    BananaScanner scanner = new BananaScanner(command -> { });
    assertThatThrownBy(() -> scanner.feed(Unpooled.wrappedBuffer(new byte[] {0x01, (byte) 0x99})))
        .hasMessageContaining("unknown type byte 0x99");
    assertThatThrownBy(() -> new BananaScanner(c -> { }).feed(Unpooled.wrappedBuffer(HEX.parseHex("0000000000000000"
        + "0000"))))
        .hasMessageContaining("more than 9 prefix bytes");
    assertThatThrownBy(() -> new BananaScanner(c -> { }).feed(Unpooled.wrappedBuffer(HEX.parseHex("00002980"))))
        .hasMessageContaining("a list of 671744 elements (at most 655360)");
  }

  @Test
  void refusesListsNestedTooDeep() {
    byte[] deep = new byte[2 * (BananaScanner.MAX_DEPTH + 1)];
    for (int i = 0; i < deep.length; i += 2) {
      deep[i] = 0x01;
      deep[i + 1] = (byte) 0x80;
    }
    assertThatThrownBy(() -> new BananaScanner(c -> { }).feed(Unpooled.wrappedBuffer(deep)))
        .hasMessageContaining("deeper than 64");
  }

  private static List<Integer> scan(int chunk) {
    List<Integer> seen = new ArrayList<>();
    BananaScanner scanner = new BananaScanner(seen::add);
    for (int i = 0; i < STREAM.length; i += chunk) {
      scanner.feed(Unpooled.wrappedBuffer(STREAM, i, Math.min(chunk, STREAM.length - i)));
    }
    return seen;
  }
}
