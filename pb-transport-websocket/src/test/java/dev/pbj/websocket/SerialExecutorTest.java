package dev.pbj.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class SerialExecutorTest {

  @Test
  void runHereRunsOnTheCallingThreadWhenIdleAndExecuteNeverDoes() throws Exception {
    var pool = new ConcurrentLinkedQueue<Runnable>();
    var serial = new SerialExecutor(pool::add);
    var ranOn = new ArrayList<Thread>();

    CompletableFuture<Void> ran = serial.runHere(() -> ranOn.add(Thread.currentThread()));
    assertThat(ran).isDone();
    assertThat(ranOn).containsExactly(Thread.currentThread());

    serial.execute(() -> ranOn.add(null));
    assertThat(ranOn).hasSize(1);
    assertThat(pool).hasSize(1);
    pool.poll().run();
    assertThat(ranOn).hasSize(2);
  }

  @Test
  void tasksHandedOverWhileOneRunsWaitForIt() {
    var pool = new ConcurrentLinkedQueue<Runnable>();
    var serial = new SerialExecutor(pool::add);
    List<String> order = new ArrayList<>();

    serial.runHere(() -> {
      order.add("first");
      serial.execute(() -> order.add("third"));
      CompletableFuture<Void> nested = serial.runHere(() -> order.add("fourth"));
      assertThat(nested).as("queued behind the running task, not run inside it").isNotDone();
      order.add("second");
    });

    assertThat(order).containsExactly("first", "second", "third", "fourth");
    assertThat(pool).as("the running thread drained the queue").isEmpty();
  }

  @Test
  void tasksFromManyThreadsRunOneAtATimeInSubmissionOrderPerThread() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      var serial = new SerialExecutor(pool);
      var running = new java.util.concurrent.atomic.AtomicInteger();
      var overlaps = new java.util.concurrent.atomic.AtomicInteger();
      List<Integer> seen = new ArrayList<>(); // touched by one task at a time
      var submitters = new ArrayList<CompletableFuture<Void>>();
      for (int thread = 0; thread < 4; thread++) {
        int base = thread * 1_000;
        submitters.add(CompletableFuture.runAsync(() -> {
          for (int i = 0; i < 1_000; i++) {
            int value = base + i;
            Runnable task = () -> {
              if (running.incrementAndGet() != 1) {
                overlaps.incrementAndGet();
              }
              seen.add(value);
              running.decrementAndGet();
            };
            if (i % 2 == 0) {
              serial.execute(task);
            } else {
              serial.runHere(task);
            }
          }
        }, pool));
      }
      CompletableFuture.allOf(submitters.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
      CompletableFuture<Void> last = new CompletableFuture<>();
      serial.execute(() -> last.complete(null));
      last.get(10, TimeUnit.SECONDS);

      assertThat(overlaps).hasValue(0);
      assertThat(seen).hasSize(4_000);
      for (int thread = 0; thread < 4; thread++) {
        int base = thread * 1_000;
        assertThat(seen.stream().filter(v -> v >= base && v < base + 1_000).toList()).isSorted();
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
