package dev.pbj.spi;

/**
 * Writes the tokens of one message into an internal buffer; {@link #takeMessage()} hands out the bytes. One per
 * connection, used by one thread at a time. Sending limits are checked while writing: a value too large for
 * the serializer fails with {@link dev.pbj.LimitExceededException}, after which the caller {@link #reset()}s.
 */
public interface MessageEncoder extends TokenSink {

  /** The bytes written since the last take or reset, as a new array the caller owns; resets the buffer. */
  byte[] takeMessage();

  /** Discards everything written since the last take (a message that failed halfway). */
  void reset();
}
