package dev.pbj.fuzz;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pbj.spi.SerialExecutor;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * The targets' executor waits for an outcome that another thread's hand-off holds up: a long run of the broker
 * target once found a closed connection still connected, because the cleaner's thread had claimed the
 * connection's context and queued its run only after the target had looked.
 */
class ScriptThreadTest {

  @Test
  void aTaskOfTheTargetQueuedBehindAnotherThreadsHandOffRunsOnceThatHandOffArrives() throws Exception {
    ScriptThread thread = new ScriptThread();
    CountDownLatch claimed = new CountDownLatch(1);
    CountDownLatch look = new CountDownLatch(1);
    // the context's run from another thread is claimed now and reaches the script thread only later
    SerialExecutor context = new SerialExecutor(task -> {
      if (thread.isOwner()) {
        task.run();
        return;
      }
      claimed.countDown();
      await(look);
      thread.execute(task);
    });
    AtomicBoolean closed = new AtomicBoolean();
    Thread cleaner = new Thread(() -> context.execute(() -> {}));
    cleaner.start();
    assertTrue(claimed.await(10, TimeUnit.SECONDS));
    context.execute(() -> closed.set(true)); // queued behind the claimed run
    thread.runWaiting();
    assertFalse(closed.get(), "looked at once, while the hand-off is under way");

    boolean done = thread.runUntil(() -> {
      look.countDown();
      return closed.get();
    }, 10_000);

    assertTrue(done);
    assertTrue(closed.get());
    cleaner.join(10_000);
  }

  @Test
  void anOutcomeThatNeverComesIsGivenUpAfterTheTimeout() {
    ScriptThread thread = new ScriptThread();

    assertFalse(thread.runUntil(() -> false, 20));
  }

  private static void await(CountDownLatch latch) {
    try {
      latch.await(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
