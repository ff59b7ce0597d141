package dev.pbj.spi;

import java.net.SocketAddress;

/**
 * One open connection as a transport sees it: bytes out, bytes in (through the {@link LinkHandler}), close.
 * Thread-safe: any thread may send; messages are written in the order {@link #send} was called.
 */
public interface Link {

  /** Queues {@code message} for writing; the link takes ownership of the array. Ignored once closed. */
  void send(byte[] message);

  /**
   * Like {@link #send(byte[])}, with a hint: {@code moreToCome} says the sender already knows that more messages
   * follow right away (calls queued behind this one), so writing several together is better than writing this one
   * at once. The message is still sent without waiting for the others. A transport may ignore the hint.
   */
  default void send(byte[] message, boolean moreToCome) {
    send(message);
  }

  /** Writes what is queued, then closes; idempotent. The handler's {@link LinkHandler#onClosed} follows. */
  void close();

  SocketAddress localAddress();

  SocketAddress remoteAddress();

  /**
   * The serializer the transport itself agreed with the peer (a WebSocket subprotocol), or {@code null} when
   * the link is a byte stream whose first bytes negotiate the dialect.
   */
  default String negotiatedSerializer() {
    return null;
  }
}
