package dev.pbj.spi;

import java.util.Objects;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Runs tasks one at a time, in submission order, on a shared executor: a serial context (one connection's state,
 * one link's events) that holds no thread of its own, in the manner of gRPC's {@code SerializingExecutor}. It is
 * here, in the SPI, because the core and the transports both need one and the project keeps a single
 * implementation of it.
 *
 * <p>{@link #execute} always hands the work to the executor, so a caller that must not run it (an I/O thread)
 * never does; {@link #executeHere} runs it on the calling thread when the context is idle, which saves a thread
 * hand-off for callers that may. A task that throws (any {@link Throwable}, {@link Error}s included) is logged and
 * the next one runs: nothing a task does wedges the context. A run gives its thread back to the executor after a
 * bounded number of tasks, so one busy context cannot keep others sharing the executor waiting.
 */
public final class SerialExecutor implements Executor {
  private static final System.Logger log = System.getLogger(SerialExecutor.class.getName());

  /** Tasks one run takes before it hands the rest back to the executor. */
  private static final int TASKS_PER_RUN = 1_024;
  /** Tasks a caller of {@link #executeHere} runs at most (its own included) before handing the rest over. */
  private static final int TASKS_HERE = 64;

  private final Executor executor;
  private final Runnable whenIdle;
  private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
  /** Set while a run is scheduled or under way; whoever sets it runs the queue (or has the executor run it). */
  private final AtomicBoolean running = new AtomicBoolean();
  private volatile Thread runner;

  /** A context on {@code executor}. */
  public SerialExecutor(Executor executor) {
    this(executor, null);
  }

  /**
   * A context on {@code executor} that runs {@code whenIdle} (if not null) inside the context each time its queue
   * empties: the place to flush what the tasks of a run produced.
   */
  public SerialExecutor(Executor executor, Runnable whenIdle) {
    this.executor = Objects.requireNonNull(executor, "executor");
    this.whenIdle = whenIdle;
  }

  /** Queues {@code task}; the executor runs it after the tasks queued before it. */
  @Override
  public void execute(Runnable task) {
    tasks.add(Objects.requireNonNull(task, "task"));
    if (running.compareAndSet(false, true)) {
      schedule();
    }
  }

  /**
   * Queues {@code task} and, if the context is idle, runs the queue on the calling thread (its own task and at most
   * a few more, then the executor takes over); otherwise the run under way gets to it.
   */
  public void executeHere(Runnable task) {
    tasks.add(Objects.requireNonNull(task, "task"));
    if (running.compareAndSet(false, true)) {
      run(TASKS_HERE);
    }
  }

  /** Whether the calling thread is running this context's tasks now. */
  public boolean inContext() {
    return runner == Thread.currentThread();
  }

  private void schedule() {
    try {
      executor.execute(() -> run(TASKS_PER_RUN));
    } catch (RejectedExecutionException e) {
      // The executor has shut down: what is left is cleanup (calls failing, tables emptied), better run here than
      // lost, which would leave futures unsettled.
      run(Integer.MAX_VALUE);
    }
  }

  private void run(int budget) {
    Thread previous = runner;
    runner = Thread.currentThread();
    try {
      int ran = 0;
      while (ran < budget) {
        Runnable task = tasks.poll();
        if (task == null) {
          idle();
          running.set(false);
          // A task queued after the poll and before the flag was cleared found it set and left it to this run.
          if (tasks.isEmpty() || !running.compareAndSet(false, true)) {
            return;
          }
          continue;
        }
        ran++;
        runSafely(task);
      }
    } finally {
      runner = previous;
    }
    schedule();
  }

  private void idle() {
    if (whenIdle != null) {
      runSafely(whenIdle);
    }
  }

  private static void runSafely(Runnable task) {
    try {
      task.run();
    } catch (OutOfMemoryError e) {
      log.log(System.Logger.Level.ERROR, "a task ran out of memory; the context goes on", e);
    } catch (Throwable e) {
      log.log(System.Logger.Level.WARNING, "a task failed; the context goes on", e);
    }
  }
}
