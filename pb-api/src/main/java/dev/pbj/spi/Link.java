package dev.pbj.spi;

import java.net.SocketAddress;
import java.util.concurrent.Executor;

/**
 * One open connection as a transport sees it: bytes out, bytes in (through the {@link LinkHandler}), close, and
 * flow control both ways. Thread-safe: any thread may send; messages are written in the order {@link #send} was
 * called. The transport writes through its own pipeline (its handlers see every message) and tells the handler
 * when its unwritten output crosses the connection's {@link dev.pbj.Limits#outboundHighWaterMark() high} and
 * {@link dev.pbj.Limits#outboundLowWaterMark() low} water marks; the layer above then stops or resumes reading.
 */
public interface Link {

  /** Queues {@code message} for writing; the link takes ownership of the array. Ignored once closed. */
  void send(byte[] message);

  /**
   * Like {@link #send(byte[])}, with a hint: {@code moreToCome} says the sender sends more right away and ends the
   * run with {@code moreToCome} false, so the transport may hold this message until then and write the run with
   * one flush. A transport may ignore the hint and write at once.
   */
  default void send(byte[] message, boolean moreToCome) {
    send(message);
  }

  /** Writes what is queued, then closes; idempotent. The handler's {@link LinkHandler#onClosed} follows. */
  void close();

  /**
   * Closes as {@link #close()} does, because this side found fault with what the peer sent ({@code cause}, a
   * {@link dev.pbj.ProtocolException} or a limit): a transport that tells its peer why (a WebSocket close code) says
   * so. Idempotent with {@link #close()}: the first call decides.
   */
  default void close(Throwable cause) {
    close();
  }

  /**
   * Stops delivering input to the handler until {@link #resumeReading()}: the peer's further bytes wait in the
   * network (its sends block once the socket buffers fill), which is how a busy connection slows its peer down.
   * Idempotent; from any thread. A transport without flow control may ignore it.
   */
  default void pauseReading() {}

  /** Delivers input again after {@link #pauseReading()}; idempotent; from any thread. */
  default void resumeReading() {}

  /**
   * Bytes handed to {@link #send} that the peer has not taken yet (still queued in this process); approximate,
   * from any thread.
   */
  default long unwrittenBytes() {
    return 0;
  }

  /**
   * The thread that delivers this link's events, as an executor, or {@code null} (the default) if the transport
   * offers none. The layer above may run its own short, non-blocking work there (decoding, its tables, encoding),
   * which saves the thread hand-offs between the transport and it; never user code, and never anything that
   * waits. With it, {@link #send} on that thread writes without a hand-off.
   */
  default Executor ioExecutor() {
    return null;
  }

  /** Whether the calling thread is {@link #ioExecutor()}'s; false when there is none. */
  default boolean inIoThread() {
    return false;
  }

  SocketAddress localAddress();

  SocketAddress remoteAddress();

  /**
   * Who the transport established the peer to be (a TLS client certificate's principal, an authenticated WebSocket
   * upgrade's identity), or {@code null}; what {@link dev.pbj.Broker#peerIdentity()} reports.
   */
  default Object peerIdentity() {
    return null;
  }

  /**
   * The serializer the transport itself agreed with the peer (a WebSocket subprotocol), or {@code null} when
   * the link is a byte stream whose first bytes negotiate the dialect.
   */
  default String negotiatedSerializer() {
    return null;
  }
}
