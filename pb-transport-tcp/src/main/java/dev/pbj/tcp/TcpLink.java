package dev.pbj.tcp;

import dev.pbj.spi.Link;
import dev.pbj.spi.LinkAcceptor;
import dev.pbj.spi.LinkHandler;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.ChannelOutboundHandler;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.group.ChannelGroup;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.IOException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.util.Map;
import java.util.Objects;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One TCP connection as a {@link Link}, and the last handler of its channel's pipeline, which feeds the
 * {@link LinkHandler} the acceptor gave it.
 *
 * <p>Threading: {@link #send} and {@link #close} may be called from any thread. Sent arrays are queued and
 * written by the channel's I/O thread in queue order, several per flush when they pile up, so messages go out
 * in the order {@code send} was called even when the I/O thread itself sends. On a {@link DirectNioSocketChannel}
 * a thread other than the I/O thread writes its message to the socket itself when nothing is queued or held by
 * Netty and no more is announced; one lock ({@code writing}) keeps those writes and the I/O thread's apart. Every
 * pipeline callback, and so every {@link LinkHandler} call, runs on that one I/O thread.
 *
 * <p>Closing: {@link #close} stops reading, writes what was queued, then closes the socket; if the peer does
 * not take the queued bytes within the provider's close grace the socket is closed anyway and the handler is
 * told why. The handler's {@link LinkHandler#onClosed} runs exactly once, when the channel goes inactive.
 */
final class TcpLink extends ChannelInboundHandlerAdapter implements Link {

  private static final Logger log = LoggerFactory.getLogger(TcpLink.class);

  /** Writes per drain task, so that a sender that never pauses cannot keep the I/O thread from its sockets. */
  private static final int WRITES_PER_DRAIN = 1_024;

  private final Channel channel;
  private final LinkAcceptor acceptor;
  /** The client's connect future, completed once the acceptor ran; {@code null} for accepted links. */
  private final CompletableFuture<Link> connected;
  /** How long a closing link waits for its queued bytes to reach the socket before it closes regardless. */
  private final long closeGraceMillis;

  private final Queue<byte[]> outbound = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean drainScheduled = new AtomicBoolean();
  /** Set when other threads may write to the socket themselves (see {@link #send}); null otherwise. */
  private final DirectNioSocketChannel direct;
  /**
   * Whether sending threads may write to the socket themselves: a direct channel whose pipeline has no outbound
   * handler (one, such as TLS, would be bypassed). Set when the channel becomes active.
   */
  private volatile boolean writeThrough;
  /** Held by whoever puts bytes on a direct channel's socket: a sending thread, or the I/O thread's drain. */
  private final AtomicBoolean writing = new AtomicBoolean();
  // Guarded by writing.
  /** Whether Netty may still hold bytes a drain gave it (the socket did not take them all yet). */
  private boolean nettyHolds;
  /** What a direct write left when the socket filled up; it goes out before anything queued. */
  private ByteBuffer leftover;
  private final AtomicBoolean closeRequested = new AtomicBoolean();
  private volatile SocketAddress localAddress;
  private volatile SocketAddress remoteAddress;

  // Touched on the I/O thread only.
  private LinkHandler handler;
  private Throwable failure;
  private boolean closeReported;

  TcpLink(Channel channel, LinkAcceptor acceptor, CompletableFuture<Link> connected, long closeGraceMillis) {
    this.channel = channel;
    this.acceptor = acceptor;
    this.connected = connected;
    this.closeGraceMillis = closeGraceMillis;
    this.direct = channel instanceof DirectNioSocketChannel ? (DirectNioSocketChannel) channel : null;
  }

  @Override
  public void send(byte[] message) {
    send(message, false);
  }

  /**
   * From a thread other than the I/O thread, when nothing else is waiting to be written and no more is known to
   * follow, a message is written to the socket by the sending thread itself: this spares waking the I/O thread,
   * a hand-off that costs more than the write. Otherwise it is queued, and the I/O thread writes the queue many
   * messages to a system call.
   */
  @Override
  public void send(byte[] message, boolean moreToCome) {
    Objects.requireNonNull(message, "message");
    if (closeRequested.get()) {
      return;
    }
    if (writeThrough && !moreToCome && outbound.isEmpty() && !channel.eventLoop().inEventLoop()
        && writing.compareAndSet(false, true)) {
      boolean written;
      try {
        written = writeDirectly(message);
      } finally {
        writing.set(false);
      }
      if (written) {
        return;
      }
    }
    outbound.add(message);
    scheduleDrain();
  }

  /**
   * With {@link #writing} held, off the I/O thread: writes {@code message} to the socket here, which spares the
   * wake-up of the I/O thread, unless something sent earlier has not reached the socket yet. Returns false if it
   * must be queued instead. What the socket does not take now is left for the I/O thread to write first.
   */
  private boolean writeDirectly(byte[] message) {
    if (nettyHolds || leftover != null || !outbound.isEmpty()) {
      return false;
    }
    if (closeRequested.get()) {
      return true; // sent after close(): dropped, as queued messages would be
    }
    ByteBuffer bytes = ByteBuffer.wrap(message);
    try {
      direct.writeNow(bytes);
    } catch (IOException e) {
      // The connection is broken; the I/O thread closes the link with this cause.
      channel.pipeline().fireExceptionCaught(e);
      return true;
    }
    if (bytes.hasRemaining()) {
      leftover = bytes;
      scheduleDrain();
    }
    return true;
  }

  /** On the I/O thread: waits out a sending thread's direct write, a system call that does not block. */
  private void lockWrites() {
    if (direct != null) {
      while (!writing.compareAndSet(false, true)) {
        Thread.yield();
      }
    }
  }

  private void unlockWrites() {
    if (direct != null) {
      writing.set(false);
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

  @Override
  public SocketAddress localAddress() {
    return localAddress;
  }

  @Override
  public SocketAddress remoteAddress() {
    return remoteAddress;
  }

  @Override
  public String toString() {
    return "TcpLink[" + localAddress + " <-> " + remoteAddress + "]";
  }

  /** Whether sending threads write to the socket themselves, for tests. */
  boolean writesThrough() {
    return writeThrough;
  }

  /** The Netty channel, for tests that check which transport carried it. */
  Channel channel() {
    return channel;
  }

  private void scheduleDrain() {
    if (drainScheduled.compareAndSet(false, true)) {
      try {
        channel.eventLoop().execute(this::drain);
      } catch (RejectedExecutionException e) {
        outbound.clear(); // the provider is closed; so is the channel
      }
    }
  }

  /** On the I/O thread: writes up to {@link #WRITES_PER_DRAIN} queued messages with one flush. */
  private void drain() {
    drainScheduled.set(false); // first, so that a send racing this drain schedules the next one
    if (!channel.isActive()) {
      outbound.clear();
      return;
    }
    // Back-pressure would go here: while !channel.isWritable(), leave the queue alone, resume from
    // channelWritabilityChanged, and tell the handler so the layer above stops producing.
    lockWrites();
    try {
      int written = 0;
      if (leftover != null) {
        channel.write(Unpooled.wrappedBuffer(leftover), channel.voidPromise());
        leftover = null;
        written++;
      }
      byte[] message;
      while (written < WRITES_PER_DRAIN && (message = outbound.poll()) != null) {
        // The void promise reports a failed write to exceptionCaught, without a future per message.
        channel.write(Unpooled.wrappedBuffer(message), channel.voidPromise());
        written++;
      }
      if (written > 0) {
        channel.flush();
        if (direct != null) {
          watchNettyWrites();
        }
      }
    } finally {
      unlockWrites();
    }
    if (!outbound.isEmpty()) {
      scheduleDrain();
    }
  }

  /**
   * On the I/O thread, with {@link #writing} held, after a flush: while Netty still holds bytes (the socket was
   * full) sending threads must queue; an empty write, which completes after the ones before it, says when they
   * may write directly again.
   */
  private void watchNettyWrites() {
    ChannelOutboundBuffer held = channel.unsafe().outboundBuffer();
    nettyHolds = held != null && !held.isEmpty();
    if (nettyHolds) {
      channel.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(written -> {
        lockWrites();
        try {
          ChannelOutboundBuffer still = channel.unsafe().outboundBuffer();
          nettyHolds = still != null && !still.isEmpty();
        } finally {
          unlockWrites();
        }
        if (!outbound.isEmpty()) {
          scheduleDrain();
        }
      });
    }
  }

  /** On the I/O thread: stop reading, write everything queued, close once it is written (or the grace ends). */
  private void closeAfterFlush() {
    channel.config().setAutoRead(false);
    do {
      drain(); // also what a direct write left over
    } while (!outbound.isEmpty() && channel.isActive());
    // Writes complete in order, so this one completes after everything queued before it.
    ChannelFuture flushed = channel.writeAndFlush(Unpooled.EMPTY_BUFFER);
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
  public void channelActive(ChannelHandlerContext ctx) {
    localAddress = channel.localAddress();
    remoteAddress = channel.remoteAddress();
    writeThrough = direct != null && noOutboundHandler(ctx.pipeline());
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

  private static boolean noOutboundHandler(ChannelPipeline pipeline) {
    for (Map.Entry<String, ChannelHandler> handler : pipeline) {
      if (handler.getValue() instanceof ChannelOutboundHandler) {
        return false;
      }
    }
    return true;
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
      log.debug("LinkHandler failed on {}; closing the link", this, e);
      failure = e;
      close(); // after the flush: what the handler sent before failing still goes out
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
      handler.onBytes(bytes.nioBuffer());
    }
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
    outbound.clear();
    lockWrites();
    leftover = null;
    unlockWrites();
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
   * Closes every link of {@code channels} after its queued writes, and waits until they are closed, forcing
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
