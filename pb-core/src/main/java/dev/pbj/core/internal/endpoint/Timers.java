package dev.pbj.core.internal.endpoint;

import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The one timer thread of the process's connections: call deadlines, both sides, and keepalive timeouts. Its tasks
 * only hand work on (to an executor or a connection's context), so one daemon thread keeps up, and a task cancelled
 * before it is due leaves the queue at once, so a call answered in time costs no memory until its deadline.
 */
public final class Timers {
  private static final ScheduledThreadPoolExecutor TIMER = newTimer();

  private Timers() {}

  /** Runs {@code task} on the timer thread after {@code nanos}; it must only hand work on. */
  public static ScheduledFuture<?> schedule(Runnable task, long nanos) {
    return TIMER.schedule(task, Math.max(0, nanos), TimeUnit.NANOSECONDS);
  }

  private static ScheduledThreadPoolExecutor newTimer() {
    ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, task -> {
      Thread thread = new Thread(task, "pbj-timer");
      thread.setDaemon(true);
      return thread;
    });
    timer.setRemoveOnCancelPolicy(true);
    return timer;
  }
}
