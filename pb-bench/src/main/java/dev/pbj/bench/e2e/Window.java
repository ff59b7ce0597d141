package dev.pbj.bench.e2e;

import java.util.concurrent.CompletionStage;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Keeps at most {@code size} calls in flight: {@link #acquire()} waits for a free slot, {@link #track} frees it
 * when the call settles. A failed call fails the next {@code acquire}, so a broken benchmark stops rather than
 * measuring errors. Thread-safe.
 */
public final class Window {
  /** How long a call may take before the benchmark gives up. */
  static final long TIMEOUT_SECONDS = 10;

  private final Semaphore slots;
  private final int size;
  private volatile Throwable failure;

  public Window(int size) {
    this.size = size;
    this.slots = new Semaphore(size);
  }

  /** Waits for a free slot. */
  public void acquire() throws InterruptedException {
    Throwable failed = failure;
    if (failed != null) {
      throw new IllegalStateException("a call in flight failed: " + failed, failed);
    }
    if (!slots.tryAcquire(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
      throw new IllegalStateException("no call settled within " + TIMEOUT_SECONDS + " s (" + size + " in flight)");
    }
  }

  /** Frees the slot taken by the last {@link #acquire()} once {@code call} settles. */
  public void track(CompletionStage<?> call) {
    call.whenComplete((value, error) -> {
      if (error != null) {
        failure = error;
      }
      slots.release();
    });
  }

  /** Waits until every call in flight has settled. */
  public void drain() throws InterruptedException {
    if (!slots.tryAcquire(size, TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
      throw new IllegalStateException("calls still in flight after " + TIMEOUT_SECONDS + " s");
    }
    slots.release(size);
  }
}
