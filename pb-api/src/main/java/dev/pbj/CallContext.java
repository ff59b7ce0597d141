package dev.pbj;

import java.time.Duration;
import java.util.Optional;

/**
 * What a remote method may know about the call it serves: declare a parameter of this type (like a {@link Broker}
 * parameter) and PBJ passes it instead of a wire argument.
 *
 * <pre>{@code
 * @Remote
 * public CompletionStage<Report> build(String name, CallContext call) {
 *   CompletableFuture<Report> report = startBuilding(name);
 *   call.onCancel(() -> stopBuilding(name));
 *   return report;
 * }
 * }</pre>
 *
 * A PBJ caller sends its deadline with the call and tells this side when it gives up (see {@code docs/extensions.md});
 * a Twisted caller sends neither, so its calls have no deadline and are never cancelled. A call is cancelled once
 * its caller gave up on it or its deadline passed; a cancelled call's answer is not sent, and a
 * {@code CompletionStage} it returned that is still pending is cancelled. Thread-safe.
 */
public interface CallContext {

  /** The connection the call came in on. */
  Broker broker();

  /** The time left until the caller's deadline (zero or negative once passed), or empty if it set none. */
  Optional<Duration> timeRemaining();

  /** Whether the caller gave up on this call or its deadline passed. */
  boolean isCancelled();

  /**
   * Runs {@code callback} on the executor once the call is cancelled (at once if it already is); never if it
   * completes first.
   */
  void onCancel(Runnable callback);
}
