package dev.pbj.spi;

import java.nio.ByteBuffer;

/**
 * Turns bytes into tokens pushed to the {@link TokenSink} given at creation. One per connection, never shared:
 * it keeps the state of a message split across reads. Decoding is incremental: {@link #feed} accepts any split
 * of the stream, down to one byte at a time.
 */
public interface MessageDecoder {

  /**
   * Decodes all of {@code input}, pushing every complete token to the sink; bytes of an unfinished token are
   * copied and kept. The caller keeps ownership of {@code input}; its position ends at its limit.
   *
   * @throws dev.pbj.ProtocolException if the bytes are not a valid encoding ({@link dev.pbj.LimitExceededException}
   *     for a limit); the decoder is unusable afterwards
   */
  void feed(ByteBuffer input);

  /** Whether a message has begun but not ended (so a stream that ends now is truncated). */
  boolean inMessage();
}
