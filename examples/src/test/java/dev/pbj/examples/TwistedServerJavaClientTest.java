package dev.pbj.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pbj.examples.weather.WeatherClient;
import dev.pbj.testkit.ChildProcess;
import dev.pbj.testkit.TwistedPeer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code examples/twisted-server-java-client}: the Twisted weather station started by a real Twisted on an
 * ephemeral port, and the Java client ({@link WeatherClient}) run against it; both programs' output is the test,
 * so the callback is seen from both ends. Once per Twisted peer, through the concrete classes below.
 */
// Past JUnit's 60 s default: a Python or JVM start on a busy two-core machine is slow; every wait inside is bounded.
@Timeout(value = 3, unit = TimeUnit.MINUTES)
abstract class TwistedServerJavaClientTest {
  /** Everything {@link WeatherClient} prints, in order; the README shows the same. */
  static final List<String> OUTPUT = List.of(
      "cities: Lisbon, Oslo",
      "Lisbon: sunny, 15 to 24 °C",
      "Atlantis: refused: no forecast for Atlantis",
      "reading: Oslo at 0:00 is -9 °C",
      "reading: Oslo at 12:00 is -2 °C",
      "the station sent 2 readings");

  abstract TwistedPeer peer();

  @Test
  void javaClientReadsForecastsIsCalledBackAndSeesTheRemoteError() throws Exception {
    try (ChildProcess station = new ChildProcess(List.of(peer().python(), "-u", "twisted_server.py", "--port", "0"),
        Examples.example("twisted-server-java-client"))) {
      String uri = station.awaitLine("listening ", Duration.ofSeconds(60)).substring("listening ".length());
      ByteArrayOutputStream printed = new ByteArrayOutputStream();
      try (PrintStream out = new PrintStream(printed, true, StandardCharsets.UTF_8)) {
        WeatherClient.run(uri, out);
      }
      assertThat(printed.toString(StandardCharsets.UTF_8).lines()).as("on Twisted %s", peer().version())
          .containsExactlyElementsOf(OUTPUT);
      // the Java listener's answers reached the Twisted side
      assertThat(station.awaitLine("subscriber answered: ", Duration.ofSeconds(10)))
          .isEqualTo("subscriber answered: thanks for Oslo at 0:00");
      assertThat(station.awaitLine("subscriber answered: ", Duration.ofSeconds(10)))
          .isEqualTo("subscriber answered: thanks for Oslo at 12:00");
    }
  }
}

/** Against Debian's Twisted 22.4. */
class TwistedServerJavaClientTwisted22Test extends TwistedServerJavaClientTest {
  @Override
  TwistedPeer peer() {
    return TwistedPeer.TWISTED22;
  }
}

/** Against the newest Twisted from pip. */
class TwistedServerJavaClientTwistedLatestTest extends TwistedServerJavaClientTest {
  @Override
  TwistedPeer peer() {
    return TwistedPeer.TWISTED_LATEST;
  }
}
