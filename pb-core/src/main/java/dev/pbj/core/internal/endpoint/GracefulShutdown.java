package dev.pbj.core.internal.endpoint;

import dev.pbj.Broker;
import dev.pbj.core.internal.connection.BrokerImpl;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The waiting half of a graceful shutdown: the connections are told to take no new calls, then watched until
 * nothing is in flight on any of them (every call answered both ways, every answer taken by its peer) or the grace
 * period ends. Only a shutdown watches, a few times a second per client or server, never a connection's hot path.
 */
public final class GracefulShutdown {
  private static final long CHECK_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

  private GracefulShutdown() {}

  /**
   * Drains {@code brokers}; the future completes with whether all went quiet within {@code grace}. It completes on
   * the timer thread: what depends on it must hand its work on.
   *
   * @param refuseOwnCalls whether this side's new calls fail at once too (a client shutting down)
   */
  public static CompletableFuture<Boolean> drain(List<Broker> brokers, Duration grace, boolean refuseOwnCalls) {
    List<BrokerImpl> draining = brokers.stream().map(BrokerImpl.class::cast).toList();
    for (BrokerImpl broker : draining) {
      broker.drain(refuseOwnCalls);
    }
    CompletableFuture<Boolean> done = new CompletableFuture<>();
    check(draining, System.nanoTime() + grace.toNanos(), done);
    return done;
  }

  private static void check(List<BrokerImpl> brokers, long deadline, CompletableFuture<Boolean> done) {
    boolean quiet = brokers.stream().allMatch(broker -> !broker.isConnected() || broker.isQuiet());
    long left = deadline - System.nanoTime();
    if (quiet || left <= 0) {
      done.complete(quiet);
      return;
    }
    Timers.schedule(() -> check(brokers, deadline, done), Math.min(CHECK_NANOS, left));
  }
}
