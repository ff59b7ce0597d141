package dev.pbj.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class CompletionBatchTest {
  private final ExecutorService executor = Executors.newCachedThreadPool(task -> new Thread(task, "batch-test"));

  @AfterEach
  void stop() {
    executor.shutdownNow();
  }

  private static CallFuture<?>[] delivered(int count) {
    CallFuture<?>[] calls = new CallFuture<?>[count];
    for (int i = 0; i < count; i++) {
      CallFuture<Object> call = new CallFuture<>();
      assertThat(call.deliver(i, null)).isFalse();
      calls[i] = call;
    }
    return calls;
  }

  @Test
  void finishesTheCallsInOrderOnOneExecutorThread() throws Exception {
    CallFuture<?>[] calls = delivered(50);
    List<String> seen = new CopyOnWriteArrayList<>();
    CompletableFuture<?>[] callbacks = new CompletableFuture<?>[calls.length];
    for (int i = 0; i < calls.length; i++) {
      callbacks[i] = calls[i].thenAccept(value -> seen.add(value + "@" + Thread.currentThread().getName()));
    }
    CompletionBatch.start(calls, executor);
    // a plain future: waiting on the calls' own would finish them on this thread
    CompletableFuture.allOf(callbacks).get(10, TimeUnit.SECONDS);
    assertThat(seen).hasSize(50);
    // in order on one executor thread; on a starved machine the watchdog may hand the rest to a rescuing thread
    int last = -1;
    boolean batchThreadRan = false;
    for (String entry : seen) {
      String[] parts = entry.split("@");
      assertThat(parts[1]).isIn("batch-test", "pbj-completion-rescue");
      if (parts[1].equals("batch-test")) {
        batchThreadRan = true;
        assertThat(Integer.parseInt(parts[0])).isGreaterThan(last);
        last = Integer.parseInt(parts[0]);
      }
    }
    assertThat(batchThreadRan).isTrue();
  }

  @Test
  void aCallbackWaitingForALaterCallOfItsBatchIsRescued() throws Exception {
    CallFuture<?>[] calls = delivered(3);
    // allOf is not a call future: waiting on it cannot finish the call itself; only the watchdog's helper can
    CompletableFuture<Void> later = CompletableFuture.allOf(calls[2]);
    CompletableFuture<String> thirdRanOn = new CompletableFuture<>();
    calls[2].thenRun(() -> thirdRanOn.complete(Thread.currentThread().getName()));
    // the test waits on a plain future: waiting on the call's would finish the call on this thread
    CompletableFuture<String> first = new CompletableFuture<>();
    calls[0].thenRun(() -> {
      later.join();
      first.complete("waited for the third on " + Thread.currentThread().getName());
    });
    long started = System.nanoTime();
    CompletionBatch.start(calls, executor);
    assertThat(first.get(10, TimeUnit.SECONDS)).isEqualTo("waited for the third on batch-test");
    assertThat(thirdRanOn.get(10, TimeUnit.SECONDS)).isEqualTo("pbj-completion-rescue");
    assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started))
        .isGreaterThanOrEqualTo(CompletionBatch.PATIENCE_MILLIS);
    assertThat(calls[1].isDone()).isTrue();
  }

  @Test
  void aCallbackWaitingOnALaterCallItselfFinishesItWithoutTheWatchdog() throws Exception {
    CallFuture<?>[] calls = delivered(2);
    CompletableFuture<Object> second = calls[1].thenApply(value -> "second " + Thread.currentThread().getName());
    CompletableFuture<Object> first = new CompletableFuture<>();
    calls[0].thenRun(() -> first.complete(second.join()));
    CompletionBatch.start(calls, executor);
    assertThat(first.get(10, TimeUnit.SECONDS)).isEqualTo("second batch-test");
  }

  @Test
  void aClosedExecutorLeavesNoCallUnfinished() {
    CallFuture<?>[] calls = delivered(4);
    CompletionBatch.start(calls, task -> {
      throw new RejectedExecutionException("closed");
    });
    for (CallFuture<?> call : calls) {
      assertThat(call.isDone()).isTrue();
    }
  }
}
