package dev.pbj.core.internal.connection;

import java.net.SocketAddress;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.MDC;

/**
 * Names one connection in SLF4J's {@link MDC} ({@value #CONNECTION}: its id in this process, {@value #PEER}: the
 * peer's address) while work for it runs: its context's decoding and dispatch, and the remote methods it calls. A
 * logging backend that prints the MDC (Logback's {@code %X}, Log4j's {@code %X}) then says which connection a line
 * is about, PBJ's and the methods' own alike. Set once per run of queued work, not per message.
 */
final class LogContext {
  static final String CONNECTION = "pbj.connection";
  static final String PEER = "pbj.peer";
  private static final AtomicLong IDS = new AtomicLong();

  private final String id;
  private final String peer;

  LogContext(SocketAddress peer) {
    this.id = Long.toString(IDS.incrementAndGet());
    this.peer = String.valueOf(peer);
  }

  /** {@code executor} running each task with this connection in the MDC. */
  Executor wrap(Executor executor) {
    return task -> executor.execute(() -> run(task));
  }

  /** Runs {@code task} with this connection in the MDC, then puts back what was there. */
  void run(Runnable task) {
    String outerId = MDC.get(CONNECTION);
    String outerPeer = MDC.get(PEER);
    MDC.put(CONNECTION, id);
    MDC.put(PEER, peer);
    try {
      task.run();
    } finally {
      restore(CONNECTION, outerId);
      restore(PEER, outerPeer);
    }
  }

  private static void restore(String key, String value) {
    if (value == null) {
      MDC.remove(key);
    } else {
      MDC.put(key, value);
    }
  }

  @Override
  public String toString() {
    return "connection " + id + " with " + peer;
  }
}
