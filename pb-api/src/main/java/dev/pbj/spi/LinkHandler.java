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

  /** The link closed; called exactly once. {@code cause} is {@code null} for an orderly close. */
  void onClosed(Throwable cause);
}
