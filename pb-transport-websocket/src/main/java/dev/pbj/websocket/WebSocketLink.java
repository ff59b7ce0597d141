package dev.pbj.websocket;

import dev.pbj.Limits;
import dev.pbj.ProtocolException;
import dev.pbj.spi.Link;
import dev.pbj.spi.LinkAcceptor;
import dev.pbj.spi.LinkHandler;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One WebSocket connection as a {@link Link}: the outbound queue, the closing handshake, limits, keepalive and the
 * {@link LinkHandler} calls, over the few primitives a WebSocket implementation provides (write a binary message,
 * a close frame, a ping; drop the connection). {@link UndertowLink} is the server side, {@link NettyClientLink} the
 * client side.
 *
 * <p>Threading: each link has one event thread at a time (an XNIO I/O thread on the server, a Netty
 * event loop on the client), reached through {@link #execute}. Everything below the
 * {@link Link} methods runs there, including every handler call, so the state needs no locks. The {@link Link}
 * methods may be called from any thread: sent arrays are queued and written by the event thread in queue order.
 *
 * <p>Flow control, outbound: {@link #unwrittenBytes()} counts the bytes queued here plus those handed to the
 * implementation and not yet written to the socket. After each drain the event thread compares it with the
 * connection's {@link Limits#outboundHighWaterMark()} and {@link Limits#outboundLowWaterMark()} and calls
 * {@link LinkHandler#onWritabilityChanged} on a crossing; the queue itself is unbounded, so stopping is up to the
 * layer above. The {@code moreToCome} hint of {@code send} is not needed: a drain writes whatever is queued.
 *
 * <p>Flow control, inbound: {@link #pauseReading()} takes effect for the handler at once (a message that completes
 * after it is held, copied, until {@link #resumeReading()}) and for the implementation on the event thread, which
 * stops reading at the next message boundary, so at most about one message is held. While paused the keepalive
 * rests (the peer's pongs are not read, and its silence proves nothing). A closing link reads again whatever its
 * pause, for the peer's close frame; what it reads is dropped, and so are the held messages.
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
  private final long highWaterMark;
  private final long lowWaterMark;

  private final Queue<byte[]> outbound = new ConcurrentLinkedQueue<>();
  /** Bytes in {@link #outbound} plus bytes being written; raised by any sender, lowered on the event thread. */
  // Plain volatile fields with VarHandles rather than Atomic* objects: a server holds thousands of idle links, and
  // each Atomic* is one more object per link (these four were 72 bytes of each).
  private static final VarHandle UNWRITTEN;
  private static final VarHandle READING_PAUSED;
  private static final VarHandle DRAIN_SCHEDULED;
  private static final VarHandle CLOSE_REQUESTED;

  static {
    try {
      MethodHandles.Lookup lookup = MethodHandles.lookup();
      UNWRITTEN = lookup.findVarHandle(WebSocketLink.class, "unwritten", long.class);
      READING_PAUSED = lookup.findVarHandle(WebSocketLink.class, "readingPaused", boolean.class);
      DRAIN_SCHEDULED = lookup.findVarHandle(WebSocketLink.class, "drainScheduled", boolean.class);
      CLOSE_REQUESTED = lookup.findVarHandle(WebSocketLink.class, "closeRequested", boolean.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private volatile long unwritten;
  private volatile boolean readingPaused;
  private volatile boolean drainScheduled;
  private volatile boolean closeRequested;
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
  private long writingBytes; // handed to writeBinary and not yet reported by writeFinished
  private volatile boolean writable = true;
  private boolean started; // the implementation may be told to read: startReading ran
  private boolean reading; // the implementation is reading
  private final ArrayDeque<byte[]> held = new ArrayDeque<>(1); // complete messages that arrived while paused (about one)

  WebSocketLink(Settings settings, Limits limits) {
    this.settings = settings;
    this.highWaterMark = limits.outboundHighWaterMark();
    this.lowWaterMark = limits.outboundLowWaterMark();
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

  /** Whether the calling thread is the event thread, running the link's tasks now. */
  abstract boolean inEventThread();

  /** Runs {@code task} on the event thread after {@code delayMillis}; returns what cancels it. */
  abstract Runnable schedule(Runnable task, long delayMillis);

  /**
   * Starts writing {@code message} as one binary message; {@code false} if a write is still under way, in which
   * case the implementation calls {@link #drain} again when it can take the next. A message taken is reported to
   * {@link #writeFinished} once written, or failed.
   */
  abstract boolean writeBinary(byte[] message);

  /**
   * Stops reading at the next message boundary (a message under way may finish); the peer's further frames wait in
   * the network. Not called again before {@link #resumeReceiving}.
   */
  abstract void suspendReceiving();

  /** Reads (again): the first call starts reading the connection; alternates with {@link #suspendReceiving}. */
  abstract void resumeReceiving();

  /** After a drain has handed its messages to {@link #writeBinary}: an implementation that batches flushes now. */
  void writesQueued() {}

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
    if (closeRequested) {
      return;
    }
    long now = addUnwritten(message.length); // before it is queued: a drain must not count below zero
    outbound.add(message);
    if (now > highWaterMark && writable) {
      // told now, on the sending thread, so that whoever sends next (a pager asking whenWritable) already knows
      updateWritability();
    }
    scheduleDrain();
  }

  /** Adds {@code bytes} (negative: written) to the unwritten count; returns the new count. */
  private long addUnwritten(long bytes) {
    return (long) UNWRITTEN.getAndAdd(this, bytes) + bytes;
  }

  @Override
  public final long unwrittenBytes() {
    return unwritten;
  }

  /**
   * Stops {@code onBytes} at once; the event thread then stops the reading (right away when called there, as from
   * {@code onBytes}).
   */
  @Override
  public final void pauseReading() {
    if (READING_PAUSED.compareAndSet(this, false, true)) {
      if (inEventThread()) {
        updateReading();
      } else {
        executeOrGiveUp(this::updateReading);
      }
    }
  }

  /** Delivers the held messages, then reads again; always as a task of its own, never inside a handler call. */
  @Override
  public final void resumeReading() {
    if (READING_PAUSED.compareAndSet(this, true, false)) {
      executeOrGiveUp(this::resumeHeld);
    }
  }

  @Override
  public final void close() {
    closeWith(CloseStatus.NORMAL_CLOSURE);
  }

  /**
   * Closes with 1002 (protocol error), the code a failing handler gets, reporting {@code cause} to the handler; with
   * 1013 (try again later) for a {@link dev.pbj.ConnectionRefusedException} (a server at its connection limit).
   */
  @Override
  public final void close(Throwable cause) {
    if (CLOSE_REQUESTED.compareAndSet(this, false, true)) {
      // a server at its connection limit asks the peer to come back later (1013); anything else is a fault (1002)
      int code = cause instanceof dev.pbj.ConnectionRefusedException ? CloseStatus.TRY_AGAIN_LATER
          : CloseStatus.PROTOCOL_ERROR;
      executeOrGiveUp(() -> beginClose(CloseStatus.of(code, describe(cause)), cause, true));
    }
  }

  /** Closes as {@link #close()} does, with 1001: the server or the provider is shutting down. */
  final void goAway(String reason) {
    closeWith(CloseStatus.of(CloseStatus.GOING_AWAY, reason));
  }

  /** Drops the connection without a closing handshake; for stragglers at shutdown. */
  final void abort() {
    closeRequested = true;
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
    if (CLOSE_REQUESTED.compareAndSet(this, false, true)) {
      executeOrGiveUp(() -> beginClose(status, null, true));
    }
  }

  private void scheduleDrain() {
    if (DRAIN_SCHEDULED.compareAndSet(this, false, true)) {
      executeOrGiveUp(this::drain);
    }
  }

  private void executeOrGiveUp(Runnable task) {
    try {
      execute(task);
    } catch (RejectedExecutionException e) {
      clearOutbound(); // the provider stopped its threads, which dropped the connection
    }
  }

  /** Drops the queued messages, and their bytes from the count; from any thread. */
  private void clearOutbound() {
    byte[] message;
    while ((message = outbound.poll()) != null) {
      addUnwritten(-message.length);
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
    return null;
  }

  /**
   * Starts reading (unless the acceptor paused it; a refused link reads for the peer's close frame) and the
   * keepalive; once, after {@link #open}.
   */
  final void startReading() {
    started = true;
    updateReading();
  }

  /**
   * Brings the implementation's reading, and the keepalive, in line with {@link #pauseReading}: read unless paused,
   * and always while closing. Runs no handler code, so it may run inside a handler call.
   */
  private void updateReading() {
    if (!started || done) {
      return;
    }
    boolean read = !readingPaused || closeRequested;
    if (read == reading) {
      return;
    }
    reading = read;
    if (read) {
      if (closing == null) {
        keepalive.start();
      }
      resumeReceiving();
    } else {
      keepalive.stop();
      suspendReceiving();
    }
  }

  /** After {@link #resumeReading}: hands over what arrived while paused, in order, then reads again. */
  private void resumeHeld() {
    byte[] message;
    while (!readingPaused && (message = held.poll()) != null) {
      deliver(ByteBuffer.wrap(message));
    }
    updateReading();
  }

  /**
   * Writes queued messages, then the close frame once closing and nothing is left. A call made while a drain is
   * running (a write that completes inside {@link #writeBinary}) returns at once: the running loop goes on.
   */
  final void drain() {
    if (draining) {
      return;
    }
    drainScheduled = false; // first, so that a send racing this drain schedules the next one
    if (closeFrameQueued || done) {
      clearOutbound();
      return;
    }
    draining = true;
    try {
      writeQueued();
    } finally {
      draining = false;
      writesQueued();
    }
    // Every send is followed by a drain, and every write's end too: the one place to see the count cross a mark.
    updateWritability();
  }

  private void writeQueued() {
    int written = 0;
    byte[] message;
    while ((message = outbound.peek()) != null) {
      if (written == WRITES_PER_DRAIN) {
        scheduleDrain();
        return;
      }
      writingBytes += message.length; // before the call: the write may finish inside it
      if (!writeBinary(message)) {
        writingBytes -= message.length;
        return;
      }
      outbound.poll();
      written++;
    }
    if (closing != null && writeIdle() && !closeFrameQueued && !done) {
      closeFrameQueued = true;
      writeClose(closing);
    }
  }

  /** A message {@link #writeBinary} took is written (or failed): its bytes no longer count as unwritten. */
  final void writeFinished(byte[] message) {
    if (done) {
      return; // terminated() took them off
    }
    writingBytes -= message.length;
    if (addUnwritten(-message.length) <= lowWaterMark && !writable) {
      updateWritability(); // an implementation that takes every message drains no more once its writes end
    }
  }

  /** Tells the handler when the unwritten bytes have crossed a water mark since it last heard. */
  private synchronized void updateWritability() {
    if (handler == null || done) {
      return;
    }
    long bytes = unwritten;
    if (writable ? bytes <= highWaterMark : bytes > lowWaterMark) {
      return;
    }
    writable = !writable;
    try {
      handler.onWritabilityChanged(writable);
    } catch (RuntimeException | Error e) {
      log.debug("LinkHandler.onWritabilityChanged failed on {}; closing the link", this, e);
      beginClose(CloseStatus.of(CloseStatus.PROTOCOL_ERROR, describe(e)), e, true);
    }
  }

  /**
   * Starts the closing handshake with {@code status}, after the queued messages unless the peer is taken for dead
   * ({@code awaitPeerClose} false: the queue is dropped and so is the connection once the frame is written).
   * Records {@code cause}, if any, as what {@code onClosed} gets. Later calls only record their cause.
   */
  final void beginClose(CloseStatus status, Throwable cause, boolean awaitPeerClose) {
    closeRequested = true;
    if (cause != null && failure == null) {
      failure = cause;
    }
    if (closing != null || done) {
      return;
    }
    closing = status;
    this.awaitPeerClose = awaitPeerClose;
    keepalive.stop();
    held.clear(); // never delivered, like everything that arrives from now on
    updateReading(); // a paused link reads again, for the peer's close frame
    if (!awaitPeerClose) {
      clearOutbound();
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

  /** Part of a binary message: a frame of it, as the client reads them. */
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
    if (closeRequested || handler == null) {
      return;
    }
    if (readingPaused || !held.isEmpty()) { // behind the held ones, if a resume has not delivered them yet
      byte[] copy = new byte[message.remaining()];
      message.get(copy);
      held.add(copy);
      return;
    }
    deliver(message);
  }

  private void deliver(ByteBuffer message) {
    if (closeRequested) {
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
    if (closeRequested) {
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
    if (closeRequested) {
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
    closeRequested = true;
    held.clear();
    clearOutbound(); // the peer reads no more messages
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

  /** Whether the peer's close frame has arrived (after which the client answers no pings). */
  final boolean peerCloseReceived() {
    return peerClose != null;
  }

  /** Whether this side's close frame is written or on its way: no frame may follow it (RFC 6455 section 5.5.1). */
  final boolean closeFrameSent() {
    return closeFrameQueued;
  }

  /** An I/O error: the connection is unusable. */
  final void failed(Throwable error) {
    if (done) {
      return;
    }
    closeRequested = true;
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
    closeRequested = true;
    clearOutbound();
    addUnwritten(-writingBytes); // writes under way end with the connection
    writingBytes = 0;
    held.clear();
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

  /** Messages held since a pause, waiting for a resume; for tests. */
  final int heldMessages() {
    return held.size();
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
