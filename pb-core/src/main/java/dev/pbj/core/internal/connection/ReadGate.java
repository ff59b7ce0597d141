package dev.pbj.core.internal.connection;

import dev.pbj.spi.Link;

/**
 * Whether a connection reads its peer: closed while any reason to wait holds (its output is above the high water
 * mark, too many of the peer's calls are pending, too many bytes read are not decoded yet), open once none does.
 * The link is told only when the whole answer changes. Thread-safe: reasons come from the I/O thread, the
 * connection's context and the workers answering calls.
 */
public final class ReadGate {
  /** The peer is not taking its output. */
  static final int OUTPUT = 1;
  /** {@link dev.pbj.Limits#maxPendingCalls()} of the peer's calls are queued or running. */
  static final int CALLS = 2;
  /** Bytes read and not yet decoded passed the high water mark. */
  static final int INBOX = 4;
  /** Held closed by whoever owns the connection until they open it (a test's peer that never reads, say). */
  public static final int HELD = 8;

  private final Link link;
  private final long inboxLimit;
  private final int maxPendingCalls;
  private int reasons;
  /** Bytes read and not yet decoded. */
  private long inbox;
  /** The peer's calls queued or running. */
  private int pendingCalls;
  /** How many times reading stopped: a keepalive does not count silence while this side was not reading. */
  private long pauses;

  ReadGate(Link link, long inboxLimit, int maxPendingCalls) {
    this.link = link;
    this.inboxLimit = inboxLimit;
    this.maxPendingCalls = maxPendingCalls;
  }

  /** Counts a call of the peer's taken up ({@code delta} 1) or answered (-1), under the same lock as the gate. */
  public synchronized void callsChanged(int delta) {
    pendingCalls += delta;
    if (pendingCalls >= maxPendingCalls) {
      close(CALLS);
    } else {
      open(CALLS);
    }
  }

  public synchronized int pendingCalls() {
    return pendingCalls;
  }

  /**
   * Counts bytes read ({@code delta} above 0) or decoded (below): counted and checked under one lock, so a pause
   * for bytes already decoded cannot slip in after the resume.
   */
  synchronized void inboxChanged(long delta) {
    inbox += delta;
    if (inbox > inboxLimit) {
      close(INBOX);
    } else {
      open(INBOX);
    }
  }

  /** Stops reading for {@code reason} (until {@link #open} with the same reason). */
  public synchronized void close(int reason) {
    int before = reasons;
    reasons |= reason;
    if (before == 0) {
      pauses++;
      link.pauseReading();
    }
  }

  /** Drops {@code reason}; reading resumes if it was the last. */
  public synchronized void open(int reason) {
    if ((reasons & reason) == 0) {
      return;
    }
    reasons &= ~reason;
    if (reasons == 0) {
      link.resumeReading();
    }
  }

  /** Sets or drops {@code reason}. */
  void set(int reason, boolean waiting) {
    if (waiting) {
      close(reason);
    } else {
      open(reason);
    }
  }

  synchronized boolean isOpen() {
    return reasons == 0;
  }

  /** How many times reading has stopped so far. */
  synchronized long pauses() {
    return pauses;
  }
}
