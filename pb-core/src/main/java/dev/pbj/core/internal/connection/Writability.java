package dev.pbj.core.internal.connection;

import dev.pbj.core.internal.endpoint.Workers;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * Whether a connection can take more output, for producers that pace themselves ({@link dev.pbj.Broker#whenWritable},
 * a pager): the link's writability (its high and low water marks), as seen in the connection's context, so a
 * question asked after a send is answered with that send counted. Waiters are completed on the executor (what
 * they run next is the application's). Used in the context only.
 */
final class Writability {
  private final Executor executor;
  private final List<CompletableFuture<Void>> waiters = new ArrayList<>();
  private boolean blocked;
  private Throwable lost;

  Writability(Executor executor) {
    this.executor = executor;
  }

  /** {@code future} completes once output can be taken: at once if it can now. */
  void await(CompletableFuture<Void> future) {
    if (lost != null) {
      Workers.runOn(executor, () -> future.completeExceptionally(lost));
    } else if (blocked) {
      waiters.add(future);
    } else {
      Workers.runOn(executor, () -> future.complete(null));
    }
  }

  void changed(boolean writable) {
    blocked = !writable;
    if (writable && !waiters.isEmpty()) {
      List<CompletableFuture<Void>> ready = new ArrayList<>(waiters);
      waiters.clear();
      Workers.runOn(executor, () -> ready.forEach(future -> future.complete(null)));
    }
  }

  /** The connection is gone: every waiter, and every later one, fails with {@code cause}. */
  void lost(Throwable cause) {
    lost = cause;
    List<CompletableFuture<Void>> failed = new ArrayList<>(waiters);
    waiters.clear();
    if (!failed.isEmpty()) {
      Workers.runOn(executor, () -> failed.forEach(future -> future.completeExceptionally(cause)));
    }
  }
}
