package dev.pbj.banana;

import dev.pbj.testkit.Hex;
import dev.pbj.testkit.Token;
import dev.pbj.testkit.TokenPlayer;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pbj.Limits;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Random token trees survive encoding and decoding in random chunk sizes, in both dialects. */
class RoundTripPropertyTest {
  private static final String[] WORDS = {"tuple", "copy", "uncache", "None", "unicode", "root", "boolean", ""};
  private static final Limits LIMITS = Limits.defaults();

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10})
  void randomTreesRoundTripInRandomChunks(long seed) {
    Random random = new Random(seed);
    for (int i = 0; i < 200; i++) {
      String dialect = random.nextBoolean() ? "pb" : "none";
      List<Token> tokens = new ArrayList<>();
      tree(random, 0, tokens);
      BananaEncoder encoder = new BananaEncoder(dialect, LIMITS);
      TokenPlayer.play(tokens, encoder);
      byte[] bytes = encoder.takeMessage();
      List<Token> expected = decodedForm(tokens, dialect);
      assertThat(Feeding.randomChunks(dialect, LIMITS, bytes, random, 1 + random.nextInt(32)))
          .as("seed %d tree %d: %s", seed, i, tokens)
          .isEqualTo(expected);
    }
  }

  private static void tree(Random random, int depth, List<Token> out) {
    int pick = random.nextInt(depth == 0 ? 3 : 10);
    if (pick < 3 && depth < 6) {
      int n = random.nextInt(6);
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
        out.add(Token.integer(new BigInteger(64 + random.nextInt(380), random).multiply(
            BigInteger.valueOf(random.nextBoolean() ? 1 : -1))));
        break;
      case 2:
        out.add(Token.floating(random.nextInt(4) == 0 ? Double.longBitsToDouble(random.nextLong())
            : random.nextGaussian() * 1e6));
        break;
      case 3: {
        byte[] b = new byte[random.nextInt(4) == 0 ? random.nextInt(400) : random.nextInt(8)];
        random.nextBytes(b);
        out.add(Token.bytes(b, 0, b.length));
        break;
      }
      case 4: {
        byte[] b = WORDS[random.nextInt(WORDS.length)].getBytes(StandardCharsets.US_ASCII);
        out.add(Token.bytes(b, 0, b.length));
        break;
      }
      case 5:
        out.add(Token.symbol(WORDS[random.nextInt(WORDS.length)]));
        break;
      default:
        out.add(Token.text(random.nextBoolean() ? WORDS[random.nextInt(WORDS.length)] : "h\u00e9\ud83d\ude00"));
        break;
    }
  }

  /** What a decoder reports: words in pb come back as symbols, everything else as bytes, text as its list. */
  private static List<Token> decodedForm(List<Token> tokens, String dialect) {
    List<Token> out = new ArrayList<>();
    for (Token t : tokens) {
      switch (t.kind()) {
        case "symbol":
          out.add(word(t.value().getBytes(StandardCharsets.US_ASCII), dialect));
          break;
        case "bytes":
          out.add(word(Hex.decode(t.value()), dialect));
          break;
        case "text":
          out.add(Token.list(2));
          out.add(new Token("bytes", "756e69636f6465"));
          out.add(word(t.value().getBytes(StandardCharsets.UTF_8), dialect));
          out.add(Token.end());
          break;
        default:
          out.add(t);
      }
    }
    return out;
  }

  private static Token word(byte[] bytes, String dialect) {
    int index = dialect.equals("pb") ? Vocabulary.indexOf(bytes, 0, bytes.length) : 0;
    return index != 0 ? Token.symbol(Vocabulary.word(index)) : Token.bytes(bytes, 0, bytes.length);
  }
}
