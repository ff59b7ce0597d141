package dev.pbj.core.internal.reconnect;

import dev.pbj.Reconnect;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.random.RandomGenerator;

/**
 * The waits of a kept connection between attempts, as {@link Reconnect} documents them: exponential from the initial
 * delay, capped, jittered, never more than the cap.
 */
final class Backoff {
  private Backoff() {}

  /** The {@code n}-th wait of an outage (n from 1), jitter drawn from the options' random source. */
  static Duration delay(Reconnect options, int n) {
    if (n < 1) {
      throw new IllegalArgumentException("wait number must be at least 1: " + n);
    }
    double cap = options.maxDelay().toNanos();
    // the power overflows to infinity for large n, which the cap then bounds
    double base = Math.min(cap, options.initialDelay().toNanos() * Math.pow(options.multiplier(), n - 1));
    RandomGenerator random = options.random().orElseGet(ThreadLocalRandom::current);
    double jittered;
    if (options.fullJitter()) {
      jittered = base * random.nextDouble();
    } else if (options.jitter() > 0) {
      jittered = base * (1 + options.jitter() * (2 * random.nextDouble() - 1));
    } else {
      jittered = base;
    }
    return Duration.ofNanos((long) Math.max(0, Math.min(cap, jittered)));
  }
}
