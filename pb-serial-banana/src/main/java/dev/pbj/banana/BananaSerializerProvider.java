package dev.pbj.banana;

import dev.pbj.Limits;
import dev.pbj.spi.MessageDecoder;
import dev.pbj.spi.MessageEncoder;
import dev.pbj.spi.SerializerProvider;
import dev.pbj.spi.TokenSink;
import java.util.List;

/**
 * The {@code banana} serializer, Twisted's own, in its dialects {@code pb} (with the vocabulary, preferred) and
 * {@code none}. Found by {@link java.util.ServiceLoader}; stateless and thread-safe.
 */
public final class BananaSerializerProvider implements SerializerProvider {
  private static final List<String> DIALECTS = List.of(Dialect.PB.wireName(), Dialect.NONE.wireName());

  @Override
  public String name() {
    return "banana";
  }

  @Override
  public List<String> dialects() {
    return DIALECTS;
  }

  @Override
  public MessageEncoder newEncoder(String dialect, Limits limits) {
    return new BananaEncoder(dialect, limits);
  }

  @Override
  public MessageDecoder newDecoder(String dialect, Limits limits, TokenSink sink) {
    return new BananaDecoder(dialect, limits, sink);
  }
}
