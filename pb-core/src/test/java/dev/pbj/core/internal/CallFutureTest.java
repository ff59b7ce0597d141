package dev.pbj.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class CallFutureTest {
  private final ExecutorService threads = Executors.newCachedThreadPool();

  @AfterEach
  void stop() {
    threads.shutdownNow();
  }

  /** Waits until {@code thread} is parked in {@code future}'s wait (bounded: fails after ten seconds). */
  private static void awaitParked(AtomicReference<Thread> thread, CallFuture<?> future) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (thread.get() == null || java.util.concurrent.locks.LockSupport.getBlocker(thread.get()) != future) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("the waiter never parked on the call");
      }
      Thread.sleep(1);
    }
  }

  private Future<String> waitOn(CompletableFuture<Object> stage, AtomicReference<Thread> waiter,
      AtomicReference<String> callbackThread) {
    return threads.submit(() -> {
      waiter.set(Thread.currentThread());
      Object value = stage.get(10, TimeUnit.SECONDS);
      return value + " on " + callbackThread.get();
    });
  }

  @Test
  void aWaitingThreadReceivesTheAnswerAndRunsTheCallbacksItself() throws Exception {
    CallFuture<Object> call = new CallFuture<>();
    AtomicReference<String> callbackThread = new AtomicReference<>();
    call.whenComplete((v, e) -> callbackThread.set(Thread.currentThread().getName()));
    AtomicReference<Thread> waiter = new AtomicReference<>();
    Future<String> answer = waitOn(call, waiter, callbackThread);
    awaitParked(waiter, call);

    assertThat(call.deliver("hello", null)).as("handed to the waiter").isTrue();

    assertThat(answer.get(10, TimeUnit.SECONDS)).isEqualTo("hello on " + waiter.get().getName());
    call.finish(); // nothing left to do
    assertThat(call.join()).isEqualTo("hello");
  }

  @Test
  void withoutAWaiterTheAnswerWaitsForFinish() {
    CallFuture<Object> call = new CallFuture<>();
    assertThat(call.deliver("hello", null)).isFalse();
    assertThat(call.isDone()).isFalse();
    call.finish();
    assertThat(call.getNow("not yet")).isEqualTo("hello");
  }

  @Test
  void aThreadThatWaitsAfterDeliveryDoesNotWaitForFinish() throws Exception {
    CallFuture<Object> call = new CallFuture<>();
    assertThat(call.deliver("early", null)).isFalse();
    assertThat(call.get(10, TimeUnit.SECONDS)).isEqualTo("early");
    assertThat(call.deliver("late", null)).as("the first outcome stands").isTrue();
    call.finish();
    assertThat(call.join()).isEqualTo("early");
  }

  @Test
  void aFailureReachesTheWaiterAsTheCause() throws Exception {
    CallFuture<Object> call = new CallFuture<>();
    AtomicReference<Thread> waiter = new AtomicReference<>();
    Future<String> answer = waitOn(call, waiter, new AtomicReference<>());
    awaitParked(waiter, call);
    IllegalStateException failure = new IllegalStateException("boom");
    assertThat(call.deliver(null, failure)).isTrue();
    assertThatThrownBy(() -> answer.get(10, TimeUnit.SECONDS)).cause()
        .isInstanceOf(ExecutionException.class).cause().isSameAs(failure);
  }

  @Test
  void waitingOnADerivedStageRunsItsFunctionOnTheWaitingThread() throws Exception {
    CallFuture<Object> call = new CallFuture<>();
    CompletableFuture<Object> derived = call.thenApply(v -> v + " from " + Thread.currentThread().getName());
    assertThat(derived).isInstanceOf(CallFuture.class);
    AtomicReference<Thread> waiter = new AtomicReference<>();
    Future<Object> answer = threads.submit(() -> {
      waiter.set(Thread.currentThread());
      return derived.join();
    });
    awaitParked(waiter, call);
    assertThat(call.deliver("hi", null)).isTrue();
    assertThat(answer.get(10, TimeUnit.SECONDS)).isEqualTo("hi from " + waiter.get().getName());
  }

  @Test
  void aStageThatTheCallDoesNotCompleteIsWaitedForTheOrdinaryWay() throws Exception {
    CallFuture<Object> call = new CallFuture<>();
    CompletableFuture<Object> later = new CompletableFuture<>();
    CompletableFuture<Object> composed = call.thenCompose(v -> later);
    AtomicReference<Thread> waiter = new AtomicReference<>();
    Future<Object> answer = threads.submit(() -> {
      waiter.set(Thread.currentThread());
      return composed.get(10, TimeUnit.SECONDS);
    });
    awaitParked(waiter, call);
    assertThat(call.deliver("first", null)).isTrue();
    later.complete("second");
    assertThat(answer.get(10, TimeUnit.SECONDS)).isEqualTo("second");
  }

  @Test
  void aTimedWaitGivesUpAndTheAnswerIsNotLost() throws Exception {
    CallFuture<Object> call = new CallFuture<>();
    assertThatThrownBy(() -> call.get(20, TimeUnit.MILLISECONDS)).isInstanceOf(TimeoutException.class);
    assertThat(call.deliver("after", null)).as("no waiter is left registered").isFalse();
    call.finish();
    assertThat(call.join()).isEqualTo("after");
  }

  @Test
  void anInterruptedWaitThrowsAndTheAnswerIsNotLost() throws Exception {
    CallFuture<Object> call = new CallFuture<>();
    AtomicReference<Thread> waiter = new AtomicReference<>();
    CountDownLatch interrupted = new CountDownLatch(1);
    Future<?> waiting = threads.submit(() -> {
      waiter.set(Thread.currentThread());
      try {
        call.get();
      } catch (InterruptedException e) {
        interrupted.countDown();
      }
      return null;
    });
    awaitParked(waiter, call);
    waiter.get().interrupt();
    assertThat(interrupted.await(10, TimeUnit.SECONDS)).isTrue();
    waiting.get(10, TimeUnit.SECONDS);
    assertThat(call.deliver("kept", null)).isFalse();
    call.finish();
    assertThat(call.join()).isEqualTo("kept");
  }

  @Test
  void joinIsNotInterruptedButKeepsTheInterrupt() throws Exception {
    CallFuture<Object> call = new CallFuture<>();
    AtomicReference<Thread> waiter = new AtomicReference<>();
    Future<String> answer = threads.submit(() -> {
      waiter.set(Thread.currentThread());
      Object value = call.join();
      return value + " interrupted=" + Thread.currentThread().isInterrupted();
    });
    awaitParked(waiter, call);
    waiter.get().interrupt();
    awaitParked(waiter, call); // still waiting
    assertThat(call.deliver("v", null)).isTrue();
    assertThat(answer.get(10, TimeUnit.SECONDS)).isEqualTo("v interrupted=true");
  }

  @Test
  void cancellingWakesTheWaiter() throws Exception {
    CallFuture<Object> call = new CallFuture<>();
    AtomicReference<Thread> waiter = new AtomicReference<>();
    Future<Object> answer = threads.submit(() -> {
      waiter.set(Thread.currentThread());
      return call.join();
    });
    awaitParked(waiter, call);
    call.cancel(false);
    assertThatThrownBy(() -> answer.get(10, TimeUnit.SECONDS)).cause().isInstanceOf(CancellationException.class);
    assertThat(call.deliver("too late", null)).isFalse();
    call.finish();
    assertThat(call.isCancelled()).isTrue();
  }

  @Test
  void aTimeoutOnADerivedStageWakesTheWaiter() throws Exception {
    CallFuture<Object> call = new CallFuture<>();
    CompletableFuture<Object> bounded = call.thenApply(v -> v).orTimeout(50, TimeUnit.MILLISECONDS);
    assertThatThrownBy(() -> bounded.get(10, TimeUnit.SECONDS)).cause().isInstanceOf(TimeoutException.class);
  }

  @Test
  void racingWaitersAndDeliveriesSettleEveryCallOnceWithItsOwnAnswer() throws Exception {
    int calls = 2_000;
    List<CallFuture<Object>> futures = new ArrayList<>();
    for (int i = 0; i < calls; i++) {
      futures.add(new CallFuture<>());
    }
    Future<?> delivering = threads.submit(() -> {
      for (int i = 0; i < calls; i++) {
        if (!futures.get(i).deliver(i, null)) {
          futures.get(i).finish();
        }
      }
    });
    List<Future<Object>> waits = new ArrayList<>();
    for (int w = 0; w < 2; w++) {
      waits.add(threads.submit(() -> {
        long sum = 0;
        for (CallFuture<Object> future : futures) {
          sum += (Integer) future.get(10, TimeUnit.SECONDS);
        }
        return sum;
      }));
    }
    delivering.get(10, TimeUnit.SECONDS);
    long expected = (long) calls * (calls - 1) / 2;
    for (Future<Object> wait : waits) {
      assertThat(wait.get(10, TimeUnit.SECONDS)).isEqualTo(expected);
    }
  }
}
