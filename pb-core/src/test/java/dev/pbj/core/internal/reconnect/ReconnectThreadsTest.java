package dev.pbj.core.internal.reconnect;

import static dev.pbj.core.internal.BrokerPair.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pbj.ConnectionState;
import dev.pbj.Reconnect;
import dev.pbj.core.KeptConnection;
import dev.pbj.core.PbClient;
import java.time.Duration;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Isolated;

/**
 * A kept connection owns no thread: its waits run on the shared timer, its work on the client's pools, and once the
 * client is closed no thread it started is left. Isolated, so that no other test's threads come and go meanwhile.
 */
@Isolated
class ReconnectThreadsTest {
  private static Set<Thread> clientThreads() {
    return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive)
        .filter(t -> t.getName().startsWith("pbj-client") || t.getName().contains("reconnect"))
        .collect(Collectors.toSet());
  }

  @Test
  void reconnectingLeavesNoThreadBehind() throws Exception {
    Set<Thread> before = clientThreads();
    Reconnect quick = Reconnect.builder().initialDelay(Duration.ofMillis(10)).maxDelay(Duration.ofMillis(20))
        .jitter(0).login("alice", "wonderland", null).build();
    try (KeptServer server = new KeptServer("tcp")) {
      PbClient client = PbClient.builder().build();
      KeptConnection kept = client.keepConnected(server.uri(), quick);
      KeptServer.Events events = new KeptServer.Events();
      kept.addListener(events);
      for (int round = 0; round < 3; round++) {
        kept.awaitConnected(Duration.ofSeconds(10));
        assertThat(kept.avatar().callRemote("whoami").get(10, java.util.concurrent.TimeUnit.SECONDS))
            .isEqualTo("alice");
        server.kill();
        events.await(e -> e.state() == ConnectionState.DISCONNECTED && e.attempt() >= 1);
        server.restart();
      }
      kept.awaitConnected(Duration.ofSeconds(10));
      client.close();
      assertThat(client.awaitTermination(Duration.ofSeconds(10))).isTrue();
      assertThat(kept.state()).isEqualTo(ConnectionState.CLOSED);
      eventually(() -> before.containsAll(clientThreads()));
      eventually(() -> server.server().connections().isEmpty());
    }
  }
}
