package dev.pbj.websocket;

import io.netty.channel.ChannelFactory;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.FastThreadLocalThread;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One provider's client threads: Netty event loops (daemons named {@code pbj-ws-client-N}; epoll where its native
 * library loads, else NIO), each running the whole
 * life of the client links it was given: the upgrade, every read and write, their timers and every
 * {@link dev.pbj.spi.LinkHandler} call. Started on the provider's first {@code connect}.
 */
final class ClientRuntime {

  private static final long SHUTDOWN_TIMEOUT_MILLIS = 2_000;

  final MultiThreadIoEventLoopGroup group;
  final ChannelFactory<? extends SocketChannel> channels;

  private ClientRuntime(MultiThreadIoEventLoopGroup group, ChannelFactory<? extends SocketChannel> channels) {
    this.group = group;
    this.channels = channels;
  }

  /** {@code threads}: 0 takes one per available processor. Epoll where its native library loads, else NIO. */
  static ClientRuntime start(int threads) {
    int count = threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
    boolean epoll = epollAvailable();
    IoHandlerFactory handlers = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
    return new ClientRuntime(new MultiThreadIoEventLoopGroup(count, daemons(), handlers),
        epoll ? EpollSocketChannel::new : NioSocketChannel::new);
  }

  private static boolean epollAvailable() {
    try {
      return Epoll.isAvailable();
    } catch (LinkageError e) { // netty-transport-classes-epoll left off the class path: NIO works everywhere
      return false;
    }
  }

  /** Whether the calling thread is one of the event loops, where waiting for the links would starve them. */
  boolean inClientThread() {
    for (EventExecutor loop : group) {
      if (loop.inEventLoop()) {
        return true;
      }
    }
    return false;
  }

  boolean isShutdown() {
    return group.isShuttingDown();
  }

  void shutdown() {
    var stopped = group.shutdownGracefully(0, SHUTDOWN_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
    if (!inClientThread()) {
      try {
        stopped.await(SHUTDOWN_TIMEOUT_MILLIS + 1_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private static ThreadFactory daemons() {
    AtomicInteger count = new AtomicInteger();
    return task -> {
      // FastThreadLocalThread: Netty's thread-locals (buffer caches) take a fast path on it
      Thread thread = new FastThreadLocalThread(task, "pbj-ws-client-" + count.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    };
  }
}
