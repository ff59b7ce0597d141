package dev.pbj.spi;

import java.nio.ByteBuffer;

/**
 * Receives one link's events, on the transport's I/O thread and in order. It must not block.
 */
public interface LinkHandler {

  /**
   * Bytes arrived: a chunk of a byte stream, or one whole message on a framed link. The buffer is valid only
   * during the call. An exception thrown here closes the link and is passed to {@link #onClosed}.
   */
  void onBytes(ByteBuffer bytes);

  /**
   * The link's unwritten output rose above the high water mark ({@code writable} false) or fell back below the
   * low one (true). Called only on a change; the link starts writable.
   */
  default void onWritabilityChanged(boolean writable) {}

  /**
   * Nothing has arrived from the peer for the {@link LinkAcceptor#keepalive()} time (and again after each further
   * such time of silence); the handler may probe the peer. Only transports that detect idleness call it.
   */
  default void onReadIdle() {}

  /** The link closed; called exactly once. {@code cause} is {@code null} for an orderly close. */
  void onClosed(Throwable cause);
}
