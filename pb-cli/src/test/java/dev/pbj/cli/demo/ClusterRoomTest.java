package dev.pbj.cli.demo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pbj.Broker;
import dev.pbj.RemoteReference;
import dev.pbj.cli.demo.RoomCache.Change;
import dev.pbj.cluster.redis.RedisCluster;
import dev.pbj.core.PbClient;
import dev.pbj.core.PbServer;
import dev.pbj.testkit.RedisProcess;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The demo room across two servers (two {@link PbServer}s as {@code pbj serve --cluster} makes them, each with its
 * own {@link RedisCluster}) sharing one real redis-server: a Java observer on server A sees what is said through
 * server B, in order and once, while Redis is up; each server serves its own observers while Redis is down; and
 * after Redis comes back (empty) what is said through either reaches the other's observers once.
 */
class ClusterRoomTest {
  private static final Duration WAIT = Duration.ofSeconds(20);

  @TempDir
  Path dir;
  private RedisProcess redis;
  private final List<AutoCloseable> open = new ArrayList<>();
  private PbClient client;

  /** One server: its cluster, its world, and the PbServer. */
  private record Server(RedisCluster cluster, DemoWorld world, PbServer pb) {
    String uri() {
      return pb.uri(0).toString();
    }
  }

  /** A client's connection to a server, observing its room. */
  private record Observer(Broker broker, RoomCache room, LinkedBlockingQueue<Change> changes) {
    RemoteReference root() {
      return broker.rootObject();
    }
  }

  @BeforeEach
  void start() {
    String missing = RedisProcess.missing();
    if (missing != null) {
      if ("true".equals(System.getenv("CI"))) {
        throw new AssertionError(missing);
      }
      Assumptions.abort(missing);
    }
    redis = RedisProcess.start(dir);
    client = PbClient.builder().copies(DemoTypes.registry()).build();
  }

  @AfterEach
  void stop() throws Exception {
    if (client != null) {
      client.close();
    }
    for (int i = open.size() - 1; i >= 0; i--) {
      open.get(i).close();
    }
    if (redis != null) {
      redis.stop();
    }
  }

  private Server server() throws Exception {
    RedisCluster cluster = RedisCluster.builder(URI.create(redis.uri())).minBackoff(Duration.ofMillis(20))
        .maxBackoff(Duration.ofMillis(200)).heartbeat(Duration.ofSeconds(1)).build();
    open.add(cluster);
    DemoWorld world = new DemoWorld(cluster);
    PbServer pb = PbServer.builder().rootFactory(connection -> new DemoRoot(world)).portal(world.portal())
        .copies(DemoTypes.registry()).listen("tcp://127.0.0.1:0").build().start();
    open.add(pb);
    assertThat(cluster.awaitConnected(WAIT)).isTrue();
    return new Server(cluster, world, pb);
  }

  private Observer observe(Server server) throws Exception {
    Broker broker = client.connect(server.uri()).get(10, TimeUnit.SECONDS);
    LinkedBlockingQueue<Change> changes = new LinkedBlockingQueue<>();
    RoomCache room = (RoomCache) broker.rootObject().callRemote("room").get(10, TimeUnit.SECONDS);
    room.addListener(changes::add);
    return new Observer(broker, room, changes);
  }

  private static Object call(RemoteReference ref, String method, Object... args) throws Exception {
    return ref.callRemote(method, args).get(10, TimeUnit.SECONDS);
  }

  private static Change next(Observer observer) throws InterruptedException {
    Change change = observer.changes().poll(WAIT.toSeconds(), TimeUnit.SECONDS);
    assertThat(change).as("a change within %s", WAIT).isNotNull();
    return change;
  }

