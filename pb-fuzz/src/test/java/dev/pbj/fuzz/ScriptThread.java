package dev.pbj.fuzz;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * The executor of a fuzz target's connection: on the target's own thread a task runs at once, as a direct executor
 * would; from any other thread (the garbage collector's cleaner posting a released reference's decref, a timer) it
 * waits until the target's thread {@link #runWaiting() runs what waits}. So the whole connection stays on one
 * thread, and a check the target makes never races with a task a collection happened to start.
 */
public final class ScriptThread implements Executor {
  private final Thread owner = Thread.currentThread();
  private final ConcurrentLinkedQueue<Runnable> fromOtherThreads = new ConcurrentLinkedQueue<>();

  /** Made on the thread that runs the input. */
  public ScriptThread() {}

  @Override
  public void execute(Runnable task) {
    if (Thread.currentThread() == owner) {
      task.run();
    } else {
      fromOtherThreads.add(task);
    }
  }

  /** Whether the caller is the target's thread. */
  public boolean isOwner() {
    return Thread.currentThread() == owner;
  }

  /** On the target's thread: runs what other threads handed over, and what that hands over in turn. */
  public void runWaiting() {
    Runnable task;
    while ((task = fromOtherThreads.poll()) != null) {
      task.run();
    }
  }

  /**
   * On the target's thread: runs what other threads hand over until {@code done} holds, for at most
   * {@code timeoutMillis}; returns whether it holds. A hand-off from another thread can be under way while the
   * target looks (the cleaner has claimed the connection's context and not yet queued its run here), and the
   * context's later tasks, the target's own included, wait behind it; so an outcome that needs the context to run
   * is waited for, not looked at once. Returns at once when it already holds.
   */
  public boolean runUntil(BooleanSupplier done, long timeoutMillis) {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
    while (true) {
      runWaiting();
      if (done.getAsBoolean()) {
        return true;
      }
      if (System.nanoTime() - deadline > 0) {
        return false;
      }
      Thread.yield();
    }
  }
}
