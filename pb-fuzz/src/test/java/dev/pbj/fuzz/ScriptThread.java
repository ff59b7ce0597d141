package dev.pbj.fuzz;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;

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
}