  private static void await(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime()).as("waited %s for %s", WAIT, what).isLessThan(deadline);
      Thread.sleep(10);
    }
  }

  @Test
  void anObserverOnOneServerSeesWhatIsSaidThroughTheOtherInOrder() throws Exception {
    Server a = server();
    Server b = server();
    Observer onA = observe(a);
    Observer onB = observe(b);
    List<String> said = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      String text = "through " + (i % 2 == 0 ? "b " : "a ") + i;
      call((i % 2 == 0 ? onB : onA).root(), "say", text);
      said.add(text);
    }
    for (String text : said) {
      assertThat(next(onA)).isEqualTo(Change.said(text));
      assertThat(next(onB)).isEqualTo(Change.said(text));
    }
    assertThat(onA.room().messages()).isEqualTo(said).isEqualTo(a.world().room().messages())
        .isEqualTo(b.world().room().messages());

    // a user logged in through b is a member on a; her shout reaches a's observer; her logout too
    RemoteReference alice = onB.broker().login("alice", "wonderland", null).get(10, TimeUnit.SECONDS);
    assertThat(next(onA)).isEqualTo(Change.joined("alice"));
    assertThat(call(alice, "shout", "hi from b")).isEqualTo("alice: hi from b");
    assertThat(next(onA)).isEqualTo(Change.said("alice: hi from b"));
    assertThat(a.world().room().members()).containsExactly("alice");
    onB.broker().close();
    assertThat(next(onA)).isEqualTo(Change.left("alice"));
    assertThat(a.world().room().members()).isEmpty();
  }

  @Test
  void entriesOfTheRoomsLogThatAreNoChangeOfARoomAreSkipped() throws Exception {
    Server a = server();
    Observer onA = observe(a);
    // another program (another version, say) writes to the room's log: what no room knows is no change to it
    RedisCluster other = RedisCluster.connect(URI.create(redis.uri()));
    open.add(other);
    dev.pbj.cluster.redis.SharedLog log = other.log(Room.LOG_NAME, entry -> {});
    assertThat(other.awaitConnected(WAIT)).isTrue();
    for (String entry : List.of("shouted loudly", "said", "", "joined")) {
      assertThat(log.append(entry).get(10, TimeUnit.SECONDS)).isTrue();
    }
    assertThat(log.append("said a real one").get(10, TimeUnit.SECONDS)).isTrue();
    assertThat(next(onA)).isEqualTo(Change.said("a real one"));
    assertThat(a.world().room().messages()).containsExactly("a real one");
    assertThat(a.world().room().members()).isEmpty();
    call(onA.root(), "say", "and the room goes on");
    assertThat(next(onA)).isEqualTo(Change.said("and the room goes on"));
  }

  @Test
  void aServerStartedLaterShowsTheRoomSoFar() throws Exception {
    Server a = server();
    Observer onA = observe(a);
    call(onA.root(), "say", "first");
    assertThat(next(onA)).isEqualTo(Change.said("first"));
    Server b = server();
    Observer onB = observe(b);
    assertThat(onB.room().messages()).containsExactly("first");
  }

  @Test
  void withoutRedisEachServerServesItsOwnAndAfterItsReturnEverySayArrivesOnce() throws Exception {
    Server a = server();
    Server b = server();
    Observer onA = observe(a);
    Observer onB = observe(b);
    call(onB.root(), "say", "before");
    assertThat(next(onA)).isEqualTo(Change.said("before"));
    assertThat(next(onB)).isEqualTo(Change.said("before"));

    redis.stop();
    await("both servers report the loss", () -> !a.cluster().connected() && !b.cluster().connected());
    assertThat(a.cluster().status().outages()).isEqualTo(1);
    call(onA.root(), "say", "a alone");
    assertThat(next(onA)).as("a serves its own observers").isEqualTo(Change.said("a alone"));
    call(onB.root(), "say", "b alone");
    assertThat(next(onB)).isEqualTo(Change.said("b alone"));

    redis.start();
    assertThat(a.cluster().awaitConnected(WAIT)).isTrue();
    assertThat(b.cluster().awaitConnected(WAIT)).isTrue();
    List<String> after = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      String text = "after " + i;
      call((i % 2 == 0 ? onB : onA).root(), "say", text);
      after.add(text);
    }
    for (String text : after) {
      assertThat(next(onA)).isEqualTo(Change.said(text));
      assertThat(next(onB)).isEqualTo(Change.said(text));
    }
    // nothing more: no duplicate, and neither server's outage-time message reached the other
    call(onA.root(), "say", "end");
    assertThat(next(onB)).isEqualTo(Change.said("end"));
    assertThat(next(onA)).isEqualTo(Change.said("end"));
    List<String> expectedOnA = new ArrayList<>(List.of("before", "a alone"));
    expectedOnA.addAll(after);
    expectedOnA.add("end");
    assertThat(onA.room().messages()).isEqualTo(expectedOnA).isEqualTo(a.world().room().messages());
    List<String> expectedOnB = new ArrayList<>(List.of("before", "b alone"));
    expectedOnB.addAll(after);
    expectedOnB.add("end");
    assertThat(onB.room().messages()).isEqualTo(expectedOnB).isEqualTo(b.world().room().messages());
    assertThat(onA.changes()).isEmpty();
    assertThat(onB.changes()).isEmpty();
  }
}
