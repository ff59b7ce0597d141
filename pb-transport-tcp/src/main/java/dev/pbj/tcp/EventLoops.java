package dev.pbj.tcp;

import io.netty.channel.ChannelFactory;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.FastThreadLocalThread;
import io.netty.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One provider's I/O threads and the channel types that match them: Netty's plain NIO channels, or its epoll
 * channels when asked for and the native library loads. Each channel lives on one of the threads, which runs its
 * whole pipeline: every read, every write (other threads' writes reach it as tasks) and every callback. Created
 * on the provider's first connect or listen; immutable afterwards.
 */
final class EventLoops {

  private static final Logger log = LoggerFactory.getLogger(EventLoops.class);

  /** How long {@link #shutdown()} lets the threads finish closing channels. */
  private static final long SHUTDOWN_TIMEOUT_MILLIS = 2_000;

  final MultiThreadIoEventLoopGroup group;
  final ChannelFactory<? extends SocketChannel> socketChannels;
  final ChannelFactory<? extends ServerChannel> serverChannels;

  private EventLoops(
      MultiThreadIoEventLoopGroup group,
      ChannelFactory<? extends SocketChannel> socketChannels,
      ChannelFactory<? extends ServerChannel> serverChannels) {
    this.group = group;
    this.socketChannels = socketChannels;
    this.serverChannels = serverChannels;
  }

  /** {@code threads} 0 takes Netty's default (twice the available processors). */
  static EventLoops start(int threads, boolean epollWanted) {
    var threadFactory = new IoThreadFactory();
    boolean epoll = epollWanted && epollAvailable();
    IoHandlerFactory handlers = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
    var group = new MultiThreadIoEventLoopGroup(threads, threadFactory, handlers);
    log.debug("TCP transport: {} with {} I/O threads", epoll ? "epoll" : "NIO", group.executorCount());
    return epoll
        ? new EventLoops(group, EpollSocketChannel::new, EpollServerSocketChannel::new)
        : new EventLoops(group, NioSocketChannel::new, NioServerSocketChannel::new);
  }

  private static boolean epollAvailable() {
    try {
      if (Epoll.isAvailable()) {
        return true;
      }
      log.debug("epoll unavailable ({}), using NIO", String.valueOf(Epoll.unavailabilityCause()));
    } catch (LinkageError e) {
      // netty-transport-classes-epoll left off the classpath: NIO works everywhere.
      log.debug("epoll classes missing ({}), using NIO", e.toString());
    }
    return false;
  }

  /** Whether the calling thread is one of these I/O threads, where blocking to wait would deadlock. */
  boolean inIoThread() {
    for (EventExecutor executor : group) {
      if (executor.inEventLoop()) {
        return true;
      }
    }
    return false;
  }

  /**
   * Shuts the threads down at once (no quiet period); they close the channels still registered. Waits for them
   * unless called from one of them.
   */
  void shutdown() {
    Future<?> terminated = group.shutdownGracefully(0, SHUTDOWN_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
    if (!inIoThread()) {
      terminated.awaitUninterruptibly(SHUTDOWN_TIMEOUT_MILLIS + 1_000);
    }
  }

  /** Daemon threads named {@code pbj-tcp-io-N}, N counting from 1 within one provider. */
  private static final class IoThreadFactory extends DefaultThreadFactory {
    private final AtomicInteger count = new AtomicInteger();

    IoThreadFactory() {
      super("pbj-tcp-io", true);
    }

    @Override
    protected Thread newThread(Runnable task, String ignoredName) {
      return new FastThreadLocalThread(threadGroup, task, "pbj-tcp-io-" + count.incrementAndGet());
    }
  }
}
