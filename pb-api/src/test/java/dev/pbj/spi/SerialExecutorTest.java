package dev.pbj.spi;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SerialExecutorTest {
  private final ExecutorService pool = Executors.newFixedThreadPool(4);

  @AfterEach
  void stop() throws InterruptedException {
    pool.shutdownNow();
    assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
  }

  @Test
  void runsTasksOneAtATimeInSubmissionOrderFromManyThreads() throws Exception {
    SerialExecutor serial = new SerialExecutor(pool);
    List<Integer> seen = new ArrayList<>(); // unsynchronized on purpose: the context is the only writer
    AtomicInteger running = new AtomicInteger();
    AtomicInteger overlaps = new AtomicInteger();
    int perThread = 5_000;
    Thread[] submitters = new Thread[3];
    for (int t = 0; t < submitters.length; t++) {
      int base = t * perThread;
      submitters[t] = new Thread(() -> {
        for (int i = 0; i < perThread; i++) {
          int n = base + i;
          Runnable task = () -> {
            if (running.incrementAndGet() > 1) {
              overlaps.incrementAndGet();
            }
            seen.add(n);
            running.decrementAndGet();
          };
          if (n % 2 == 0) {
            serial.execute(task);
          } else {
            serial.executeHere(task);
          }
        }
      });
      submitters[t].start();
    }
    for (Thread submitter : submitters) {
      submitter.join(10_000);
    }
    CompletableFuture<List<Integer>> done = new CompletableFuture<>();
    serial.execute(() -> done.complete(new ArrayList<>(seen)));
    List<Integer> all = done.get(10, TimeUnit.SECONDS);
    assertThat(overlaps).hasValue(0);
    assertThat(all).hasSize(perThread * submitters.length);
    for (int t = 0; t < submitters.length; t++) { // each thread's tasks ran in the order it submitted them
      int base = t * perThread;
      assertThat(all.stream().filter(n -> n >= base && n < base + perThread).toList())
          .isSorted();
    }
  }

  @Test
  void aTaskThatThrowsAnErrorDoesNotWedgeTheContext() throws Exception {
    SerialExecutor serial = new SerialExecutor(pool);
    serial.execute(() -> {
      throw new StackOverflowError("thrown by the test");
    });
    serial.execute(() -> {
      throw new OutOfMemoryError("thrown by the test");
    });
    CompletableFuture<String> after = new CompletableFuture<>();
    serial.execute(() -> after.complete("ran"));
    assertThat(after.get(10, TimeUnit.SECONDS)).isEqualTo("ran");
  }

  @Test
  void executeHereRunsOnTheCallerWhenIdleAndQueuesWhenBusy() throws Exception {
    SerialExecutor serial = new SerialExecutor(pool);
    Thread me = Thread.currentThread();
    AtomicInteger here = new AtomicInteger();
    serial.executeHere(() -> {
      assertThat(serial.inContext()).isTrue();
      if (Thread.currentThread() == me) {
        here.incrementAndGet();
      }
    });
    assertThat(here).hasValue(1);
    assertThat(serial.inContext()).isFalse();

    CountDownLatch hold = new CountDownLatch(1);
    serial.execute(() -> {
      try {
        hold.await(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    CompletableFuture<Thread> ranOn = new CompletableFuture<>();
    serial.executeHere(() -> ranOn.complete(Thread.currentThread())); // busy: queued, returns at once
    assertThat(ranOn).isNotDone();
    hold.countDown();
    assertThat(ranOn.get(10, TimeUnit.SECONDS)).isNotSameAs(me);
  }

  @Test
  void runIfIdleRunsNowOnlyWhenNothingIsQueuedOrRunning() throws Exception {
    List<String> events = new ArrayList<>(); // the context is the only writer
    SerialExecutor serial = new SerialExecutor(pool, () -> events.add("idle"));
    Thread me = Thread.currentThread();
    boolean ran = serial.runIfIdle(() -> {
      assertThat(serial.inContext()).isTrue();
      events.add(Thread.currentThread() == me ? "now, here" : "elsewhere");
      serial.execute(() -> events.add("queued by it")); // runs in the same run, after it
    });
    assertThat(ran).isTrue();
    assertThat(serial.inContext()).isFalse();
    assertThat(events).containsExactly("now, here", "queued by it", "idle");

    CountDownLatch hold = new CountDownLatch(1);
    CountDownLatch holding = new CountDownLatch(1);
    serial.execute(() -> {
      holding.countDown();
      try {
        hold.await(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    assertThat(holding.await(10, TimeUnit.SECONDS)).isTrue();
    AtomicInteger refused = new AtomicInteger();
    assertThat(serial.runIfIdle(refused::incrementAndGet)).isFalse(); // running: not run, not queued
    serial.execute(() -> events.add("after the hold"));
    hold.countDown();
    CompletableFuture<List<String>> seen = new CompletableFuture<>();
    serial.execute(() -> seen.complete(new ArrayList<>(events)));
    assertThat(seen.get(10, TimeUnit.SECONDS)).contains("after the hold");
    assertThat(refused).hasValue(0);
  }

  @Test
  void runIfIdleDoesNotOvertakeAQueuedTask() throws Exception {
    // a task queued and not yet run (its run scheduled on an executor that has not started it) keeps its turn
    List<Runnable> parked = new ArrayList<>();
    SerialExecutor serial = new SerialExecutor(parked::add);
    List<String> events = new ArrayList<>();
    serial.execute(() -> events.add("first"));
    assertThat(serial.runIfIdle(() -> events.add("second"))).isFalse();
    assertThat(events).isEmpty();
    parked.get(0).run();
    assertThat(events).containsExactly("first");
  }

  @Test
  void whenIdleRunsInTheContextOnceTheQueueEmpties() throws Exception {
    List<String> events = new ArrayList<>();
    CountDownLatch idled = new CountDownLatch(1);
    SerialExecutor serial = new SerialExecutor(pool, () -> {
      events.add("idle");
      idled.countDown();
    });
    CountDownLatch hold = new CountDownLatch(1);
    serial.execute(() -> {
      try {
        hold.await(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      events.add("a");
    });
    serial.execute(() -> events.add("b"));
    hold.countDown();
    assertThat(idled.await(10, TimeUnit.SECONDS)).isTrue();
    CompletableFuture<List<String>> seen = new CompletableFuture<>();
    serial.execute(() -> seen.complete(new ArrayList<>(events)));
    assertThat(seen.get(10, TimeUnit.SECONDS)).startsWith("a", "b", "idle");
  }

  @Test
  void aBusyContextGivesItsThreadBackAfterABatch() throws Exception {
    ExecutorService one = Executors.newSingleThreadExecutor();
    try {
      CountDownLatch hold = new CountDownLatch(1);
      one.execute(() -> {
        try {
          hold.await(10, TimeUnit.SECONDS); // until both contexts have queued their work
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      });
      SerialExecutor busy = new SerialExecutor(one);
      AtomicInteger ran = new AtomicInteger();
      for (int i = 0; i < 10_000; i++) {
        busy.execute(ran::incrementAndGet);
      }
      // another context on the same single thread gets a turn before the busy one has run everything
      SerialExecutor other = new SerialExecutor(one);
      CompletableFuture<Integer> seenByOther = new CompletableFuture<>();
      other.execute(() -> seenByOther.complete(ran.get()));
      hold.countDown();
      assertThat(seenByOther.get(10, TimeUnit.SECONDS)).isLessThan(10_000);
    } finally {
      one.shutdownNow();
    }
  }

  @Test
  void tasksThatRunUserCodeNeverRunAtHomeAndTheOrderHoldsAcrossMoves() throws Exception {
    ExecutorService homeThread = Executors.newSingleThreadExecutor(r -> new Thread(r, "home"));
    try {
      SerialExecutor serial = new SerialExecutor(homeThread, () -> Thread.currentThread().getName().equals("home"),
          pool, null);
      List<Integer> seen = new ArrayList<>(); // the context is the only writer
      List<String> awayThreads = new ArrayList<>();
      AtomicInteger atHome = new AtomicInteger();
      AtomicInteger running = new AtomicInteger();
      AtomicInteger overlaps = new AtomicInteger();
      int tasks = 20_000;
      for (int i = 0; i < tasks; i++) {
        int n = i;
        Runnable task = () -> {
          if (running.incrementAndGet() > 1) {
            overlaps.incrementAndGet();
          }
          seen.add(n);
          if (Thread.currentThread().getName().equals("home")) {
            atHome.incrementAndGet();
          }
          running.decrementAndGet();
        };
        if (n % 7 == 0) {
          serial.executeAway(() -> {
            awayThreads.add(Thread.currentThread().getName());
            task.run();
          });
        } else if (n % 7 == 1) {
          boolean away = n % 3 == 0;
          serial.execute(new SerialExecutor.MayRunUserCode() {
            @Override
            public boolean runsUserCode() {
              return away;
            }

            @Override
            public void run() {
              if (away) {
                awayThreads.add(Thread.currentThread().getName());
              }
              task.run();
            }
          });
        } else {
          serial.execute(task);
        }
      }
      CompletableFuture<List<Integer>> done = new CompletableFuture<>();
      serial.execute(() -> done.complete(new ArrayList<>(seen)));
      List<Integer> all = done.get(10, TimeUnit.SECONDS);
      assertThat(overlaps).hasValue(0);
      assertThat(all).hasSize(tasks);
      for (int i = 0; i < tasks; i++) {
        assertThat(all.get(i)).isEqualTo(i);
      }
      assertThat(awayThreads).isNotEmpty().doesNotContain("home");
      assertThat(atHome.get()).as("the tasks free to stay home ran there, at least some").isPositive();
    } finally {
      homeThread.shutdownNow();
    }
  }

  @Test
  void aRunStartedHereOnTheHomeThreadHandsOverAtTheFirstUserCodeTask() throws Exception {
    ExecutorService homeThread = Executors.newSingleThreadExecutor(r -> new Thread(r, "home"));
    try {
      SerialExecutor serial = new SerialExecutor(homeThread, () -> Thread.currentThread().getName().equals("home"),
          pool, null);
      List<String> where = new ArrayList<>();
      CompletableFuture<List<String>> done = new CompletableFuture<>();
      homeThread.submit(() -> {
        serial.executeHere(() -> where.add("plain:" + Thread.currentThread().getName()));
        serial.executeAwayHere(() -> where.add("user:" + Thread.currentThread().getName()));
        serial.executeHere(() -> where.add("after:" + Thread.currentThread().getName()));
        serial.execute(() -> done.complete(new ArrayList<>(where)));
      }).get(10, TimeUnit.SECONDS);
      List<String> seen = done.get(10, TimeUnit.SECONDS);
      assertThat(seen).hasSize(3);
      assertThat(seen.get(0)).isEqualTo("plain:home");
      assertThat(seen.get(1)).startsWith("user:").isNotEqualTo("user:home");
      assertThat(seen.get(2)).startsWith("after:");
    } finally {
      homeThread.shutdownNow();
    }
  }

  @Test
  void aContextWhoseHomeIsGoneCarriesOnAway() throws Exception {
    ExecutorService homeThread = Executors.newSingleThreadExecutor(r -> new Thread(r, "home"));
    homeThread.shutdownNow();
    SerialExecutor serial = new SerialExecutor(homeThread, () -> Thread.currentThread().getName().equals("home"),
        pool, null);
    CompletableFuture<String> ran = new CompletableFuture<>();
    serial.execute(() -> ran.complete(Thread.currentThread().getName()));
    assertThat(ran.get(10, TimeUnit.SECONDS)).startsWith("pool-");
  }
}
