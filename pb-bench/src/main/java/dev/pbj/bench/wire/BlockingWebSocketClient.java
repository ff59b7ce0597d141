package dev.pbj.bench.wire;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
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

/**
 * A raw WebSocket client for a blocking caller, the WebSocket latency floor's: one call at a time, written by the
 * caller's thread (one pre-masked frame, {@link WebSocketEcho}), its answer completing the caller's future on the
 * client's event loop, as {@code NettyEchoPeer} does for TCP and as a PBJ caller waiting on {@code callRemote} does.
 * What is left is the sockets, the event loops, the WebSocket framing and one thread hand-off each way.
 *
 * <p>Not for concurrent callers: {@link #roundTrip} is one call at a time. {@link #close} from any thread.
 */
final class BlockingWebSocketClient implements AutoCloseable {
  private final Loops loops;
  private final Channel channel;
  private final Answers answers;
  private final byte[] call;

  private BlockingWebSocketClient(Loops loops, Channel channel, Answers answers, byte[] call) {
    this.loops = loops;
    this.channel = channel;
    this.answers = answers;
    this.call = call;
  }

  /** Connects to 127.0.0.1:{@code port} and returns once the upgrade is done. */
  static BlockingWebSocketClient connect(int port, byte[] payload) throws InterruptedException {
    WebSocketEcho wire = new WebSocketEcho(payload, port);
    Loops loops = Loops.start(1);
    Channel channel = null;
    try {
      Answers answers = new Answers(wire);
      channel = new Bootstrap().group(loops.group()).channel(loops.clientType())
          .option(ChannelOption.TCP_NODELAY, true)
          .option(ChannelOption.CONNECT_TIMEOUT_MILLIS,
              (int) TimeUnit.SECONDS.toMillis(PipelinedClient.TIMEOUT_SECONDS))
          .handler(answers)
          .connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port)).sync().channel();
      answers.upgraded.get(PipelinedClient.TIMEOUT_SECONDS, TimeUnit.SECONDS);
      return new BlockingWebSocketClient(loops, channel, answers, wire.call());
    } catch (ExecutionException | TimeoutException | RuntimeException e) {
      close(channel, loops);
      Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
      throw new IllegalStateException("cannot open a WebSocket to 127.0.0.1:" + port + ": " + cause, cause);
    } catch (InterruptedException | Error e) {
      close(channel, loops);
      throw e;
    }
  }

  /** Sends one call and waits (at most {@value PipelinedClient#TIMEOUT_SECONDS} s) for its answer. */
  void roundTrip() throws InterruptedException, ExecutionException, TimeoutException {
    CompletableFuture<Void> answer = new CompletableFuture<>();
    answers.waiting = answer;
    channel.writeAndFlush(Unpooled.wrappedBuffer(call), channel.voidPromise());
    answer.get(PipelinedClient.TIMEOUT_SECONDS, TimeUnit.SECONDS);
  }

  @Override
  public void close() {
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

  /** Writes the upgrade request, reads the answer to it, then completes the waiting call on each echoed frame. */
  private static final class Answers extends ChannelInboundHandlerAdapter {
    private final WebSocketEcho wire;
    final CompletableFuture<Void> upgraded = new CompletableFuture<>();
    /** The call waiting for its answer: set by the caller before it writes, taken on the event loop. */
    volatile CompletableFuture<Void> waiting;

    Answers(WebSocketEcho wire) {
      this.wire = wire;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
      ctx.writeAndFlush(Unpooled.wrappedBuffer(wire.takeReply()), ctx.voidPromise());
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      ByteBuf in = (ByteBuf) msg;
      try {
        int n = wire.read(in);
        if (wire.ready()) {
          upgraded.complete(null);
        }
        if (n > 0) {
          CompletableFuture<Void> answer = waiting;
          waiting = null;
          if (answer == null || n > 1) {
            fail(new IllegalStateException(n + " answers came for one call"));
          } else {
            answer.complete(null);
          }
        }
      } catch (RuntimeException e) {
        fail(e);
        ctx.close();
      } finally {
        in.release();
      }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      fail(new IllegalStateException("the server closed the connection"));
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      fail(cause);
      ctx.close();
    }

    private void fail(Throwable cause) {
      upgraded.completeExceptionally(cause);
      CompletableFuture<Void> answer = waiting;
      if (answer != null) {
        answer.completeExceptionally(cause);
      }
    }
  }
}
