package dev.pbj.websocket;

import java.net.SocketTimeoutException;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Dead-peer detection for one link: pings when the peer has been quiet for the ping interval, and gives up when it
 * has sent nothing at all (no message, no ping, no pong) for the idle timeout. A peer that answers pings is never
 * idle, however long it has nothing to say.
 *
 * <p>Confined to the link's event thread: {@link #start}, {@link #heard}, {@link #stop} and the timer's ticks all
 * run there (the {@link Timer} must run its tasks there too). One tick is scheduled at a time, for the next moment
 * something is due, so a busy link costs a clock read per frame and nothing else.
 */
final class Keepalive {

  /** Runs a task on the link's event thread after a delay; returns what cancels it. */
  @FunctionalInterface
  interface Timer {
    Runnable schedule(Runnable task, long delayMillis);
  }

  /** What the keepalive asks of its link. */
  interface Peer {
    /** Sends a ping; a failure to send shows up as the link's I/O error. */
    void ping();

    /** The peer was silent for the idle timeout: close the link with {@code timeout} as the cause. */
    void silent(SocketTimeoutException timeout);
  }

  private final long pingIntervalMillis;
  private final long idleTimeoutMillis;
  private final Timer timer;
  private final Peer peer;
  private final LongSupplier clockMillis;

  private long lastHeard;
  private long lastPing;
  private Runnable cancelTick;
  private boolean running;

  /** {@code 0} for either turns that part off. */
  Keepalive(long pingIntervalMillis, long idleTimeoutMillis, Timer timer, Peer peer) {
    this(pingIntervalMillis, idleTimeoutMillis, timer, peer,
        () -> TimeUnit.NANOSECONDS.toMillis(System.nanoTime()));
  }

  /** With the clock given, in milliseconds from any origin; for tests. */
  Keepalive(long pingIntervalMillis, long idleTimeoutMillis, Timer timer, Peer peer, LongSupplier clockMillis) {
    this.pingIntervalMillis = pingIntervalMillis;
    this.idleTimeoutMillis = idleTimeoutMillis;
    this.timer = timer;
    this.peer = peer;
    this.clockMillis = clockMillis;
  }

  void start() {
    if (running || (pingIntervalMillis == 0 && idleTimeoutMillis == 0)) {
      return;
    }
    running = true;
    lastHeard = now();
    lastPing = lastHeard;
    scheduleTick(lastHeard);
  }

  /** Something arrived from the peer. */
  void heard() {
    if (running) {
      lastHeard = now();
    }
  }

  void stop() {
    running = false;
    if (cancelTick != null) {
      cancelTick.run();
      cancelTick = null;
    }
  }

  private void tick() {
    if (!running) {
      return;
    }
    long now = now();
    if (idleTimeoutMillis > 0 && now - lastHeard >= idleTimeoutMillis) {
      stop();
      peer.silent(new SocketTimeoutException("no pong within " + idleTimeoutMillis + " ms: the peer sent nothing"
          + (pingIntervalMillis > 0 ? ", not even a pong to pings every " + pingIntervalMillis + " ms" : "")
          + " (WebSocketTransportProvider.Builder.idleTimeout)"));
      return;
    }
    if (pingIntervalMillis > 0 && now - Math.max(lastHeard, lastPing) >= pingIntervalMillis) {
      lastPing = now;
      peer.ping();
    }
    if (running) { // the ping may have failed and closed the link
      scheduleTick(now);
    }
  }

  private void scheduleTick(long now) {
    long due = Long.MAX_VALUE;
    if (pingIntervalMillis > 0) {
      due = Math.max(lastHeard, lastPing) + pingIntervalMillis;
    }
    if (idleTimeoutMillis > 0) {
      due = Math.min(due, lastHeard + idleTimeoutMillis);
    }
    cancelTick = timer.schedule(this::tick, Math.max(1, due - now));
  }

  private long now() {
    return clockMillis.getAsLong();
  }
}
