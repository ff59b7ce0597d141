package dev.pbj.bench.wire;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;

/**
 * A raw Netty client that keeps {@code inflight} calls outstanding on one connection to 127.0.0.1, the way raw
 * Netty goes fastest: the calls are written by the client's own event loop, never by a caller thread. What one read
 * brings is answered by as many new calls, written into one buffer and flushed once, in {@code channelReadComplete}.
 * It runs from {@link #connect} until {@link #close}, counting answers; {@link #awaitAnswers} parks a caller (a JMH
 * thread) until the count reaches a number, so measuring costs one wake-up per batch of answers, not per answer.
 *
 * <p>What a call and an answer are is the {@link Wire}'s business. A failure (a protocol violation, an error answer,
 * the server closing the connection) stops the client and is thrown by the next {@link #awaitAnswers}.
 * Thread-safe: one thread may wait at a time; {@link #close} from any thread.
 */
final class PipelinedClient implements AutoCloseable {
  /** How long connecting, the opening exchange, or a batch of answers may take before the client gives up. */
  static final long TIMEOUT_SECONDS = 10;

  private final Loops loops;
  private final Channel channel;
  private final Driver driver;

  private PipelinedClient(Loops loops, Channel channel, Driver driver) {
    this.loops = loops;
    this.channel = channel;
    this.driver = driver;
  }

  /**
   * Connects to 127.0.0.1:{@code port} on an event loop of its own and returns once the first {@code inflight} calls
   * are written (after the wire's opening exchange, if it has one).
   */
  static PipelinedClient connect(int port, Wire wire, int inflight) throws InterruptedException {
    if (inflight < 1) {
      throw new IllegalArgumentException("inflight must be at least 1, not " + inflight);
    }
    Loops loops = Loops.start(1);
    Channel channel = null;
    try {
      Driver driver = new Driver(wire, inflight);
      channel = new Bootstrap().group(loops.group()).channel(loops.clientType())
          .option(ChannelOption.TCP_NODELAY, true)
          .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) TimeUnit.SECONDS.toMillis(TIMEOUT_SECONDS))
          .handler(driver)
          .connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port)).sync().channel();
      driver.started.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
      return new PipelinedClient(loops, channel, driver);
    } catch (ExecutionException | TimeoutException | RuntimeException e) {
      close(channel, loops);
      Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
      throw new IllegalStateException("cannot start " + inflight + " calls on 127.0.0.1:" + port + ": " + cause,
          cause);
    } catch (InterruptedException | Error e) {
      close(channel, loops);
      throw e;
    }
  }

  /** Answers counted so far (updated once per read). */
  long answered() {
    return driver.answered;
  }

  /**
   * Waits until at least {@code target} answers were counted since {@link #connect}.
   *
   * @throws IllegalStateException if the client failed, or no such progress came within {@value #TIMEOUT_SECONDS} s
   */
  void awaitAnswers(long target) throws InterruptedException {
    driver.await(target);
  }

  /** Stops writing calls, closes the connection and the event loop. */
  @Override
  public void close() {
    driver.running = false;
    close(channel, loops);
  }

  private static void close(Channel channel, Loops loops) {
    try {
      if (channel != null) {
        channel.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
      }
    } finally {
      loops.close();
    }
  }

  /** The connection's handler: writes calls, counts answers, wakes the waiter. */
  private static final class Driver extends ChannelInboundHandlerAdapter {
    private final Wire wire;
    private final int inflight;
    final CompletableFuture<Void> started = new CompletableFuture<>();
    volatile boolean running = true;
    /** {@link #count} as last published; the waiter reads it. */
    volatile long answered;
    private volatile Throwable failure;
    private volatile Thread waiter;
    private volatile long wakeAt = Long.MAX_VALUE;
    /** Event loop only: answers so far, and calls owed (one per answer, plus the first window). */
    private long count;
    private int owed;
    private boolean windowOpened;

    Driver(Wire wire, int inflight) {
      this.wire = wire;
      this.inflight = inflight;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
      openWindowIfReady();
      send(ctx);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      ByteBuf in = (ByteBuf) msg;
      try {
        int answers = wire.read(in);
        count += answers;
        owed += answers;
        openWindowIfReady();
      } catch (RuntimeException e) {
        fail(e);
        ctx.close();
      } finally {
        in.release();
      }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
      send(ctx);
      answered = count;
      if (count >= wakeAt) {
        Thread w = waiter;
        if (w != null) {
          LockSupport.unpark(w);
        }
      }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      if (running) {
        fail(new IllegalStateException("the server closed the connection after " + count + " answers"));
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      fail(cause);
      ctx.close();
    }

    private void openWindowIfReady() {
      if (!windowOpened && wire.ready()) {
        windowOpened = true;
        owed += inflight;
      }
    }

    private void send(ChannelHandlerContext ctx) {
      byte[] reply = wire.takeReply();
      int calls = running && failure == null ? owed : 0;
      owed = 0;
      if (reply == null && calls == 0) {
        return;
      }
      ByteBuf out = ctx.alloc().ioBuffer((reply == null ? 0 : reply.length) + calls * wire.maxCallBytes());
      if (reply != null) {
        out.writeBytes(reply);
      }
      wire.writeCalls(out, calls);
      ctx.writeAndFlush(out, ctx.voidPromise());
      if (calls > 0) {
        started.complete(null);
      }
    }

    private void fail(Throwable cause) {
      if (failure == null) {
        failure = cause;
      }
      started.completeExceptionally(cause);
      Thread w = waiter;
      if (w != null) {
        LockSupport.unpark(w);
      }
    }

    void await(long target) throws InterruptedException {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
      wakeAt = target;
      waiter = Thread.currentThread();
      try {
        while (answered < target) {
          Throwable failed = failure;
          if (failed != null) {
            throw new IllegalStateException("the pipelined client failed after " + answered + " answers: " + failed,
                failed);
          }
          long left = deadline - System.nanoTime();
          if (left <= 0) {
            throw new IllegalStateException("only " + answered + " of " + target + " answers within "
                + TIMEOUT_SECONDS + " s (" + inflight + " in flight)");
          }
          LockSupport.parkNanos(this, left);
          if (Thread.interrupted()) {
            throw new InterruptedException();
          }
        }
      } finally {
        waiter = null;
        wakeAt = Long.MAX_VALUE;
      }
    }
  }
}
