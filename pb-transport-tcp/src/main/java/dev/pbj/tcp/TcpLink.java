package dev.pbj.tcp;

import dev.pbj.spi.Link;
import dev.pbj.spi.LinkAcceptor;
import dev.pbj.spi.LinkHandler;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.ChannelPromise;
import io.netty.channel.EventLoop;
import io.netty.channel.group.ChannelGroup;
import io.netty.handler.timeout.IdleState;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.IOException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One TCP connection as a {@link Link}, and the last handler of its channel's pipeline, which feeds the
 * {@link LinkHandler} the acceptor gave it.
 *
 * <p>Threading: every write goes through the Netty pipeline ({@code channel.write}), so handlers added in front
 * of this one (TLS, idle detection, metrics) see every message. {@link #send} may be called from any thread: the
 * message joins the link's queue, and one task on the I/O thread writes everything queued by the time it runs
 * into the pipeline and flushes once. So sends of many threads (workers answering, callers calling) that arrive
 * while a write is pending go out together, one system call and one wake-up of the I/O thread for the lot, and
 * every message goes out in the order of its {@code send}. A send on the I/O thread itself (the connection's
 * context runs there, see {@link #ioExecutor()}) goes at once, after whatever is queued: the small messages of one
 * run are gathered into one pooled buffer, written into the pipeline and flushed with the last message of the run. Every pipeline callback, and so every {@link LinkHandler} call, runs on the one I/O
 * thread.
 *
 * <p>Netty's {@code FlushConsolidationHandler} is left out: the queue already makes one flush per drain, and that
 * handler holds a flush made while a read is under way until the read loop ends, which delays the answer to a
 * request handled inline by the rest of the loop's reads (and would add the netty-handler dependency).
 *
 * <p>Back-pressure: the channel's write buffer water marks are the connection's
 * {@linkplain dev.pbj.Limits#outboundHighWaterMark() outbound water marks}, and each change of Netty's
 * writability is passed to {@link LinkHandler#onWritabilityChanged}; a send on the I/O thread that crosses the
 * high mark gets that call before it returns (gathered bytes go into the pipeline as soon as they would cross it). {@link #unwrittenBytes()} counts the link's queue and Netty's
 * pending outbound bytes (messages in the channel's outbound buffer, written or flushed but not yet taken by the
 * socket, each with Netty's small per-message overhead); bytes the kernel holds are not counted. A producer on another
 * thread learns of a crossing only once the I/O thread gets to it, so it may overshoot the high mark by what it
 * sends meanwhile; {@code unwrittenBytes()} is current at once. {@link #pauseReading} and {@link #resumeReading}
 * switch the channel's auto-read, on the I/O thread.
 *
 * <p>Closing: {@link #close} stops reading, flushes what was written, then closes the socket; if the peer does not
 * take those bytes within the provider's close grace the socket is closed anyway and the handler is told why.
 * The handler's {@link LinkHandler#onClosed} runs exactly once, when the channel goes inactive.
 */
final class TcpLink extends ChannelDuplexHandler implements Link {

  private static final Logger log = LoggerFactory.getLogger(TcpLink.class);
  /** The most {@link #gather} holds: a run of small messages goes out in buffers of at most this. */
  private static final int GATHER_BYTES = 16 * 1024;
  private static final int GATHER_INITIAL_BYTES = 1024;

  private final Channel channel;
  private final LinkAcceptor acceptor;
  /** The client's connect future, completed once the acceptor ran; {@code null} for accepted links. */
  private final CompletableFuture<Link> connected;
  /** How long a closing link waits for its written bytes to reach the socket before it closes regardless. */
  private final long closeGraceMillis;

  /** Messages sent and not yet written to the pipeline, in send order. */
  private final Queue<byte[]> outbound = new ConcurrentLinkedQueue<>();
  /** Bytes in {@link #outbound}. */
  private final AtomicLong queuedBytes = new AtomicLong();
  /** Bytes in {@link #gathered}; written on the I/O thread only. */
  private volatile int gatheredBytes;
  private final AtomicBoolean drainScheduled = new AtomicBoolean();
  private final AtomicBoolean closeRequested = new AtomicBoolean();
  /** What {@link #pauseReading} and {@link #resumeReading} last asked for; {@link #applyReading} makes it so. */
  private volatile boolean readingWanted = true;
  private volatile SocketAddress localAddress;
  private volatile SocketAddress remoteAddress;
  /** The verified TLS peer's principal, set before the handler is given the link; null without. */
  private volatile java.security.Principal peerIdentity;

  // Touched on the I/O thread only.
  /** The messages of the current run of sends on the I/O thread, not yet in the pipeline; null between runs. */
  private ByteBuf gathered;
  private ChannelHandlerContext context;
  private LinkHandler handler;
  private Throwable failure;
  private boolean closeReported;
  /** The writability last reported to the handler; a link starts writable. */
  private boolean reportedWritable = true;

  TcpLink(Channel channel, LinkAcceptor acceptor, CompletableFuture<Link> connected, long closeGraceMillis) {
    this.channel = channel;
    this.acceptor = acceptor;
    this.connected = connected;
    this.closeGraceMillis = closeGraceMillis;
  }

  @Override
  public void send(byte[] message) {
    send(message, false);
  }

  /**
   * Queues {@code message} for the I/O thread, or writes it there and then when called on it. Off the I/O thread
   * the hint is not needed (a drain writes whatever is queued with one flush); on it, the flush waits for the
   * last message of the run.
   */
  @Override
  public void send(byte[] message, boolean moreToCome) {
    Objects.requireNonNull(message, "message");
    if (closeRequested.get()) {
      return;
    }
    if (channel.eventLoop().inEventLoop()) {
      // Sent from the I/O thread (the connection's context runs there): written now, after what others queued.
      if (!channel.isActive()) {
        return; // dropped with the connection
      }
      if (!outbound.isEmpty()) {
        writeQueued();
      }
      gather(message);
      if (!moreToCome) {
        writeGathered();
        channel.flush();
      }
      return;
    }
    queuedBytes.addAndGet(message.length);
    outbound.add(message);
    if (drainScheduled.compareAndSet(false, true)) {
      try {
        channel.eventLoop().execute(this::drain);
      } catch (RejectedExecutionException e) {
        discardQueued(); // the provider is closed; so is the channel
      }
    }
  }

  /**
   * On the I/O thread: writes what is queued into the pipeline and flushes once. The void promise reports a failed
   * write to {@link #exceptionCaught}, without a future per message.
   */
  private void drain() {
    drainScheduled.set(false); // first, so that a send racing this drain schedules the next one
    if (!channel.isActive()) {
      discardQueued();
      return;
    }
    if (writeQueued() > 0 || gathered != null) {
      writeGathered();
      channel.flush();
    }
  }

  /** On the I/O thread: gathers what is queued for the pipeline, without flushing; returns how many. */
  private int writeQueued() {
    byte[] message;
    int written = 0;
    while ((message = outbound.poll()) != null) {
      gather(message);
      queuedBytes.addAndGet(-message.length);
      written++;
    }
    return written;
  }

  /**
   * On the I/O thread: adds {@code message} to the buffer that goes into the pipeline when the run of sends ends,
   * so a run of small messages costs one buffer (pooled, direct) rather than a wrapper and a copy each. A message
   * bigger than the buffer goes as it is, after what was gathered; and what was gathered goes into the pipeline
   * as soon as it would cross the high water mark, so that the crossing is seen when it happens.
   */
  private void gather(byte[] message) {
    if (message.length > GATHER_BYTES) {
      writeGathered();
      channel.write(Unpooled.wrappedBuffer(message), channel.voidPromise());
      return;
    }
    if (gathered != null && gathered.maxWritableBytes() < message.length) {
      writeGathered();
    }
    if (gathered == null) {
      gathered = channel.alloc().directBuffer(Math.max(message.length, GATHER_INITIAL_BYTES), GATHER_BYTES);
    }
    gathered.writeBytes(message);
    gatheredBytes = gathered.readableBytes();
    ChannelOutboundBuffer pending = channel.unsafe().outboundBuffer();
    if (pending != null
        && pending.totalPendingWriteBytes() + gatheredBytes >= channel.config().getWriteBufferHighWaterMark()) {
      writeGathered();
    }
  }

  /** On the I/O thread: writes what {@link #gather} holds into the pipeline, without flushing. */
  private void writeGathered() {
    ByteBuf buffer = gathered;
    if (buffer != null) {
      gathered = null;
      gatheredBytes = 0;
      channel.write(buffer, channel.voidPromise());
    }
  }

  private void discardQueued() {
    while (outbound.poll() != null) {
      // dropped with the connection
    }
    queuedBytes.set(0);
    if (gathered != null) {
      gathered.release();
      gathered = null;
      gatheredBytes = 0;
    }
  }

  @Override
  public void close() {
    if (!closeRequested.compareAndSet(false, true)) {
      return;
    }
    try {
      channel.eventLoop().execute(this::closeAfterFlush);
    } catch (RejectedExecutionException e) {
      // The provider shut its threads down, which closed the channel already.
    }
  }

  /**
   * {@inheritDoc}
   *
   * <p>On the I/O thread (inside {@code onBytes}) the read loop stops after the current read; from another thread
   * the pause takes effect on the I/O thread after the tasks queued before it, so a read under way may still
   * deliver.
   */
  @Override
  public void pauseReading() {
    readingWanted = false;
    applyReading();
  }

  @Override
  public void resumeReading() {
    readingWanted = true;
    applyReading();
  }

  /**
   * Sets auto-read to the reading last asked for, on the I/O thread. Netty's setter is thread-safe, but from
   * another thread epoll's leaves a read armed, and a pause set there could land after a later resume made on the
   * I/O thread; each call queues (or runs) one application of the latest wish instead, so the last call wins.
   */
  private void applyReading() {
    EventLoop loop = channel.eventLoop();
    if (loop.inEventLoop()) {
      // After close() reading stays off: closeAfterFlush switched it off for good.
      channel.config().setAutoRead(readingWanted && !closeRequested.get());
      return;
    }
    try {
      loop.execute(this::applyReading);
    } catch (RejectedExecutionException e) {
      // The provider shut its threads down, which closed the channel already.
    }
  }

  @Override
  public long unwrittenBytes() {
    ChannelOutboundBuffer pending = channel.unsafe().outboundBuffer(); // null once the channel is closed
    return queuedBytes.get() + gatheredBytes + (pending == null ? 0 : pending.totalPendingWriteBytes());
  }

  @Override
  public Executor ioExecutor() {
    return channel.eventLoop();
  }

  @Override
  public boolean inIoThread() {
    return channel.eventLoop().inEventLoop();
  }

  @Override
  public SocketAddress localAddress() {
    return localAddress;
  }

  @Override
  public SocketAddress remoteAddress() {
    return remoteAddress;
  }

  @Override
  public Object peerIdentity() {
    return peerIdentity;
  }

  /** The principal of the peer's verified TLS certificate, or null (plain TCP, or a client without one). */
  private static java.security.Principal verifiedPeer(Channel channel) {
    io.netty.handler.ssl.SslHandler tls = channel.pipeline().get(io.netty.handler.ssl.SslHandler.class);
    if (tls == null) {
      return null;
    }
    try {
      return tls.engine().getSession().getPeerPrincipal();
    } catch (javax.net.ssl.SSLPeerUnverifiedException e) {
      return null;
    }
  }

  @Override
  public String toString() {
    return "TcpLink[" + localAddress + " <-> " + remoteAddress + "]";
  }

  /** The Netty channel, for tests that check which transport carried it. */
  Channel channel() {
    return channel;
  }

  /**
   * On the I/O thread, after every send that happened before {@link #close} (their writes were queued before this
   * task): stop reading, flush, close once flushed (or the grace ends).
   */
  private void closeAfterFlush() {
    channel.config().setAutoRead(false);
    drain(); // what was sent before close() goes first
    // Writes complete in order, so this one completes after everything written before it.
    ChannelFuture flushed = context.writeAndFlush(Unpooled.EMPTY_BUFFER);
    ScheduledFuture<?> deadline = channel.eventLoop().schedule(() -> {
      if (failure == null) {
        failure = new IOException("closed with unsent bytes: the peer did not read them within "
            + closeGraceMillis + " ms of close()");
      }
      channel.close();
    }, closeGraceMillis, TimeUnit.MILLISECONDS);
    flushed.addListener(written -> {
      deadline.cancel(false);
      channel.close();
    });
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    context = ctx;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    localAddress = channel.localAddress();
    SocketAddress proxied = channel.attr(ProxyProtocol.CLIENT).get();
    remoteAddress = proxied != null ? proxied : channel.remoteAddress();
    peerIdentity = verifiedPeer(channel); // a TLS channel becomes active once its handshake is done
    if (connected != null && connected.isDone()) { // the caller cancelled the connect
      ctx.close();
      return;
    }
    try {
      handler = Objects.requireNonNull(acceptor.accept(this), "the LinkAcceptor returned no handler");
    } catch (RuntimeException | Error e) {
      closeRequested.set(true);
      ctx.close();
      if (connected != null) {
        connected.completeExceptionally(e);
      } else {
        log.warn("LinkAcceptor failed for {}; connection closed", this, e);
      }
      return;
    }
    if (connected != null && !connected.complete(this)) {
      close(); // cancelled while the acceptor ran
    }
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    ByteBuf bytes = (ByteBuf) msg;
    try {
      // After close() or a handler failure, what still arrives is dropped.
      if (handler != null && failure == null && !closeRequested.get() && bytes.isReadable()) {
        deliver(bytes);
      }
    } catch (RuntimeException | Error e) {
      handlerFailed(e);
    } finally {
      bytes.release();
    }
  }

  private void deliver(ByteBuf bytes) {
    if (bytes.nioBufferCount() > 1) {
      for (ByteBuffer part : bytes.nioBuffers()) {
        handler.onBytes(part);
      }
    } else {
      // the buffer's own NIO view, not a new one per read: the handler may use it only during the call
      handler.onBytes(bytes.internalNioBuffer(bytes.readerIndex(), bytes.readableBytes()));
    }
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
    if (event instanceof IdleStateEvent && ((IdleStateEvent) event).state() == IdleState.READER_IDLE) {
      if (handler != null && failure == null && !closeRequested.get()) {
        try {
          handler.onReadIdle();
        } catch (RuntimeException | Error e) {
          handlerFailed(e);
        }
      }
      return;
    }
    ctx.fireUserEventTriggered(event);
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    boolean writable = channel.isWritable();
    // Netty may fire this late (for a write queued by another thread), after writability flipped back.
    if (handler == null || closeReported || writable == reportedWritable) {
      return;
    }
    reportedWritable = writable;
    try {
      handler.onWritabilityChanged(writable);
    } catch (RuntimeException | Error e) {
      handlerFailed(e);
    }
  }

  private void handlerFailed(Throwable e) {
    log.debug("LinkHandler failed on {}; closing the link", this, e);
    if (failure == null) {
      failure = e;
    }
    close(); // after the flush: what the handler sent before failing still goes out
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (cause instanceof ClosedChannelException) {
      return; // a write that raced a close; the close carries its own cause
    }
    log.debug("I/O error on {}; closing the link", this, cause);
    if (failure == null) {
      failure = cause;
    }
    ctx.close();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    discardQueued();
    if (handler == null || closeReported) {
      return;
    }
    closeReported = true;
    try {
      handler.onClosed(failure);
    } catch (RuntimeException | Error e) {
      log.warn("LinkHandler.onClosed failed on {}", this, e);
    }
  }

  /**
   * Closes every link of {@code channels} after its written bytes, and waits until they are closed, forcing
   * the stragglers after {@code closeGraceMillis}; from an I/O thread it does not wait (each link still closes
   * within its grace).
   */
  static void closeAll(ChannelGroup channels, EventLoops loops, long closeGraceMillis) {
    for (Channel channel : channels) {
      TcpLink link = channel.pipeline().get(TcpLink.class);
      if (link != null) {
        link.close();
      } else {
        channel.close();
      }
    }
    if (loops.inIoThread()) {
      return;
    }
    if (!channels.newCloseFuture().awaitUninterruptibly(closeGraceMillis + 500)) {
      channels.close().awaitUninterruptibly(1_000);
    }
  }
}
