package dev.pbj;

import java.time.Duration;
import java.util.Objects;

/**
 * Dead-peer detection on a byte-stream connection (TCP): once the peer has sent nothing for {@code time}, a PBJ peer
 * is pinged and must show life within {@code timeout}, or the connection closes and every call waiting on it fails
 * with {@link ConnectionLostException}. A Twisted peer has no ping, so with it only the operating system's TCP
 * keepalive probes run (started after {@code time}, one per {@code timeout}), which find a vanished host but not
 * a process that stopped reading. Silence while this side itself has stopped reading (back-pressure) does not count.
 *
 * @param time how long the peer may be silent before it is asked; positive
 * @param timeout how long an asked peer has to answer; positive
 */
public record Keepalive(Duration time, Duration timeout) {
  private static final Keepalive DISABLED = new Keepalive(Duration.ZERO, Duration.ZERO);

  public Keepalive {
    Objects.requireNonNull(time, "time");
    Objects.requireNonNull(timeout, "timeout");
    if (time.isNegative() || timeout.isNegative() || time.isZero() != timeout.isZero()) {
      throw new IllegalArgumentException("keepalive time and timeout must both be positive: " + time + ", "
          + timeout);
    }
  }

  /** Asks a peer silent for 30 seconds, and gives it 20 seconds to answer. */
  public static Keepalive defaults() {
    return new Keepalive(Duration.ofSeconds(30), Duration.ofSeconds(20));
  }

  /** Never asks: a silent peer is waited for as long as the operating system keeps the connection. */
  public static Keepalive disabled() {
    return DISABLED;
  }

  /** Whether this keepalive asks at all. */
  public boolean enabled() {
    return !time.isZero();
  }
}
