package dev.pbj.core.internal.endpoint;

import dev.pbj.core.internal.calls.InboundCalls;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinWorkerThread;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The thread pools a client or server makes for itself when the user gives none. Both are bounded and queue what
 * they cannot start yet: nothing ever runs on the submitting thread (an I/O thread, often), and nothing is lost.
 */
public final class Workers {
  /** Remote methods that block each hold a thread; a connection's calls run one at a time (see InboundCalls). */
  private static final int MAX_WORKERS = 256;
  private static final long IDLE_SECONDS = 30;

  private Workers() {}

  /**
   * Where remote methods, answers' completions and callbacks run: threads made as work arrives, up to 256, each
   * let go after 30 idle seconds. Beyond that, work waits in the queue.
   */
  public static ExecutorService newDefault(String name) {
    return pool(name, MAX_WORKERS);
  }

  /**
   * Where connections' contexts run (decoding, tables, dispatch, encoding): work that never waits on a remote
   * method, so a pool the size of the machine keeps up; separate from {@link #newDefault}, so that remote methods
   * blocking every worker cannot keep an answer they wait for from being read.
   */
  public static ExecutorService newConnectionPool(String name) {
    return pool(name + "-connection", Math.max(2, 2 * Runtime.getRuntime().availableProcessors()));
  }

  /**
   * Runs {@code task} on {@code executor}: user code (a callback, a logout) never runs in a connection's context.
   * If the executor has shut down with its client or server, the task runs here rather than never, so that what it
   * settles is settled.
   */
  public static void runOn(Executor executor, Runnable task) {
    try {
      executor.execute(task);
    } catch (RejectedExecutionException e) {
      task.run();
    }
  }

  private static ExecutorService pool(String name, int threads) {
    AtomicInteger count = new AtomicInteger();
    ForkJoinPool.ForkJoinWorkerThreadFactory factory = pool -> {
      ForkJoinWorkerThread thread = ForkJoinPool.defaultForkJoinWorkerThreadFactory.newThread(pool);
      thread.setName(name + "-" + count.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    };
    // A fork-join pool in FIFO mode: it starts threads only when queued work finds none idle, and a worker that is
    // awake takes the next task without a wake-up per task, which a burst of answers (one task each) needs.
    // A worker that waits on a future (get, join) asks the pool for a spare thread; at the bound it simply waits
    // (the saturate predicate) instead of the pool's default, a RejectedExecutionException thrown at the waiter.
    return new ForkJoinPool(threads, factory, null, true, 0, threads, 1, pool -> true, IDLE_SECONDS,
        TimeUnit.SECONDS);
  }
}
