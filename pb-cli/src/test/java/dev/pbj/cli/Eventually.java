package dev.pbj.cli;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Waits, bounded, for a condition that another thread makes true (a decref arriving, say). */
public final class Eventually {
  private static final Duration LIMIT = Duration.ofSeconds(10);

  private Eventually() {}

  public static void await(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + LIMIT.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError(what + ": not within " + LIMIT.toSeconds() + " s");
      }
      Thread.sleep(5); // polling a stats snapshot: there is no event to wait on
    }
  }
}
