package dev.pbj.core.internal;

import java.util.ArrayDeque;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * Runs tasks one at a time, in submission order, on a shared executor: a connection's incoming calls start in
 * the order they arrived without holding a thread of their own.
 */
final class SerialExecutor implements Executor {
  private final Executor delegate;
  private final ArrayDeque<Runnable> queue = new ArrayDeque<>();
  private boolean running;
  /** Running is set, but the drain waits for {@link #startDeferred()}. */
  private boolean deferred;

  SerialExecutor(Executor delegate) {
    this.delegate = delegate;
  }

  @Override
  public void execute(Runnable task) {
    synchronized (this) {
      queue.add(task);
      if (running) {
        return;
      }
      running = true;
    }
    schedule();
  }

  /**
   * Queues {@code task} without starting a thread for it yet: {@link #startDeferred()} does, once for all the
   * tasks queued so. The I/O thread queues every call of one read this way, so the calls start together rather
   * than one wake-up each (on a busy CPU, a woken worker that runs before the read is done gets one call at a
   * time).
   */
  void executeDeferred(Runnable task) {
    synchronized (this) {
      queue.add(task);
      if (running) {
        return;
      }
      running = true;
      deferred = true;
    }
  }

  /** Starts the tasks {@link #executeDeferred} queued, if they have not started. */
  void startDeferred() {
    synchronized (this) {
      if (!deferred) {
        return;
      }
      deferred = false;
    }
    schedule();
  }

  /** Runs {@code task} on the calling thread if nothing is queued or running, keeping the order; else queues it. */
  void executeInlineIfIdle(Runnable task) {
    synchronized (this) {
      if (running) {
        queue.add(task);
        return;
      }
      running = true;
    }
    try {
      task.run();
    } finally {
      boolean more;
      synchronized (this) {
        more = !queue.isEmpty();
        running = more;
      }
      if (more) {
        schedule();
      }
    }
  }

  /** Whether tasks wait behind the one running. */
  synchronized boolean hasQueued() {
    return !queue.isEmpty();
  }

  private void schedule() {
    try {
      delegate.execute(this::drain);
    } catch (RejectedExecutionException e) {
      // The executor is shutting down with the connection: run what is left here rather than lose it.
      drain();
    }
  }

  private void drain() {
    while (true) {
      Runnable task;
      synchronized (this) {
        task = queue.poll();
        if (task == null) {
          running = false;
          return;
        }
      }
      try {
        task.run();
      } catch (RuntimeException e) {
        org.slf4j.LoggerFactory.getLogger(SerialExecutor.class).warn("task failed", e);
      }
    }
  }
}
