package dev.pbj.core.internal.connection;

import dev.pbj.core.internal.endpoint.Workers;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a broker owes the application when its connection ends ({@link dev.pbj.Broker#notifyOnDisconnect}): the
 * callbacks registered until then, run once on the executor (they are user code), and then its close future. A
 * callback registered after the end runs at once, on the executor too. Thread-safe.
 */
final class DisconnectCallbacks {
  private static final Logger log = LoggerFactory.getLogger(DisconnectCallbacks.class);

  private final Executor executor;
  private final List<Runnable> callbacks = new ArrayList<>(); // guarded by this; null once ended
  private final CompletableFuture<Void> closed = new CompletableFuture<>();
  private boolean ended; // guarded by this

  DisconnectCallbacks(Executor executor) {
    this.executor = executor;
  }

  void add(Runnable callback) {
    synchronized (this) {
      if (!ended) {
        callbacks.add(callback);
        return;
      }
    }
    Workers.runOn(executor, callback);
  }

  synchronized void remove(Runnable callback) {
    callbacks.remove(callback);
  }

  /** The connection ended: runs every callback, then completes {@link #closed()}. */
  void end() {
    List<Runnable> due;
    synchronized (this) {
      ended = true;
      due = new ArrayList<>(callbacks);
      callbacks.clear();
    }
    Workers.runOn(executor, () -> {
      for (Runnable callback : due) {
        try {
          callback.run();
        } catch (RuntimeException e) {
          log.warn("disconnect callback failed", e);
        }
      }
      closed.complete(null);
    });
  }

  CompletableFuture<Void> closed() {
    return closed;
  }
}
