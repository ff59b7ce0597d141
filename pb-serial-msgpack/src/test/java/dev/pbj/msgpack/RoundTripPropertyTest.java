package dev.pbj.msgpack;

import dev.pbj.testkit.Token;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pbj.Limits;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Random token trees come back exactly as they were written, from one stream of frames fed in random chunks. */
class RoundTripPropertyTest {
  private static final String[] WORDS = {"tuple", "copy", "didNotUnderstand", "None", "unicode", "cachemessage", "",
      "x"};
  private static final Limits LIMITS = Limits.defaults();

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10})
  void randomTreesRoundTripInRandomChunks(long seed) {
    Random random = new Random(seed);
    List<List<Token>> messages = new ArrayList<>();
    List<Token> expected = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      List<Token> tokens = new ArrayList<>();
      int n = random.nextInt(8);
      tokens.add(Token.list(n));
      for (int j = 0; j < n; j++) {
        tree(random, 1, tokens);
      }
      tokens.add(Token.end());
      messages.add(tokens);
      expected.addAll(tokens);
    }
    byte[] stream = Feeding.concat(Feeding.encodeAll(LIMITS, messages));
    for (int maxChunk : new int[] {1 + random.nextInt(8), 1 + random.nextInt(64), 1 + random.nextInt(4096)}) {
      assertThat(Feeding.randomChunks(LIMITS, stream, random, maxChunk)).as("seed %d, chunks up to %d", seed,
          maxChunk).isEqualTo(expected);
    }
  }

  private static void tree(Random random, int depth, List<Token> out) {
    if (random.nextInt(10) < 3 && depth < 6) {
      int n = random.nextInt(random.nextInt(20) == 0 ? 40 : 6);
      out.add(Token.list(n));
      for (int i = 0; i < n; i++) {
        tree(random, depth + 1, out);
      }
      out.add(Token.end());
      return;
    }
    switch (random.nextInt(7)) {
      case 0:
        out.add(Token.integer(random.nextLong() >> random.nextInt(64)));
        break;
      case 1:
        out.add(Token.integer(new BigInteger(64 + random.nextInt(380), random).setBit(63).multiply(
            BigInteger.valueOf(random.nextBoolean() ? 1 : -1))));
        break;
      case 2:
        out.add(Token.floating(random.nextInt(4) == 0 ? Double.longBitsToDouble(random.nextLong())
            : random.nextGaussian() * 1e6));
        break;
      case 3: {
        byte[] b = new byte[random.nextInt(16) == 0 ? random.nextInt(70_000) : random.nextInt(40)];
        random.nextBytes(b);
        out.add(Token.bytes(b, 0, b.length));
        break;
      }
      case 4:
        out.add(Token.symbol(WORDS[random.nextInt(WORDS.length)]));
        break;
      default:
        out.add(Token.text(text(random)));
        break;
    }
  }

  /** Random text of whole code points (an unpaired surrogate would come back as '?'). */
  private static String text(Random random) {
    int length = random.nextInt(10) == 0 ? random.nextInt(300) : random.nextInt(40);
    StringBuilder sb = new StringBuilder();
    while (sb.length() < length) {
      int kind = random.nextInt(4);
      int cp = kind == 0 ? random.nextInt(0x80) : kind == 1 ? 0x80 + random.nextInt(0x780)
          : kind == 2 ? 0x800 + random.nextInt(0xd000) : 0x10000 + random.nextInt(0x100000);
      sb.appendCodePoint(cp);
    }
    return sb.toString();
  }
}
