package dev.pbj.fuzz;

import dev.pbj.spi.TokenSink;
import dev.pbj.testkit.Hex;
import dev.pbj.testkit.RecordingSink;
import dev.pbj.testkit.Token;
import dev.pbj.testkit.TokenPlayer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Token streams as the codec targets compare them: cut to whole values, and replayed into sinks. */
final class Tokens {
  private Tokens() {}

  /**
   * The prefix of {@code tokens} that holds whole top-level values: what a decoder reported before the input ended
   * (or failed) in the middle of one.
   */
  static List<Token> wholeValues(List<Token> tokens) {
    int depth = 0;
    int end = 0;
    for (int i = 0; i < tokens.size(); i++) {
      switch (tokens.get(i).kind()) {
        case "list" -> depth++;
        case "end" -> depth--;
        default -> { }
      }
      if (depth == 0) {
        end = i + 1;
      }
    }
    return tokens.subList(0, end);
  }

  /** Splits whole top-level values apart, each as its own token list. */
  static List<List<Token>> split(List<Token> tokens) {
    List<List<Token>> values = new ArrayList<>();
    int depth = 0;
    int start = 0;
    for (int i = 0; i < tokens.size(); i++) {
      switch (tokens.get(i).kind()) {
        case "list" -> depth++;
        case "end" -> depth--;
        default -> { }
      }
      if (depth == 0) {
        values.add(tokens.subList(start, i + 1));
        start = i + 1;
      }
    }
    return values;
  }

  /**
   * {@code tokens} with every symbol spelled out as the byte string of its word: banana's encoder writes a byte
   * string that spells a vocabulary word as that word, and its decoder reports a spelled-out word as bytes, so
   * only this form survives a round trip unchanged.
   */
  static List<Token> symbolsAsBytes(List<Token> tokens) {
    List<Token> out = new ArrayList<>(tokens.size());
    for (Token t : tokens) {
      if (t.kind().equals("symbol")) {
        byte[] word = t.value().getBytes(StandardCharsets.US_ASCII);
        out.add(new Token("bytes", Hex.encode(word, 0, word.length)));
      } else {
        out.add(t);
      }
    }
    return out;
  }

  /** Plays {@code tokens} into {@code sink}. */
  static void play(List<Token> tokens, TokenSink sink) {
    TokenPlayer.play(tokens, sink);
  }

  /** A sink that records what it is given; text too (msgpack carries it). */
  static RecordingSink recorder() {
    return new RecordingSink();
  }
}
