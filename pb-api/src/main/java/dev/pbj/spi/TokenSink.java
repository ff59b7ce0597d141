package dev.pbj.spi;

import java.math.BigInteger;

/**
 * The token stream between Jelly and a serializer, in both directions: an encoder is a sink that writes bytes;
 * the decoder pushes what it reads into a sink that builds objects. A PB message is one list, nested to any
 * depth, of the atoms below; no intermediate tree is built.
 *
 * <p>A list announces its length first: {@code beginList(n)}, then exactly {@code n} elements, then
 * {@code endList()}. Implementations are not thread-safe; one sink serves one connection direction.
 */
public interface TokenSink {

  /** Opens a list of exactly {@code length} elements. */
  void beginList(int length);

  /** Closes the innermost open list, after its last element. */
  void endList();

  /** An integer that fits in a {@code long}. */
  void integer(long value);

  /** An integer outside the {@code long} range; decoders emit values that fit through {@link #integer(long)}. */
  void bigInteger(BigInteger value);

  /** A double-precision float. */
  void floating(double value);

  /**
   * A byte string ({@code length} bytes of {@code buffer} from {@code offset}). The bytes are valid only during
   * the call: a sink that keeps them copies them.
   */
  void bytes(byte[] buffer, int offset, int length);

  /**
   * Text (Python {@code str}). Serializers without a text type write Jelly's {@code (unicode <utf-8>)} form and
   * decode it back as a list, which the receiving side understands too.
   */
  void text(String value);

  /**
   * A protocol word: a message kind or a Jelly tag such as {@code tuple}. Serializers may encode known words
   * compactly (banana's vocabulary); decoders may report a word as {@link #bytes} when it arrived spelled out.
   */
  void symbol(String word);
}
