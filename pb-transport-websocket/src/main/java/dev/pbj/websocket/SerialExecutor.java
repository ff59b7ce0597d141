package dev.pbj.websocket;

import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one client link's tasks one at a time, in submission order: the link's event thread, in effect, over a
 * shared pool. {@link #execute} always hands the task to the pool (callers such as {@code Link.send} run on
 * application threads, which must not end up running handler code); {@link #runHere} runs it on the calling
 * thread when nothing else is running, saving a thread hop for the JDK WebSocket's listener callbacks, which
 * already run on transport threads.
 */
final class SerialExecutor implements Executor {

  private static final Logger log = LoggerFactory.getLogger(SerialExecutor.class);

  private final Executor pool;
  private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
  /** Tasks queued and not yet run; whoever raises it from 0 runs the queue. */
  private final AtomicInteger pending = new AtomicInteger();

  SerialExecutor(Executor pool) {
    this.pool = pool;
  }

  @Override
  public void execute(Runnable task) {
    tasks.add(task);
    if (pending.getAndIncrement() == 0) {
      try {
        pool.execute(this::runQueued);
      } catch (RejectedExecutionException e) {
        runQueued(); // the provider is closing: what remains is cleanup, better run here than never
      }
    }
  }

  /** Runs {@code task} after those queued before it, here if no thread is running them; done once it ran. */
  CompletableFuture<Void> runHere(Runnable task) {
    CompletableFuture<Void> ran = new CompletableFuture<>();
    tasks.add(() -> {
      try {
        task.run();
      } finally {
        ran.complete(null);
      }
    });
    if (pending.getAndIncrement() == 0) {
      runQueued();
    }
    return ran;
  }

  private void runQueued() {
    do {
      Runnable task = tasks.poll();
      try {
        task.run();
      } catch (RuntimeException | Error e) {
        log.warn("a WebSocket client task failed", e);
      }
    } while (pending.decrementAndGet() != 0);
  }
}
