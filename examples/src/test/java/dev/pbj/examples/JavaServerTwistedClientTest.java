package dev.pbj.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pbj.core.PbServer;
import dev.pbj.examples.shop.ShopServer;
import dev.pbj.testkit.ChildProcess;
import dev.pbj.testkit.TwistedPeer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code examples/java-server-twisted-client}: the Java shop ({@link ShopServer}) on an ephemeral port, and its
 * Twisted client script run against it by a real Twisted; the script's whole output is the test. Once per Twisted
 * peer, through the concrete classes below.
 */
// Past JUnit's 60 s default: a Python or JVM start on a busy two-core machine is slow; every wait inside is bounded.
@Timeout(value = 3, unit = TimeUnit.MINUTES)
abstract class JavaServerTwistedClientTest {
  /** Everything {@code twisted_client.py} prints, in order; the README shows the same. */
  static final List<String> OUTPUT = List.of(
      "catalog: apple, bread, cheese",
      "price of bread: 2.50",
      "price of caviar: refused: we do not sell caviar",
      "basket: 2 items, total 12.30",
      "logged in as alice",
      "receipt (Receipt): alice bought 3 x bread for 7.50",
      "wrong password: refused (UnauthorizedLogin)");

  abstract TwistedPeer peer();

  @Test
  void twistedClientBrowsesBuysAndLogsIn() throws Exception {
    String python = peer().python();
    try (PbServer server = ShopServer.start("tcp://127.0.0.1:0");
        ChildProcess client = new ChildProcess(List.of(python, "-u", "twisted_client.py", "--port",
            Integer.toString(server.addresses().get(0).getPort())), Examples.example("java-server-twisted-client"))) {
      assertThat(client.awaitExit(Duration.ofSeconds(60))).as("exit status; stderr:\n%s", client.stderr())
          .isZero();
      assertThat(client.stdout()).as("on Twisted %s", peer().version()).containsExactlyElementsOf(OUTPUT);
    }
  }
}

/** Against Debian's Twisted 22.4. */
class JavaServerTwistedClientTwisted22Test extends JavaServerTwistedClientTest {
  @Override
  TwistedPeer peer() {
    return TwistedPeer.TWISTED22;
  }
}

/** Against the newest Twisted from pip. */
class JavaServerTwistedClientTwistedLatestTest extends JavaServerTwistedClientTest {
  @Override
  TwistedPeer peer() {
    return TwistedPeer.TWISTED_LATEST;
  }
}
