package dev.pbj.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pbj.RemoteException;
import dev.pbj.RemoteReference;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/** Waiting on remote calls in tests: bounded, never sleeping without a deadline. */
final class Calls {
  private Calls() {}

  /** The answer of {@code method} on {@code ref}, within 10 s. */
  static Object call(RemoteReference ref, String method, Object... args) throws Exception {
    return ref.callRemote(method, args).get(10, TimeUnit.SECONDS);
  }

  /** Why {@code future} failed; fails the test if it succeeds or takes more than 10 s. */
  static Throwable failure(CompletableFuture<?> future) {
    return assertThatThrownBy(() -> future.get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
        .actual().getCause();
  }

  /** The remote error {@code method} fails with. */
  static RemoteException remoteError(RemoteReference ref, String method, Object... args) {
    Throwable cause = failure(ref.callRemote(method, args));
    assertThat(cause).isInstanceOf(RemoteException.class);
    return (RemoteException) cause;
  }

  /** Waits until {@code condition} holds, for at most 10 s. */
  static void eventually(BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime()).as("condition within 10 s").isLessThan(deadline);
      Thread.sleep(10);
    }
  }
}
