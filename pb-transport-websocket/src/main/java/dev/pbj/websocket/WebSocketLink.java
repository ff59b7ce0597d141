package dev.pbj.websocket;

import dev.pbj.ProtocolException;
import dev.pbj.spi.Link;
import dev.pbj.spi.LinkAcceptor;
import dev.pbj.spi.LinkHandler;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One WebSocket connection as a {@link Link}: the outbound queue, the closing handshake, limits, keepalive and the
 * {@link LinkHandler} calls, over the few primitives a WebSocket implementation provides (write a binary message,
 * a close frame, a ping; drop the connection). {@link UndertowLink} is the server side, {@link JdkClientLink} the
 * client side.
 *
 * <p>Threading: each link has one event thread at a time (an XNIO I/O thread on the server, a {@link SerialExecutor}
 * on the client), reached through {@link #execute}. Everything below {@code send} and {@code close} runs there,
 * including every handler call, so the state needs no locks. {@link #send} and {@link #close} may be called from any
 * thread: sent arrays are queued and written by the event thread in queue order.
 *
 * <p>Closing: {@link #close} stops taking messages, writes what was queued, then sends close 1000 and waits for the
 * peer's close frame; a failure (handler exception 1002, text frame 1003, oversized message 1009) does the same with
 * its own code. Whatever the peer does, the connection is dropped within the close grace. A silent peer's link is
 * dropped as soon as its close frame (1001) is written. {@link LinkHandler#onClosed} runs exactly once, when the
 * connection is gone: with {@code null} after an orderly close by either side, the failure that closed it, a
 * {@link WebSocketCloseException} when the peer closed with another code, or an {@link IOException} when the
 * connection ended without a closing handshake.
 */
abstract class WebSocketLink implements Link {

  private static final Logger log = LoggerFactory.getLogger(WebSocketLink.class);

  /** Messages written per drain task, so that a sender that never pauses cannot hog the event thread. */
  private static final int WRITES_PER_DRAIN = 1_024;

  final Settings settings;
  final MessageAssembler inbound;
  private final Keepalive keepalive;

  private final Queue<byte[]> outbound = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean drainScheduled = new AtomicBoolean();
  private final AtomicBoolean closeRequested = new AtomicBoolean();
  private final CompletableFuture<Void> terminated = new CompletableFuture<>();
  private volatile String serializer;

  // Event thread only.
  private LinkHandler handler;
  private CloseStatus closing; // the close frame this side sends, or answers with; null while open
  private boolean awaitPeerClose;
  private boolean closeFrameQueued;
  private boolean closeFrameWritten;
  private CloseStatus peerClose;
  private Throwable failure;
  private Runnable cancelGrace;
  private boolean draining;
  private boolean done;

  WebSocketLink(Settings settings) {
    this.settings = settings;
    this.inbound = new MessageAssembler(settings.maxFrameSize());
    this.keepalive = new Keepalive(settings.pingIntervalMillis(), settings.idleTimeoutMillis(), this::schedule,
        new Keepalive.Peer() {
          @Override
          public void ping() {
            writePing();
          }

          @Override
          public void silent(SocketTimeoutException timeout) {
            beginClose(CloseStatus.of(CloseStatus.GOING_AWAY, timeout.getMessage()), timeout, false);
          }
        });
  }

  // --- primitives of the WebSocket implementation; all but execute run on the event thread

  /** Runs {@code task} on the event thread, after the tasks handed over before it; from any thread. */
  abstract void execute(Runnable task);

  /** Runs {@code task} on the event thread after {@code delayMillis}; returns what cancels it. */
  abstract Runnable schedule(Runnable task, long delayMillis);

  /**
   * Starts writing {@code message} as one binary message; {@code false} if a write is still under way, in which
   * case the implementation calls {@link #drain} again when it can take the next.
   */
  abstract boolean writeBinary(byte[] message);

  /** Whether nothing is being written, so that a close frame queued now follows every message. */
  abstract boolean writeIdle();

  /** Writes the close frame; the implementation reports the outcome to {@link #closeFrameWritten}. */
  abstract void writeClose(CloseStatus status);

  abstract void writePing();

  /**
   * Ends the connection: in order after the closing handshake ({@code force} false), or at once. The implementation
   * calls {@link #terminated()} once the connection is gone.
   */
  abstract void disconnect(boolean force);

  // --- Link

  @Override
  public final void send(byte[] message) {
    Objects.requireNonNull(message, "message");
    if (closeRequested.get()) {
      return;
    }
    outbound.add(message);
    scheduleDrain();
  }

  @Override
  public final void close() {
    closeWith(CloseStatus.NORMAL_CLOSURE);
  }

  /** Closes as {@link #close()} does, with 1001: the server or the provider is shutting down. */
  final void goAway(String reason) {
    closeWith(CloseStatus.of(CloseStatus.GOING_AWAY, reason));
  }

  /** Drops the connection without a closing handshake; for stragglers at shutdown. */
  final void abort() {
    closeRequested.set(true);
    executeOrGiveUp(() -> {
      if (!done) {
        disconnect(true);
      }
    });
  }

  @Override
  public final String negotiatedSerializer() {
    return serializer;
  }

  /** Completes once the connection is gone and {@code onClosed} has run. */
  final CompletableFuture<Void> whenTerminated() {
    return terminated;
  }

  private void closeWith(CloseStatus status) {
    if (closeRequested.compareAndSet(false, true)) {
      executeOrGiveUp(() -> beginClose(status, null, true));
    }
  }

  private void scheduleDrain() {
    if (drainScheduled.compareAndSet(false, true)) {
      executeOrGiveUp(this::drain);
    }
  }

  private void executeOrGiveUp(Runnable task) {
    try {
      execute(task);
    } catch (RejectedExecutionException e) {
      outbound.clear(); // the provider stopped its threads, which dropped the connection
    }
  }

  /**
   * Closes {@code links} with 1001 and, unless {@code mayNotWait}, waits until they are gone, dropping the
   * stragglers after the close grace.
   */
  static void closeAll(Collection<? extends WebSocketLink> links, String reason, boolean mayNotWait,
      long closeGraceMillis) {
    List<? extends WebSocketLink> closing = List.copyOf(links);
    for (WebSocketLink link : closing) {
      link.goAway(reason);
    }
    if (mayNotWait || closing.isEmpty()) {
      return;
    }
    CompletableFuture<?>[] gone =
        closing.stream().map(WebSocketLink::whenTerminated).toArray(CompletableFuture[]::new);
    try {
      CompletableFuture.allOf(gone).get(closeGraceMillis + 500, TimeUnit.MILLISECONDS);
    } catch (TimeoutException | ExecutionException e) {
      closing.forEach(WebSocketLink::abort);
    } catch (InterruptedException e) {
      closing.forEach(WebSocketLink::abort);
      Thread.currentThread().interrupt();
    }
  }

  // --- the event thread from here on

  /** The serializer agreed in the opening handshake; set before the acceptor runs. */
  final void agreedOn(String serializer) {
    this.serializer = serializer;
  }

  /**
   * Gives the link its handler and starts the keepalive. If the acceptor throws, the link closes with
   * {@code refusal} (its reason the exception's message) and this returns the exception; otherwise {@code null}.
   */
  final RuntimeException open(LinkAcceptor acceptor, int refusal) {
    try {
      handler = Objects.requireNonNull(acceptor.accept(this), "the LinkAcceptor returned no handler");
    } catch (RuntimeException e) {
      beginClose(CloseStatus.of(refusal, "not accepted: " + describe(e)), e, true);
      return e;
    }
    keepalive.start();
    return null;
  }

  /**
   * Writes queued messages, then the close frame once closing and nothing is left. A call made while a drain is
   * running (a write that completes inside {@link #writeBinary}) returns at once: the running loop goes on.
   */
  final void drain() {
    if (draining) {
      return;
    }
    drainScheduled.set(false); // first, so that a send racing this drain schedules the next one
    if (closeFrameQueued || done) {
      outbound.clear();
      return;
    }
    draining = true;
    try {
      // Back-pressure would go on from here: when writeBinary refuses, tell the layer above to stop producing.
      int written = 0;
      byte[] message;
      while ((message = outbound.peek()) != null) {
        if (written == WRITES_PER_DRAIN) {
          scheduleDrain();
          return;
        }
        if (!writeBinary(message)) {
          return;
        }
        outbound.poll();
        written++;
      }
      if (closing != null && writeIdle() && !closeFrameQueued && !done) {
        closeFrameQueued = true;
        writeClose(closing);
      }
    } finally {
      draining = false;
    }
  }

  /**
   * Starts the closing handshake with {@code status}, after the queued messages unless the peer is taken for dead
   * ({@code awaitPeerClose} false: the queue is dropped and so is the connection once the frame is written).
   * Records {@code cause}, if any, as what {@code onClosed} gets. Later calls only record their cause.
   */
  final void beginClose(CloseStatus status, Throwable cause, boolean awaitPeerClose) {
    closeRequested.set(true);
    if (cause != null && failure == null) {
      failure = cause;
    }
    if (closing != null || done) {
      return;
    }
    closing = status;
    this.awaitPeerClose = awaitPeerClose;
    keepalive.stop();
    if (!awaitPeerClose) {
      outbound.clear();
    }
    cancelGrace = schedule(this::graceExpired, settings.closeGraceMillis());
    drain();
  }

  /** The outcome of {@link #writeClose}: written, or the write error. */
  final void closeFrameWritten(Throwable error) {
    if (done) {
      return;
    }
    if (error != null) {
      failed(error);
      return;
    }
    closeFrameWritten = true;
    if (peerClose != null || !awaitPeerClose) {
      disconnect(peerClose == null);
    }
  }

  private void graceExpired() {
    if (done) {
      return;
    }
    if (!closeFrameWritten && awaitPeerClose && failure == null) {
      failure = new IOException("closed with unsent messages: the peer did not take them within "
          + settings.closeGraceMillis() + " ms of close() (WebSocketTransportProvider.Builder.closeGrace)");
    }
    log.debug("{}: no closing handshake within {} ms; dropping the connection", this, settings.closeGraceMillis());
    disconnect(true);
  }

  /** A frame of any kind arrived: the peer is alive. */
  final void heard() {
    keepalive.heard();
  }

  /** Part of a binary message (the client's way: the JDK hands over fragments). */
  final void binaryPart(ByteBuffer part, boolean last) {
    heard();
    if (last && inbound.seen() == 0 && part.remaining() <= inbound.limit()) {
      messageArrived(part); // a message in one part: no copy
      return;
    }
    boolean wasOverflowed = inbound.overflowed();
    if (!inbound.append(part) && !wasOverflowed) {
      messageTooBig(inbound.seen());
    }
    if (last) {
      if (!inbound.overflowed()) {
        messageArrived(inbound.message());
      }
      inbound.reset();
    }
  }

  /** A whole binary message arrived; {@code message} is valid during the call only. */
  final void messageArrived(ByteBuffer message) {
    // After close() or a failure, what still arrives is dropped.
    if (closeRequested.get() || handler == null) {
      return;
    }
    try {
      handler.onBytes(message);
    } catch (RuntimeException | Error e) {
      log.debug("LinkHandler failed on {}; closing the link", this, e);
      beginClose(CloseStatus.of(CloseStatus.PROTOCOL_ERROR, describe(e)), e, true);
    }
  }

  /** The message under way passed the limit; what remains of it will be read and dropped. */
  final void messageTooBig(long seen) {
    if (closeRequested.get()) {
      return;
    }
    String message = "a WebSocket message of at least " + seen + " bytes exceeds the maximum allowed ("
        + inbound.limit() + ", from Limits.maxMessageLength or WebSocketTransportProvider.Builder.maxFrameSize)";
    beginClose(CloseStatus.of(CloseStatus.MESSAGE_TOO_BIG, "message too big: " + seen + " > " + inbound.limit()),
        new ProtocolException(message), true);
  }

  /** A text message (or part of one) arrived: PB frames are binary. */
  final void textArrived() {
    heard();
    if (closeRequested.get()) {
      return;
    }
    beginClose(CloseStatus.of(CloseStatus.UNSUPPORTED_DATA, "PB frames are binary"),
        new ProtocolException("the peer sent a text message; PB frames are binary"), true);
  }

  /** The peer's close frame arrived: answer it (after nothing else), then end the connection. */
  final void peerClosed(CloseStatus status) {
    heard();
    if (peerClose != null || done) {
      return;
    }
    peerClose = status;
    closeRequested.set(true);
    outbound.clear(); // the peer reads no more messages
    if (closing == null) {
      closing = status.echo();
      awaitPeerClose = true;
      keepalive.stop();
      cancelGrace = schedule(this::graceExpired, settings.closeGraceMillis());
    }
    if (closeFrameWritten) {
      disconnect(false);
    } else {
      drain(); // queues the answer once nothing is being written
    }
  }

  /** Whether the peer's close frame has arrived (the JDK client then answers it by itself). */
  final boolean peerCloseReceived() {
    return peerClose != null;
  }

  /** An I/O error: the connection is unusable. */
  final void failed(Throwable error) {
    if (done) {
      return;
    }
    closeRequested.set(true);
    if (failure == null) {
      failure = error;
    }
    log.debug("I/O error on {}; dropping the connection", this, error);
    disconnect(true);
  }

  /** The connection is gone: tells the handler, once. */
  final void terminated() {
    if (done) {
      return;
    }
    done = true;
    closeRequested.set(true);
    outbound.clear();
    keepalive.stop();
    if (cancelGrace != null) {
      cancelGrace.run();
    }
    try {
      if (handler != null) {
        handler.onClosed(closeCause());
      }
    } catch (RuntimeException | Error e) {
      log.warn("LinkHandler.onClosed failed on {}", this, e);
    } finally {
      terminated.complete(null);
    }
  }

  /** The failure this link closed for, if any; for the client's connect future. */
  final Throwable failure() {
    return failure;
  }

  private Throwable closeCause() {
    if (failure != null) {
      return failure;
    }
    if (peerClose != null) {
      return peerClose.orderly() ? null : new WebSocketCloseException(peerClose);
    }
    if (closing != null) {
      return null; // this side closed, and the peer hung up without answering: nothing was lost
    }
    return new IOException("the connection with " + remoteAddress()
        + " ended without a closing handshake (" + CloseStatus.ABNORMAL + ", closed abnormally)");
  }

  private static String describe(Throwable e) {
    return e.getMessage() != null ? e.getMessage() : e.getClass().getName();
  }
}
