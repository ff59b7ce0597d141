package dev.pbj;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Every {@link Reconnect} setting is checked, and a bad value is refused with an error naming the setting. */
class ReconnectOptionsTest {

  @Test
  void defaultsNeverGiveUpLogInNorWait() {
    Reconnect defaults = Reconnect.defaults();
    assertThat(defaults.maxAttempts()).isEmpty();
    assertThat(defaults.giveUpAfter()).isEmpty();
    assertThat(defaults.login()).isEmpty();
    assertThat(defaults.random()).isEmpty();
    assertThat(defaults.fullJitter()).isFalse();
    assertThat(defaults.attemptTimeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(defaults.whileDisconnected()).isEqualTo(Reconnect.WhileDisconnected.FAIL_FAST);
  }

  @Test
  void badValuesAreRefusedNamingTheSetting() {
    Reconnect.Builder b = Reconnect.builder();
    assertThatThrownBy(() -> b.initialDelay(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("initialDelay").hasMessageContaining("PT0S");
    assertThatThrownBy(() -> b.maxDelay(Duration.ofSeconds(-1))).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxDelay");
    assertThatThrownBy(() -> b.multiplier(0.5)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("multiplier").hasMessageContaining("0.5");
    assertThatThrownBy(() -> b.multiplier(Double.NaN)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("multiplier");
    assertThatThrownBy(() -> b.multiplier(Double.POSITIVE_INFINITY)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> b.jitter(1.5)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("jitter").hasMessageContaining("1.5");
    assertThatThrownBy(() -> b.jitter(-0.1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> b.maxAttempts(0)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxAttempts");
    assertThatThrownBy(() -> b.giveUpAfter(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("giveUpAfter");
    assertThatThrownBy(() -> b.attemptTimeout(Duration.ofMillis(-5))).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("attemptTimeout");
    assertThatThrownBy(() -> b.initialDelay(null)).isInstanceOf(NullPointerException.class)
        .hasMessageContaining("initialDelay");
    assertThatThrownBy(() -> b.whileDisconnected(null)).isInstanceOf(NullPointerException.class)
        .hasMessageContaining("whileDisconnected");
    assertThatThrownBy(() -> b.login(null, "x", null)).isInstanceOf(NullPointerException.class)
        .hasMessageContaining("username");
    assertThatThrownBy(() -> Reconnect.builder().initialDelay(Duration.ofSeconds(10)).maxDelay(Duration.ofSeconds(1))
        .build()).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxDelay")
        .hasMessageContaining("initialDelay");
  }

  @Test
  void toBuilderKeepsEverySettingAndToStringHidesThePassword() {
    Reconnect options = Reconnect.builder().initialDelay(Duration.ofMillis(50)).maxDelay(Duration.ofSeconds(5))
        .multiplier(3).fullJitter().random(new SplittableRandom(1)).maxAttempts(4)
        .giveUpAfter(Duration.ofMinutes(1)).attemptTimeout(Duration.ofSeconds(2))
        .whileDisconnected(Reconnect.WhileDisconnected.WAIT).login("alice", "wonderland", null).build();
    Reconnect copy = options.toBuilder().build();
    assertThat(copy.toString()).isEqualTo(options.toString());
    assertThat(copy.maxAttempts()).hasValue(4);
    assertThat(copy.giveUpAfter()).contains(Duration.ofMinutes(1));
    assertThat(copy.login()).isPresent();
    assertThat(options.toString()).contains("alice", "full", "WAIT").doesNotContain("wonderland");
    Reconnect reset = options.toBuilder().neverGiveUp().noLogin().jitter(0.1).build();
    assertThat(reset.maxAttempts()).isEmpty();
    assertThat(reset.giveUpAfter()).isEmpty();
    assertThat(reset.login()).isEmpty();
    assertThat(reset.fullJitter()).isFalse();
  }

  @Test
  void eventsAndStatesSayWhatTheyAre() {
    assertThat(ConnectionState.GAVE_UP.isTerminal()).isTrue();
    assertThat(ConnectionState.CLOSED.isTerminal()).isTrue();
    assertThat(ConnectionState.DISCONNECTED.isTerminal()).isFalse();
    assertThat(new ConnectionEvent(ConnectionState.DISCONNECTED, 2, null, new RuntimeException("refused"),
        Duration.ofMillis(1600)).toString()).isEqualTo(
        "DISCONNECTED attempt 2: java.lang.RuntimeException: refused, next attempt in 1600 ms");
    assertThatThrownBy(() -> new ConnectionEvent(ConnectionState.CLOSED, -1, null, null, null))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(new NotConnectedException("x", null)).isInstanceOf(ConnectionLostException.class);
  }
}
