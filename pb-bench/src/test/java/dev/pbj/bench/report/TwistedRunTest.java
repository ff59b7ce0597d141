package dev.pbj.bench.report;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TwistedRunTest {

  @Test
  void readsTheScriptsJson() {
    TwistedRun.Outcome outcome = TwistedRun.parse("{\"twisted\": \"22.4.0\", \"python\": \"3.11.2\", \"calls\": 2000, "
        + "\"latency_us\": {\"median\": 195.191, \"p99\": 260.4, \"mean\": 199.2}, "
        + "\"throughput\": {\"1\": 4973.95, \"16\": 13387.3, \"128\": 1.4618e4}}");
    assertThat(outcome.error()).isNull();
    assertThat(outcome.version()).isEqualTo("22.4.0");
    assertThat(outcome.medianMicros()).isEqualTo(195.191);
    assertThat(outcome.p99Micros()).isEqualTo(260.4);
    assertThat(outcome.callsPerSecond()).containsEntry(1, 4973.95).containsEntry(128, 14618.0);
  }
}
