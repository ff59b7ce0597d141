package dev.pbj.websocket;

import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.FastThreadLocalThread;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One provider's client threads: Netty event loops (daemons named {@code pbj-ws-client-N}), each running the whole
 * life of the client links it was given: the upgrade, every read and write, their timers and every
 * {@link dev.pbj.spi.LinkHandler} call. Started on the provider's first {@code connect}.
 */
final class ClientRuntime {

  private static final long SHUTDOWN_TIMEOUT_MILLIS = 2_000;

  final MultiThreadIoEventLoopGroup group;

  private ClientRuntime(MultiThreadIoEventLoopGroup group) {
    this.group = group;
  }

  /** {@code threads}: 0 takes one per available processor. */
  static ClientRuntime start(int threads) {
    int count = threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
    return new ClientRuntime(new MultiThreadIoEventLoopGroup(count, daemons(), NioIoHandler.newFactory()));
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
