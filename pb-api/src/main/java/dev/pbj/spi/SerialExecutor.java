package dev.pbj.spi;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Objects;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.BooleanSupplier;

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
 *
 * <p>A context may have a <em>home</em> as well ({@link #SerialExecutor(Executor, BooleanSupplier, Executor,
 * Runnable)}): an I/O thread where it runs what never blocks, which saves the thread hand-offs between the
 * transport and the context. Tasks queued with {@link #executeAway}, and {@link MayRunUserCode} tasks that say so
 * when their turn comes, are never run there (user code must never hold up an I/O thread): a run at home that
 * reaches one hands the context, that task first, to the other executor, and the order of tasks is kept across
 * the move.
 */
public final class SerialExecutor implements Executor {
  private static final System.Logger log = System.getLogger(SerialExecutor.class.getName());

  /** Tasks one run takes before it hands the rest back to the executor. */
  private static final VarHandle RUNNING;

  static {
    try {
      RUNNING = MethodHandles.lookup().findVarHandle(SerialExecutor.class, "running", boolean.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private static final int TASKS_PER_RUN = 1_024;
  /** Tasks a caller of {@link #executeHere} runs at most (its own included) before handing the rest over. */
  private static final int TASKS_HERE = 64;

  /** Where runs go that may take any task. */
  private final Executor executor;
  /** Where runs go while no task queued must stay away from it; {@code executor} when there is no home. */
  private final Executor home;
  /** Whether the calling thread is the home's; null without a home. */
  private final BooleanSupplier atHome;
  private final Runnable whenIdle;
  private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
  /**
   * Set while a run is scheduled or under way; whoever sets it runs the queue (or has the executor run it). A field
   * with a VarHandle rather than an AtomicBoolean: two contexts per connection, thousands of connections.
   */
  private volatile boolean running;
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
    this.home = this.executor;
    this.atHome = null;
    this.whenIdle = whenIdle;
  }

  /**
   * A context that runs at {@code home} (an I/O thread; {@code atHome} tells whether the calling thread is it)
   * and moves to {@code away} for the tasks queued with {@link #executeAway}; {@code whenIdle} as above, run
   * wherever the queue empties.
   */
  public SerialExecutor(Executor home, BooleanSupplier atHome, Executor away, Runnable whenIdle) {
    this.home = Objects.requireNonNull(home, "home");
    this.atHome = Objects.requireNonNull(atHome, "atHome");
    this.executor = Objects.requireNonNull(away, "away");
    this.whenIdle = whenIdle;
  }

  /**
   * A task that decides, in the context, whether it runs user code: asked (once or more; the answer must not
   * change) when its turn comes in a run at the home, and run away from the home if so.
   */
  public interface MayRunUserCode extends Runnable {
    /** Whether this task runs user code; called in the context, before {@link #run}, or not at all. */
    boolean runsUserCode();
  }

  /** Queues {@code task}; the executor runs it after the tasks queued before it. */
  @Override
  public void execute(Runnable task) {
    tasks.add(Objects.requireNonNull(task, "task"));
    if (RUNNING.compareAndSet(this, false, true)) {
      schedule();
    }
  }

  /**
   * Queues {@code task}, which may run user code: it runs after the tasks queued before it, never at the home
   * (without a home, this is {@link #execute}).
   */
  public void executeAway(Runnable task) {
    execute(atHome == null ? task : new Away(Objects.requireNonNull(task, "task")));
  }

  /**
   * Queues {@code task} and, if the context is idle, runs the queue on the calling thread (its own task and at most
   * a few more, then the executor takes over); otherwise the run under way gets to it.
   */
  public void executeHere(Runnable task) {
    tasks.add(Objects.requireNonNull(task, "task"));
    if (RUNNING.compareAndSet(this, false, true)) {
      run(TASKS_HERE, false);
    }
  }

  /**
   * Runs {@code task} on the calling thread, now, if the context is idle with nothing queued (then the tasks queued
   * meanwhile run after it, as {@link #executeHere} would); otherwise does nothing. Returns whether it ran. For a
   * task that holds what is valid only during the call (a transport's buffer): the caller that gets {@code false}
   * copies what it needs and queues the task as usual. The task must not be one that stays away from the home.
   */
  public boolean runIfIdle(Runnable task) {
    Objects.requireNonNull(task, "task");
    if (!tasks.isEmpty() || !RUNNING.compareAndSet(this, false, true)) {
      return false;
    }
    // Nothing was queued before this task (one queued since found the flag set and waits for this run).
    Thread previous = runner;
    runner = Thread.currentThread();
    try {
      runSafely(task);
    } finally {
      runner = previous;
    }
    run(TASKS_HERE - 1, false);
    return true;
  }

  /** As {@link #executeHere}, for a task that may run user code: never run at the home. */
  public void executeAwayHere(Runnable task) {
    executeHere(atHome == null ? task : new Away(Objects.requireNonNull(task, "task")));
  }

  /** Whether the calling thread is running this context's tasks now. */
  public boolean inContext() {
    return runner == Thread.currentThread();
  }

  private void schedule() {
    Executor target = home != executor && mustRunAway(tasks.peek()) ? executor : home;
    try {
      target.execute(() -> run(TASKS_PER_RUN, false));
    } catch (RejectedExecutionException e) {
      if (target != executor) {
        // The home (an I/O thread) is gone: the context carries on away from it.
        try {
          executor.execute(() -> run(TASKS_PER_RUN, false));
          return;
        } catch (RejectedExecutionException alsoGone) {
          // fall through
        }
      }
      // The executor has shut down: what is left is cleanup (calls failing, tables emptied), better run here than
      // lost, which would leave futures unsettled.
      run(Integer.MAX_VALUE, true);
    }
  }

  /** Runs queued tasks, at most {@code budget}; {@code anywhere}: even those that must stay away from the home. */
  private void run(int budget, boolean anywhere) {
    Thread previous = runner;
    runner = Thread.currentThread();
    boolean home = !anywhere && atHome != null && atHome.getAsBoolean();
    try {
      int ran = 0;
      while (ran < budget) {
        Runnable task = tasks.peek();
        if (task == null) {
          idle();
          running = false;
          // A task queued after the peek and before the flag was cleared found it set and left it to this run.
          if (tasks.isEmpty() || !RUNNING.compareAndSet(this, false, true)) {
            return;
          }
          continue;
        }
        if (home && mustRunAway(task)) {
          break; // the rest runs away from the home, this task first; what was produced so far goes out now
        }
        tasks.poll();
        ran++;
        runSafely(task);
      }
      if (home) {
        idle();
      }
    } finally {
      runner = previous;
    }
    schedule();
  }

  private static boolean mustRunAway(Runnable task) {
    return task instanceof MayRunUserCode && ((MayRunUserCode) task).runsUserCode();
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

  /** A task that must not run at the home. */
  private static final class Away implements MayRunUserCode {
    private final Runnable task;

    Away(Runnable task) {
      this.task = task;
    }

    @Override
    public boolean runsUserCode() {
      return true;
    }

    @Override
    public void run() {
      task.run();
    }
  }
}
