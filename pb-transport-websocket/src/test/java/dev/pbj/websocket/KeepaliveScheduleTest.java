package dev.pbj.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link Keepalive}'s schedule, on a clock and a timer the test drives: one tick pending at a time, due when the
 * next ping or the idle timeout is.
 */
class KeepaliveScheduleTest {

  /** Records what is scheduled; the test moves the clock and runs the ticks. */
  private static final class ManualTimer implements Keepalive.Timer {
    final List<Long> delays = new ArrayList<>();
    Runnable pending;
    int cancelled;

    @Override
    public Runnable schedule(Runnable task, long delayMillis) {
      assertThat(pending).as("one tick at a time").isNull();
      delays.add(delayMillis);
      pending = task;
      return () -> {
        cancelled++;
        pending = null;
      };
    }

    void fire() {
      Runnable task = pending;
      pending = null;
      task.run();
    }

    long lastDelay() {
      return delays.get(delays.size() - 1);
    }
  }

  private final ManualTimer timer = new ManualTimer();
  private long now = 1_000_000;
  private int pings;
  private SocketTimeoutException silence;
  private final Keepalive.Peer peer = new Keepalive.Peer() {
    @Override
    public void ping() {
      pings++;
    }

    @Override
    public void silent(SocketTimeoutException timeout) {
      silence = timeout;
    }
  };

  private Keepalive keepalive(long pingMillis, long idleMillis) {
    return new Keepalive(pingMillis, idleMillis, timer, peer, () -> now);
  }

  @Test
  void aQuietLinkPingsEveryIntervalUntilThePeerIsSilentForTheIdleTimeout() {
    var keepalive = keepalive(100, 250);
    keepalive.start();
    assertThat(timer.lastDelay()).isEqualTo(100);

    now += 100;
    timer.fire();
    assertThat(pings).isEqualTo(1);
    assertThat(timer.lastDelay()).isEqualTo(100);

    now += 100;
    timer.fire();
    assertThat(pings).isEqualTo(2);
    assertThat(timer.lastDelay()).as("the timeout comes before the next ping").isEqualTo(50);

    now += 50;
    timer.fire();
    assertThat(silence).hasMessage("no pong within 250 ms: the peer sent nothing, not even a pong to pings every "
        + "100 ms (WebSocketTransportProvider.Builder.idleTimeout)");
    assertThat(timer.pending).as("stopped").isNull();
  }

  @Test
  void hearingFromThePeerPutsOffBothThePingAndTheTimeout() {
    var keepalive = keepalive(100, 250);
    keepalive.start();
    now += 60;
    keepalive.heard();
    now += 40;
    timer.fire(); // due for the old schedule, but the peer spoke 40 ms ago
    assertThat(pings).isZero();
    assertThat(timer.lastDelay()).isEqualTo(60);

    now += 60;
    timer.fire();
    assertThat(pings).isEqualTo(1);
    now += 100;
    keepalive.heard(); // the pong
    timer.fire();
    assertThat(silence).isNull();
  }

  @Test
  void anEarlyTickOnlyReschedules() {
    var keepalive = keepalive(60_000, 120_000);
    keepalive.start();
    now += 10;
    timer.fire();
    assertThat(pings).isZero();
    assertThat(silence).isNull();
    assertThat(timer.lastDelay()).isEqualTo(59_990);
  }

  @Test
  void withoutPingsOnlyTheIdleTimeoutIsScheduled() {
    keepalive(0, 2_000).start();
    assertThat(timer.delays).containsExactly(2_000L);
    now += 2_000;
    timer.fire();
    assertThat(silence).hasMessage("no pong within 2000 ms: the peer sent nothing "
        + "(WebSocketTransportProvider.Builder.idleTimeout)");
  }

  @Test
  void withoutAnIdleTimeoutItOnlyPings() {
    var keepalive = keepalive(100, 0);
    keepalive.start();
    for (int i = 1; i <= 5; i++) {
      now += 100;
      timer.fire();
    }
    assertThat(pings).isEqualTo(5);
    assertThat(silence).isNull();
  }

  @Test
  void stopCancelsThePendingTickAndZeroesTurnItOff() {
    var keepalive = keepalive(1_000, 3_000);
    keepalive.start();
    keepalive.stop();
    assertThat(timer.cancelled).isEqualTo(1);
    assertThat(timer.pending).isNull();
    keepalive(0, 0).start();
    assertThat(timer.delays).hasSize(1);
  }
}
