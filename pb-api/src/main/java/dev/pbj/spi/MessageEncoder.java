package dev.pbj.spi;

import java.util.function.Consumer;

/**
 * Writes the tokens of one message into an internal buffer; {@link #takeMessage()} hands out the bytes. One per
 * connection, used by one thread at a time. Sending limits are checked while writing: a value too large for
 * the serializer fails with {@link dev.pbj.LimitExceededException}, after which the caller {@link #reset()}s.
 *
 * <p>An encoder whose bytes for a token depend only on the token, never on what its connection sent before, may
 * let one run of tokens be encoded once for many connections ({@link #runKey()}, {@link #encodeRun},
 * {@link #writeRun}): the same update sent to many observers then costs one encoding and a copy per connection.
 */
public interface MessageEncoder extends TokenSink {

  /** The bytes written since the last take or reset, as a new array the caller owns; resets the buffer. */
  byte[] takeMessage();

  /** Discards everything written since the last take (a message that failed halfway). */
  void reset();

  /**
   * Names how this encoder writes tokens, so runs can be shared between connections: two encoders whose keys are
   * equal (and not null) write any run of tokens as the same bytes, wherever it falls in a message and whatever
   * either sent before, and check the same sending limits on it. Null, the default: runs are not shared (this
   * encoder keeps state that can make the same tokens differ, or it does not implement runs). Immutable: any
   * thread may ask.
   */
  default Object runKey() {
    return null;
  }

  /**
   * Encodes the tokens {@code tokens} writes (whole values: every list closed) apart from any message, without
   * touching this encoder's state, and returns their bytes, a run that {@link #writeRun} of any encoder with an
   * equal {@link #runKey()} can write into its messages. Sending limits are checked as they are in a message.
   * Any thread may call it, beside the thread writing this encoder's messages.
   *
   * @throws UnsupportedOperationException if {@link #runKey()} is null
   */
  default byte[] encodeRun(Consumer<? super TokenSink> tokens) {
    throw new UnsupportedOperationException(getClass().getName() + " does not share encoded runs");
  }

  /**
   * Writes {@code run}, which {@link #encodeRun} of an encoder with an equal {@link #runKey()} returned, into the
   * message being written, exactly as if its tokens were written here; the array is only read during the call.
   * Limits on the whole message are checked as for any token.
   *
   * @throws UnsupportedOperationException if {@link #runKey()} is null
   */
  default void writeRun(byte[] run) {
    throw new UnsupportedOperationException(getClass().getName() + " does not share encoded runs");
  }
}
