package dev.pbj.spi;

import dev.pbj.Limits;
import java.util.List;

/**
 * A serializer module's entry point, found through {@link java.util.ServiceLoader}. Implementations must have a
 * public no-argument constructor and be stateless: encoders and decoders carry the per-connection state.
 */
public interface SerializerProvider {

  /** The serializer's name, e.g. {@code banana}; unique among providers. */
  String name();

  /**
   * The dialect names it answers to in the opening exchange of a byte stream, in preference order (banana:
   * {@code pb}, {@code none}). A PBJ server offers the dialects of all its serializers; Twisted knows only
   * banana's.
   */
  List<String> dialects();

  /** Whether the provider can work in this JVM; must not throw. */
  default boolean isAvailable() {
    return true;
  }

  /** Preference among providers of the same name: 0 to 10, 5 the default, higher wins. */
  default int priority() {
    return 5;
  }

  /** A new encoder for one connection speaking {@code dialect}. */
  MessageEncoder newEncoder(String dialect, Limits limits);

  /** A new decoder for one connection speaking {@code dialect}, pushing tokens to {@code sink}. */
  MessageDecoder newDecoder(String dialect, Limits limits, TokenSink sink);
}
