package dev.pbj.core.internal.reconnect;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pbj.Reconnect;
import java.time.Duration;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

/** The waits between attempts: exponential, capped, jittered within their bounds, from the random source given. */
class BackoffTest {
  /** A random source that always draws {@code value} (tests need the extremes). */
  private static RandomGenerator always(double value) {
    return new RandomGenerator() {
      @Override
      public long nextLong() {
        throw new UnsupportedOperationException("only doubles are drawn");
      }

      @Override
      public double nextDouble() {
        return value;
      }
    };
  }

  private static Reconnect.Builder base() {
    return Reconnect.builder().initialDelay(Duration.ofMillis(100)).maxDelay(Duration.ofSeconds(1)).multiplier(2);
  }

  @Test
  void withoutJitterWaitsGrowByTheMultiplierUpToTheCap() {
    Reconnect options = base().jitter(0).build();
    assertThat(Backoff.delay(options, 1)).isEqualTo(Duration.ofMillis(100));
    assertThat(Backoff.delay(options, 2)).isEqualTo(Duration.ofMillis(200));
    assertThat(Backoff.delay(options, 4)).isEqualTo(Duration.ofMillis(800));
    assertThat(Backoff.delay(options, 5)).isEqualTo(Duration.ofSeconds(1));
    assertThat(Backoff.delay(options, 10_000)).isEqualTo(Duration.ofSeconds(1)); // no overflow
  }

  @Test
  void proportionalJitterStaysWithinItsFractionAndTheCap() {
    Reconnect low = base().jitter(0.2).random(always(0)).build();
    Reconnect high = base().jitter(0.2).random(always(Math.nextDown(1.0))).build();
    assertThat(Backoff.delay(low, 1)).isEqualTo(Duration.ofMillis(80));
    assertThat(Backoff.delay(high, 1)).isBetween(Duration.ofMillis(119), Duration.ofMillis(120));
    assertThat(Backoff.delay(low, 5)).isEqualTo(Duration.ofMillis(800));
    assertThat(Backoff.delay(high, 5)).isEqualTo(Duration.ofSeconds(1)); // 1.2 s, capped
  }

  @Test
  void fullJitterDrawsBetweenZeroAndTheBackoff() {
    assertThat(Backoff.delay(base().fullJitter().random(always(0)).build(), 3)).isEqualTo(Duration.ZERO);
    assertThat(Backoff.delay(base().fullJitter().random(always(0.5)).build(), 3)).isEqualTo(Duration.ofMillis(200));
    Reconnect seeded = base().fullJitter().random(new SplittableRandom(42)).build();
    for (int n = 1; n <= 50; n++) {
      long cap = Math.min(1000, 100L << Math.min(n - 1, 20));
      assertThat(Backoff.delay(seeded, n)).isBetween(Duration.ZERO, Duration.ofMillis(cap));
    }
  }

  @Test
  void aSeededSourceGivesTheSameWaitsEachTime() {
    Reconnect a = base().random(new SplittableRandom(7)).build();
    Reconnect b = base().random(new SplittableRandom(7)).build();
    for (int n = 1; n <= 10; n++) {
      assertThat(Backoff.delay(a, n)).isEqualTo(Backoff.delay(b, n));
    }
  }

  @Test
  void theDefaultsAreGrpcs() {
    Reconnect defaults = Reconnect.defaults();
    assertThat(defaults.initialDelay()).isEqualTo(Duration.ofSeconds(1));
    assertThat(defaults.multiplier()).isEqualTo(1.6);
    assertThat(defaults.jitter()).isEqualTo(0.2);
    assertThat(defaults.maxDelay()).isEqualTo(Duration.ofSeconds(120));
    for (int n = 1; n <= 30; n++) {
      double base = Math.min(120_000, 1000 * Math.pow(1.6, n - 1));
      assertThat(Backoff.delay(defaults, n).toMillis()).isBetween((long) (base * 0.8) - 1,
          (long) Math.min(120_000, base * 1.2));
    }
  }
}
