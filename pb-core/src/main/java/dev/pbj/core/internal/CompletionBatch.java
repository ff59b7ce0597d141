package dev.pbj.core.internal;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * The calls answered by one read, finished in arrival order by one executor task: a burst of answers costs one
 * hand-off, not one each.
 *
 * <p>Running them one after another has a hazard: a callback that blocks until a later call of the same batch is
 * finished would wait forever. Waiting on a call's own future is safe (the waiter finishes the call itself, see
 * {@link CallFuture}), but waiting on something built from it, such as {@code allOf(...).join()}, is not. So a
 * watchdog thread, awake only while batches run, starts another task on the rest of a batch that has made no
 * progress for {@value #PATIENCE_MILLIS} ms, on a thread of its own. The watchdog cannot tell a blocked callback
 * from a slow or starved one: from then on the batch's callbacks run on two threads, each in order.
 */
final class CompletionBatch implements Runnable {
  static final long PATIENCE_MILLIS = 20;
  private static final long PATIENCE_NANOS = TimeUnit.MILLISECONDS.toNanos(PATIENCE_MILLIS);

  private final CallFuture<?>[] calls;
  private final Executor executor;
  private final AtomicInteger next = new AtomicInteger();
  /** When the last call was taken up (or a helper started). */
  private volatile long progressAt;

  private CompletionBatch(CallFuture<?>[] calls, Executor executor) {
    this.calls = calls;
    this.executor = executor;
  }

  /** Finishes {@code calls} in order on {@code executor}. */
  static void start(CallFuture<?>[] calls, Executor executor) {
    new CompletionBatch(calls, executor).submit();
  }

  private void submit() {
    try {
      executor.execute(this);
    } catch (RejectedExecutionException e) {
      run(); // the executor is shutting down: finish them here rather than leave them waiting
    }
  }

  @Override
  public void run() {
    progressAt = System.nanoTime(); // before the watchdog can see it: a batch just started is not stuck
    Watchdog.INSTANCE.watch(this);
    try {
      int i;
      while ((i = next.getAndIncrement()) < calls.length) {
        progressAt = System.nanoTime();
        calls[i].finish();
      }
    } finally {
      Watchdog.INSTANCE.forget(this);
    }
  }

  /**
   * Called by the watchdog: if the batch is stuck, a rescuing thread takes up its remaining calls. Not the
   * executor's: it may be the one that is stuck, or run tasks in place (on the watchdog).
   */
  private void rescueIfStuck(long now) {
    if (next.get() < calls.length && now - progressAt > PATIENCE_NANOS) {
      progressAt = now;
      Watchdog.RESCUERS.execute(this);
    }
  }

  /** One daemon thread for all connections; it parks when no batch has run for a while. */
  private static final class Watchdog implements Runnable {
    static final Watchdog INSTANCE = new Watchdog();
    /** How long the watchdog keeps polling after the last batch ended before it parks. */
    private static final long LINGER_NANOS = TimeUnit.MILLISECONDS.toNanos(200);

    /** Threads made only when a batch is stuck, and kept a minute. */
    static final ExecutorService RESCUERS = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 60, TimeUnit.SECONDS,
        new SynchronousQueue<>(), task -> {
          Thread thread = new Thread(task, "pbj-completion-rescue");
          thread.setDaemon(true);
          return thread;
        });

    private final Set<CompletionBatch> running = ConcurrentHashMap.newKeySet();
    private volatile Thread thread;
    private volatile boolean parked = true;

    void watch(CompletionBatch batch) {
      running.add(batch);
      if (parked) {
        wake();
      }
    }

    void forget(CompletionBatch batch) {
      running.remove(batch);
    }

    private synchronized void wake() {
      if (thread == null) {
        Thread started = new Thread(this, "pbj-completion-watchdog");
        started.setDaemon(true);
        thread = started;
        parked = false;
        started.start();
      } else if (parked) {
        parked = false;
        LockSupport.unpark(thread);
      }
    }

    @Override
    public void run() {
      long idleSince = System.nanoTime();
      while (true) {
        LockSupport.parkNanos(this, PATIENCE_NANOS / 2);
        long now = System.nanoTime();
        if (running.isEmpty()) {
          if (now - idleSince > LINGER_NANOS) {
            parked = true;
            if (running.isEmpty()) { // a batch that started just before parked was set finds it unset: look again
              LockSupport.park(this);
            }
            parked = false;
            idleSince = System.nanoTime();
          }
          continue;
        }
        idleSince = now;
        for (CompletionBatch batch : running) {
          batch.rescueIfStuck(now);
        }
      }
    }
  }
}
