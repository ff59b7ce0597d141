package dev.pbj.core.internal.jelly;

import dev.pbj.spi.TokenSink;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/** Records tokens as readable strings and replays them: both ends of the token boundary, for tests. */
final class TokenTape implements TokenSink {
  private final List<Consumer<TokenSink>> replay = new ArrayList<>();
  private final List<String> text = new ArrayList<>();

  @Override
  public void beginList(int length) {
    text.add("(" + length);
    replay.add(s -> s.beginList(length));
  }

  @Override
  public void endList() {
    text.add(")");
    replay.add(TokenSink::endList);
  }

  @Override
  public void integer(long value) {
    text.add(Long.toString(value));
    replay.add(s -> s.integer(value));
  }

  @Override
  public void bigInteger(BigInteger value) {
    text.add(value + "N");
    replay.add(s -> s.bigInteger(value));
  }

  @Override
  public void floating(double value) {
    text.add(value + "f");
    replay.add(s -> s.floating(value));
  }

  @Override
  public void bytes(byte[] buffer, int offset, int length) {
    byte[] copy = java.util.Arrays.copyOfRange(buffer, offset, offset + length);
    text.add("b'" + new String(copy, StandardCharsets.ISO_8859_1) + "'");
    replay.add(s -> s.bytes(copy, 0, copy.length));
  }

  @Override
  public void text(String value) {
    text.add("u'" + value + "'");
    replay.add(s -> s.text(value));
  }

  @Override
  public void symbol(String word) {
    text.add(word);
    replay.add(s -> s.symbol(word));
  }

  void replayInto(TokenSink sink) {
    replay.forEach(step -> step.accept(sink));
  }

  /** Tokens as one line, e.g. {@code (3 list 1 2 )}. */
  String render() {
    return String.join(" ", text);
  }
}
