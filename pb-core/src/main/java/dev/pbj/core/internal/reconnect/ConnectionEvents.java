package dev.pbj.core.internal.reconnect;

import dev.pbj.ConnectionEvent;
import dev.pbj.RemoteReference;
import dev.pbj.core.internal.endpoint.Workers;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who a kept connection tells what: its listeners, and the events they are owed, delivered on the executor one at a
 * time in the order they were published, each listener first told the event current when it was added (publishing
 * only queues, as its caller may hold a lock; {@link #flush()}, called with no lock held, starts the delivery); and
 * the disconnect callbacks registered through its stable references.
 */
final class ConnectionEvents {
  private static final Logger log = LoggerFactory.getLogger(ConnectionEvents.class);

  private final Executor executor;
  private final List<Consumer<? super ConnectionEvent>> listeners = new ArrayList<>();
  private final Queue<Runnable> owed = new ArrayDeque<>();
  private final List<DisconnectCallback> disconnectCallbacks = new ArrayList<>();
  private ConnectionEvent current;
  private boolean delivering;

  ConnectionEvents(Executor executor) {
    this.executor = executor;
  }

  /** Queues {@code event} for every listener registered now; it becomes the one new listeners are told first. */
  synchronized void publish(ConnectionEvent event) {
    current = event;
    List<Consumer<? super ConnectionEvent>> told = List.copyOf(listeners);
    owed.add(() -> told.forEach(listener -> deliver(listener, event)));
  }

  /** The event last published. */
  synchronized ConnectionEvent current() {
    return current;
  }

  /** Registers {@code listener} and queues the current event for it alone. */
  synchronized void add(Consumer<? super ConnectionEvent> listener) {
    listeners.add(listener);
    ConnectionEvent now = current;
    if (now != null) {
      owed.add(() -> deliver(listener, now));
    }
  }

  /** Unregisters {@code listener}; events already queued for it are still delivered. */
  synchronized void remove(Consumer<? super ConnectionEvent> listener) {
    listeners.remove(listener);
  }

  /** Starts delivering what is owed, unless a delivery is under way; call with no lock held. */
  void flush() {
    synchronized (this) {
      if (delivering || owed.isEmpty()) {
        return;
      }
      delivering = true;
    }
    Workers.runOn(executor, this::deliverOwed);
  }

  private void deliverOwed() {
    while (true) {
      Runnable next;
      synchronized (this) {
        next = owed.poll();
        if (next == null) {
          delivering = false;
          return;
        }
      }
      next.run();
    }
  }

  /** A stable reference's disconnect callback, equal to another for an equal reference and the same consumer. */
  record DisconnectCallback(RemoteReference reference, Consumer<? super RemoteReference> callback) {}

  synchronized void addDisconnectCallback(DisconnectCallback callback) {
    disconnectCallbacks.add(callback);
  }

  synchronized void removeDisconnectCallback(DisconnectCallback callback) {
    disconnectCallbacks.remove(callback);
  }

  /** The disconnect callbacks registered now. */
  synchronized List<DisconnectCallback> disconnectCallbacks() {
    return List.copyOf(disconnectCallbacks);
  }

  /** Runs {@code callbacks} on the executor, in order, each failure logged. */
  void runDisconnectCallbacks(List<DisconnectCallback> callbacks) {
    if (callbacks.isEmpty()) {
      return;
    }
    Workers.runOn(executor, () -> {
      for (DisconnectCallback callback : callbacks) {
        try {
          callback.callback().accept(callback.reference());
        } catch (Throwable e) {
          log.warn("disconnect callback of {} failed", callback.reference(), e);
        }
      }
    });
  }

  private static void deliver(Consumer<? super ConnectionEvent> listener, ConnectionEvent event) {
    try {
      listener.accept(event);
    } catch (Throwable e) {
      // a listener's failure is its own; the others, and the connection, carry on
      log.warn("connection listener {} failed on {}", listener, event, e);
    }
  }
}
