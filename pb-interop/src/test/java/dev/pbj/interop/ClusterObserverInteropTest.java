package dev.pbj.interop;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pbj.cli.demo.DemoRoot;
import dev.pbj.cli.demo.DemoTypes;
import dev.pbj.cli.demo.DemoWorld;
import dev.pbj.cluster.redis.RedisCluster;
import dev.pbj.core.PbServer;
import dev.pbj.testkit.ChildProcess;
import dev.pbj.testkit.RedisProcess;
import dev.pbj.testkit.TwistedPeer;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real Twisted client observing the demo room on one Java server while another server, sharing the room through a
 * real redis-server ({@code pbj serve --cluster}), is told to say things and logs alice in and out: the Twisted
 * RemoteCache gets every {@code observe_said}/{@code observe_joined}/{@code observe_left}, once each, in the order
 * they were made ({@code cluster_observer.py}). Runs once per {@link TwistedPeer} (the subclasses below).
 */
abstract class ClusterObserverInteropTest {
  @TempDir
  Path dir;
  private RedisProcess redis;
  private final List<AutoCloseable> open = new ArrayList<>();

  abstract TwistedPeer peer();

  @AfterEach
  void stop() throws Exception {
    for (int i = open.size() - 1; i >= 0; i--) {
      open.get(i).close();
    }
    if (redis != null) {
      redis.stop();
    }
  }

  private int server() throws Exception {
    RedisCluster cluster = RedisCluster.connect(URI.create(redis.uri()));
    open.add(cluster);
    DemoWorld world = new DemoWorld(cluster);
    PbServer server = PbServer.builder().rootFactory(broker -> new DemoRoot(world)).portal(world.portal())
        .copies(DemoTypes.registry()).listen("tcp://127.0.0.1:0").build().start();
    open.add(server);
    assertThat(cluster.awaitConnected(Duration.ofSeconds(20))).isTrue();
    return server.addresses().get(0).getPort();
  }

  @Test
  void aTwistedObserverOnOneServerSeesWhatIsMadeThroughTheOtherOnceInOrder() throws Exception {
    peer().python();
    String missing = RedisProcess.missing();
    if (missing != null) {
      if ("true".equals(System.getenv("CI"))) {
        throw new AssertionError(missing);
      }
      Assumptions.abort(missing);
    }
    redis = RedisProcess.start(dir);
    int observed = server();
    int told = server();
    String line;
    String stderr;
    try (ChildProcess python = Twisted.python(peer(), List.of(
        Twisted.script("cluster_observer.py").toString(), "--observe", Integer.toString(observed), "--say",
        Integer.toString(told)))) {
      python.awaitExit(Duration.ofMinutes(2));
      List<String> out = python.stdout();
      line = out.isEmpty() ? null : out.get(0);
      stderr = python.stderr();
    }
    assertThat(line).as("cluster_observer.py's result on %s; stderr:\n%s", peer().label(), stderr).startsWith("{");
    JsonNode result = new ObjectMapper().readTree(line);
    assertThat(result.get("events")).as("what the Twisted observer saw, on %s", peer().label())
        .isEqualTo(result.get("expected"));
    assertThat(result.get("events")).hasSize(14);
    assertThat(result.get("messages").size()).isEqualTo(12);
  }
}

/** A Twisted 22 observer (Debian's python3-twisted). */
class ClusterObserverInteropTwisted22Test extends ClusterObserverInteropTest {
  @Override
  TwistedPeer peer() {
    return TwistedPeer.TWISTED22;
  }
}

/** The newest Twisted (pip, {@code .venv-twisted}) as the observer. */
class ClusterObserverInteropTwistedLatestTest extends ClusterObserverInteropTest {
  @Override
  TwistedPeer peer() {
    return TwistedPeer.TWISTED_LATEST;
  }
}
