package dev.pbj.core.internal.endpoint;

import dev.pbj.Broker;
import dev.pbj.ShuttingDownException;
import dev.pbj.core.internal.connection.BrokerImpl;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The connections of one client or server, and its life: open, shutting down (no new connections, calls in flight
 * finishing; see {@link GracefulShutdown}), closed (every connection closed, the pools stopped). Thread-safe.
 */
public final class ConnectionSet {
  private final String owner;
  private final List<ExecutorService> pools;
  private final List<Broker> brokers = new ArrayList<>();
  private final CompletableFuture<Void> termination = new CompletableFuture<>();
  private boolean shuttingDown;
  private boolean closed;

  /**
   * @param owner {@code "client"} or {@code "server"}, for messages and thread names
   * @param pools stopped once every connection has closed (the owned executors)
   */
  public ConnectionSet(String owner, List<ExecutorService> pools) {
    this.owner = owner;
    this.pools = List.copyOf(pools);
  }

  /** Whether new connections are taken: neither shutting down nor closed. */
  public synchronized boolean isOpen() {
    return !closed && !shuttingDown;
  }

  /** Why a new connection is refused, once not {@link #isOpen()}. */
  public synchronized String refusal() {
    return owner + " is " + (closed ? "closed" : "shutting down");
  }

  /** Tracks {@code broker} until it closes; once not {@link #isOpen()}, closes it instead and returns false. */
  public boolean add(Broker broker) {
    boolean taken;
    synchronized (this) {
      taken = isOpen();
      if (taken) {
        brokers.add(broker);
      }
    }
    if (!taken) {
      broker.close();
      return false;
    }
    broker.closeFuture().whenComplete((v, e) -> {
      synchronized (this) {
        brokers.remove(broker);
      }
    });
    return true;
  }

  /**
   * The connections open now: a broker leaves the set once its close callbacks have run, but is not listed from
   * the moment its connection is lost.
   */
  public synchronized List<Broker> connections() {
    List<Broker> open = new ArrayList<>(brokers.size());
    for (Broker broker : brokers) {
      if (broker.isConnected()) {
        open.add(broker);
      }
    }
    return List.copyOf(open);
  }

  /**
   * Starts a graceful shutdown (see {@code PbServer.shutdown}); {@code stopAccepting} runs first, and
   * {@code closeListeners} when the connections are closed at its end. Idempotent: later calls return the same
   * future, which completes once closed.
   *
   * @param refuseOwnCalls whether this side's new calls fail at once too (a client)
   */
  public CompletableFuture<Void> shutdown(Duration grace, boolean refuseOwnCalls, Runnable stopAccepting,
      Runnable closeListeners) {
    Objects.requireNonNull(grace, "grace");
    List<Broker> open;
    synchronized (this) {
      if (shuttingDown || closed) {
        return termination;
      }
      shuttingDown = true;
      open = new ArrayList<>(brokers);
    }
    stopAccepting.run();
    GracefulShutdown.drain(open, grace, refuseOwnCalls).thenAccept(quiet -> {
      // off the timer thread: closing waits for the connections to go
      Thread closing = new Thread(() -> close(new ShuttingDownException("the " + owner + " shut down"
          + (quiet ? "" : " at the end of its grace period of " + grace)), closeListeners), "pbj-" + owner
          + "-shutdown");
      closing.setDaemon(true);
      closing.start();
    });
    return termination;
  }

  /** Waits until closed; true if it is. */
  public boolean awaitTermination(Duration timeout) throws InterruptedException {
    try {
      termination.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
      return true;
    } catch (TimeoutException e) {
      return false;
    } catch (ExecutionException e) {
      return true;
    }
  }

  /**
   * Closes every connection (with {@code cause} as the reason, if not null: calls pending fail with it) after
   * {@code closeListeners}, waits up to 5 s for them to go, stops the pools; idempotent.
   */
  public void close(Throwable cause, Runnable closeListeners) {
    List<Broker> open;
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      open = new ArrayList<>(brokers);
    }
    try {
      closeListeners.run();
      for (Broker broker : open) {
        if (cause == null) {
          broker.close();
        } else {
          ((BrokerImpl) broker).close(cause);
        }
      }
      CompletableFuture.allOf(open.stream().map(Broker::closeFuture).toArray(CompletableFuture[]::new))
          .completeOnTimeout(null, 5, TimeUnit.SECONDS).join();
    } finally {
      synchronized (this) {
        brokers.clear(); // closed now, whichever of their close callbacks has run yet
      }
      pools.forEach(ExecutorService::shutdown);
      termination.complete(null); // a listener that failed to close must not leave awaitTermination waiting
    }
  }
}
