package dev.pbj.fuzz;

import dev.pbj.testkit.Hex;
import dev.pbj.testkit.Token;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Token streams as the targets cut them: to whole values, one list per value, symbols spelled out. */
final class Tokens {
  private Tokens() {}

  /**
   * The prefix of {@code tokens} that holds whole top-level values: what a decoder reported before the input ended
   * (or failed) in the middle of one.
   */
  static List<Token> wholeValues(List<Token> tokens) {
    List<Integer> ends = valueEnds(tokens);
    return tokens.subList(0, ends.isEmpty() ? 0 : ends.get(ends.size() - 1));
  }

  /** Splits whole top-level values apart, each as its own token list. */
  static List<List<Token>> split(List<Token> tokens) {
    List<List<Token>> values = new ArrayList<>();
    int start = 0;
    for (int end : valueEnds(tokens)) {
      values.add(tokens.subList(start, end));
      start = end;
    }
    return values;
  }

  /** The index after each top-level value's last token, in order. */
  private static List<Integer> valueEnds(List<Token> tokens) {
    List<Integer> ends = new ArrayList<>();
    int depth = 0;
    for (int i = 0; i < tokens.size(); i++) {
      switch (tokens.get(i).kind()) {
        case "list" -> depth++;
        case "end" -> depth--;
        default -> { }
      }
      if (depth == 0) {
        ends.add(i + 1);
      }
    }
    return ends;
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
}
