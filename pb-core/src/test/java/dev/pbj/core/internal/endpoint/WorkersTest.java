package dev.pbj.core.internal.endpoint;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pbj.core.internal.BrokerPair;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Isolated;

@Isolated("starts the default pool's 256 threads")
class WorkersTest {
  @Test
  void workersThatAllWaitOnFuturesWaitInsteadOfFailing() throws Exception {
    ExecutorService pool = Workers.newDefault("workers-test");
    try {
      CompletableFuture<String> gate = new CompletableFuture<>();
      AtomicInteger waiting = new AtomicInteger();
      List<CompletableFuture<String>> done = new ArrayList<>();
      for (int i = 0; i < 300; i++) { // more than the pool's 256 threads: the rest queue
        CompletableFuture<String> result = new CompletableFuture<>();
        done.add(result);
        pool.execute(() -> {
          waiting.incrementAndGet();
          try {
            result.complete(gate.get(30, TimeUnit.SECONDS)); // a waiting worker asks the pool for a spare
          } catch (Throwable e) {
            result.completeExceptionally(e);
          }
        });
      }
      BrokerPair.eventually(() -> waiting.get() >= 256);
      gate.complete("opened");
      for (CompletableFuture<String> result : done) {
        assertThat(result.get(30, TimeUnit.SECONDS)).isEqualTo("opened");
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
