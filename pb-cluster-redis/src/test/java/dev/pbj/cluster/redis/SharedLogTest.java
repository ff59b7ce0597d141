package dev.pbj.cluster.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pbj.testkit.RedisProcess;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two or three "servers" (each a {@link RedisCluster} with its log) sharing one real redis-server, which the tests
 * stop, restart empty and cut connections of: every server applies every shared entry once, in one order.
 */
class SharedLogTest {
  private static final Duration WAIT = Duration.ofSeconds(20);

  @TempDir
  Path dir;
  private RedisProcess redis;
  private final List<AutoCloseable> open = new ArrayList<>();

  /** One server's side: its cluster, its log, and what its consumer applied, in order. */
  private record Server(RedisCluster cluster, SharedLog log, List<String> applied) {}

  @BeforeEach
  void startRedis() {
    String missing = RedisProcess.missing();
    if (missing != null) {
      if ("true".equals(System.getenv("CI"))) {
        throw new AssertionError(missing);
      }
      Assumptions.abort(missing);
    }
    redis = RedisProcess.start(dir);
  }

  @AfterEach
  void stop() throws Exception {
    for (AutoCloseable closeable : open) {
      closeable.close();
    }
    if (redis != null) {
      redis.stop();
    }
  }

  private Server server() throws InterruptedException {
    RedisCluster cluster = RedisCluster.builder(URI.create(redis.uri())).minBackoff(Duration.ofMillis(20))
        .maxBackoff(Duration.ofMillis(200)).heartbeat(Duration.ofSeconds(1)).build();
    open.add(cluster);
    List<String> applied = new CopyOnWriteArrayList<>();
    SharedLog log = cluster.log("room", applied::add);
    assertThat(cluster.awaitConnected(WAIT)).as("connected to %s", redis.uri()).isTrue();
    return new Server(cluster, log, applied);
  }

  private static void await(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime()).as("waited %s for %s", WAIT, what).isLessThan(deadline);
      Thread.sleep(10);
    }
  }

  private static boolean shared(CompletableFuture<Boolean> appended) throws Exception {
    return appended.get(WAIT.toSeconds(), TimeUnit.SECONDS);
  }

  private static void assertNoDuplicates(List<String> applied) {
    assertThat(new HashSet<>(applied)).as("applied once each: %s", applied).hasSize(applied.size());
  }

  @Test
  void whatOneServerAppendsEveryServerAppliesOnceInOneOrder() throws Exception {
    Server a = server();
    Server b = server();
    List<CompletableFuture<Boolean>> appends = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      appends.add(a.log().append("a" + i));
      appends.add(b.log().append("b" + i));
    }
    for (CompletableFuture<Boolean> appended : appends) {
      assertThat(shared(appended)).isTrue();
    }
    await("100 entries on both", () -> a.applied().size() == 100 && b.applied().size() == 100);
    assertThat(b.applied()).as("one order on every server").isEqualTo(a.applied());
    assertNoDuplicates(a.applied());
    // each server's own changes keep the order it made them in
    assertThat(a.applied().stream().filter(e -> e.startsWith("a")).toList())
        .isEqualTo(java.util.stream.IntStream.range(0, 50).mapToObj(i -> "a" + i).toList());
    assertThat(a.log().position()).endsWith(":100").isEqualTo(b.log().position());
  }

  @Test
  void aServerThatStartsLaterReadsTheLogSoFar() throws Exception {
    Server a = server();
    for (String text : List.of("one", "two", "three")) {
      assertThat(shared(a.log().append(text))).isTrue();
    }
    Server b = server();
    assertThat(b.applied()).containsExactly("one", "two", "three");
    assertThat(shared(b.log().append("four"))).isTrue();
    await("four on a", () -> a.applied().size() == 4);
    assertThat(a.applied()).containsExactly("one", "two", "three", "four");
  }

  @Test
  void withoutRedisEachServerServesItsOwnAndReportsTheLoss() throws Exception {
    Server a = server();
    Server b = server();
    assertThat(shared(a.log().append("before"))).isTrue();
    await("before on b", () -> b.applied().contains("before"));
    assertThat(a.cluster().status()).isEqualTo(new RedisCluster.Status(true, 0, null));

    redis.stop();
    await("both report the loss", () -> !a.cluster().connected() && !b.cluster().connected());
    assertThat(a.cluster().status().outages()).isEqualTo(1);
    assertThat(a.cluster().status().lastFailure()).isNotBlank();
    assertThat(shared(a.log().append("a alone"))).as("applied on a only").isFalse();
    assertThat(shared(b.log().append("b alone"))).isFalse();
    assertThat(a.applied()).containsExactly("before", "a alone");
    assertThat(b.applied()).containsExactly("before", "b alone");
    assertThat(a.cluster().awaitConnected(Duration.ofMillis(300))).as("still retrying").isFalse();
    assertThat(a.cluster().status().outages()).as("one outage, however many retries").isEqualTo(1);
  }

  @Test
  void afterRedisComesBackEmptyEveryLaterChangeReachesEveryServerOnce() throws Exception {
    Server a = server();
    Server b = server();
    assertThat(shared(a.log().append("before"))).isTrue();
    await("before on b", () -> b.applied().contains("before"));
    redis.stop();
    await("both report the loss", () -> !a.cluster().connected() && !b.cluster().connected());
    assertThat(shared(b.log().append("while down"))).isFalse();

    redis.start(); // empty: the log's entry 1 is a new one, in a new epoch
    assertThat(a.cluster().awaitConnected(WAIT)).isTrue();
    assertThat(b.cluster().awaitConnected(WAIT)).isTrue();
    for (int i = 0; i < 10; i++) {
      assertThat(shared(b.log().append("b after " + i))).isTrue();
      assertThat(shared(a.log().append("a after " + i))).isTrue();
    }
    await("20 later entries on both", () -> a.applied().size() == 21 && b.applied().size() == 22);
    assertThat(a.applied().subList(1, 21)).isEqualTo(b.applied().subList(2, 22));
    assertThat(a.applied().get(0)).isEqualTo("before");
    assertThat(b.applied().subList(0, 2)).containsExactly("before", "while down");
    assertNoDuplicates(a.applied());
    assertNoDuplicates(b.applied());
    assertThat(a.cluster().status().outages()).isEqualTo(1);
    assertThat(a.cluster().status().connected()).isTrue();
  }

  @Test
  void aServerCutOffAloneCatchesUpFromTheLogExactlyOnce() throws Exception {
    Server a = server();
    Server b = server();
    List<String> made = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      // a's two connections are cut while Redis stays up; b goes on appending meanwhile
      killClients("pbj-sub-" + a.cluster().node);
      killClients("pbj-cmd-" + a.cluster().node);
      String text = "b " + i;
      assertThat(shared(b.log().append(text))).isTrue();
      made.add(text);
    }
    await("all 20 on a", () -> a.applied().size() == 20);
    assertThat(a.applied()).isEqualTo(made);
    assertThat(b.applied()).isEqualTo(made);
    assertThat(a.cluster().awaitConnected(WAIT)).isTrue();
    assertThat(a.cluster().status().outages()).isPositive();
  }

  /** Cuts every connection named {@code name} (CLIENT KILL has no filter by name: list, then kill by id). */
  private void killClients(String name) throws Exception {
    for (String id : clientIds(name)) {
      redis.command("CLIENT", "KILL", "ID", id);
    }
  }

  private List<String> clientIds(String name) throws Exception {
    List<String> ids = new ArrayList<>();
    try (redis.clients.jedis.Jedis jedis = new redis.clients.jedis.Jedis("127.0.0.1", redis.port())) {
      for (String line : jedis.clientList().split("\n")) {
        if (line.contains(" name=" + name + " ")) {
          ids.add(line.substring(line.indexOf("id=") + 3, line.indexOf(' ', line.indexOf("id="))));
        }
      }
    }
    return ids;
  }

  @Test
  void appendsRacingAnOutageAreNeverAppliedTwiceAndThoseSharedReachEveryServer() throws Exception {
    Server a = server();
    Server b = server();
    java.util.concurrent.atomic.AtomicBoolean writing = new java.util.concurrent.atomic.AtomicBoolean(true);
    List<CompletableFuture<Boolean>> aAppends = new CopyOnWriteArrayList<>();
    List<CompletableFuture<Boolean>> bAppends = new CopyOnWriteArrayList<>();
    Thread writerA = writer(a, "a", aAppends, writing);
    Thread writerB = writer(b, "b", bAppends, writing);
    int afterA;
    int afterB;
    try {
      await("some entries", () -> a.applied().size() > 50);
      redis.stop();
      await("appends while down", () -> !a.cluster().connected());
      redis.start();
      assertThat(a.cluster().awaitConnected(WAIT)).isTrue();
      assertThat(b.cluster().awaitConnected(WAIT)).isTrue();
      // from here on, both are back: every change shared from now must reach both
      int startA = aAppends.size();
      int startB = bAppends.size();
      afterA = startA;
      afterB = startB;
      await("appends after the return", () -> aAppends.size() > startA + 50 && bAppends.size() > startB + 50);
    } finally {
      writing.set(false);
      writerA.join(WAIT.toMillis());
      writerB.join(WAIT.toMillis());
    }
    assertThat(shared(a.log().append("last"))).isTrue();
    await("last on b", () -> b.applied().contains("last"));

    assertNoDuplicates(a.applied());
    assertNoDuplicates(b.applied());
    Set<String> onA = new HashSet<>(a.applied());
    Set<String> onB = new HashSet<>(b.applied());
    for (int i = 0; i < aAppends.size(); i++) {
      assertThat(onA).as("each of a's own changes, applied on a").contains("a" + i);
    }
    for (int i = 0; i < bAppends.size(); i++) {
      assertThat(onB).contains("b" + i);
    }
    // before the outage, a change Redis took may have died with it before reaching the other server; after the
    // return, none may
    for (int i = afterA; i < aAppends.size(); i++) {
      assertThat(shared(aAppends.get(i))).isTrue();
      assertThat(onB).as("made through a after the return").contains("a" + i);
    }
    for (int i = afterB; i < bAppends.size(); i++) {
      assertThat(shared(bAppends.get(i))).isTrue();
      assertThat(onA).as("made through b after the return").contains("b" + i);
    }
  }

  private static Thread writer(Server server, String prefix, List<CompletableFuture<Boolean>> appends,
      java.util.concurrent.atomic.AtomicBoolean writing) {
    Thread thread = new Thread(() -> {
      for (int i = 0; writing.get(); i++) {
        appends.add(server.log().append(prefix + i));
        // a pace, so that the outage's local appends do not fill the heap
        java.util.concurrent.locks.LockSupport.parkNanos(server.cluster().connected() ? 100_000 : 1_000_000);
      }
    }, "writer-" + prefix);
    thread.start();
    return thread;
  }

  @Test
  void theLossIsLoggedOnceHoweverManyRetriesAndTheReturnOnce() throws Exception {
    // SLF4J may still be starting in another test's thread; until it has, it hands out stand-ins
    await("logback in place", () -> org.slf4j.LoggerFactory.getILoggerFactory()
        instanceof ch.qos.logback.classic.LoggerContext);
    ch.qos.logback.classic.Logger logger = ((ch.qos.logback.classic.LoggerContext)
        org.slf4j.LoggerFactory.getILoggerFactory()).getLogger(RedisCluster.class);
    ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> appender =
        new ch.qos.logback.core.read.ListAppender<>();
    appender.start();
    logger.setLevel(ch.qos.logback.classic.Level.INFO);
    logger.addAppender(appender);
    try {
      Server a = server();
      redis.stop();
      await("the loss", () -> !a.cluster().connected());
      // several reconnection attempts fail meanwhile (backoff 20 to 200 ms)
      assertThat(a.cluster().awaitConnected(Duration.ofMillis(600))).isFalse();
      redis.start();
      assertThat(a.cluster().awaitConnected(WAIT)).isTrue();
      List<String> mine = appender.list.stream().map(e -> e.getLevel() + " " + e.getFormattedMessage())
          .filter(line -> line.contains(redis.uri())).toList();
      assertThat(mine).hasSize(2);
      assertThat(mine.get(0)).startsWith("WARN Redis at " + redis.uri() + " is unreachable")
          .contains("serve their own observers only");
      assertThat(mine.get(1)).startsWith("INFO Redis at " + redis.uri() + " is back after ")
          .endsWith("every shared log resynchronised");
    } finally {
      logger.detachAppender(appender);
      logger.setLevel(null);
    }
  }

  @Test
  void aRedisThatFallsSilentIsNoticedByTheHeartbeatAlone() throws Exception {
    RedisCluster cluster = RedisCluster.builder(URI.create(redis.uri())).commandTimeout(Duration.ofMillis(500))
        .minBackoff(Duration.ofMillis(20)).maxBackoff(Duration.ofMillis(200)).heartbeat(Duration.ofMillis(500))
        .build();
    open.add(cluster);
    List<String> applied = new CopyOnWriteArrayList<>();
    SharedLog log = cluster.log("room", applied::add);
    assertThat(cluster.awaitConnected(WAIT)).isTrue();
    await("five heartbeats answered", () -> cluster.pongs() >= 5);
    assertThat(cluster.status()).as("a link that answers is never cut").isEqualTo(new RedisCluster.Status(true, 0,
        null));
    redis.pause(); // the subscription's socket stays open: only the missing pongs tell
    await("the heartbeat notices", () -> !cluster.connected());
    assertThat(cluster.status().outages()).isEqualTo(1);
    assertThat(shared(log.append("alone"))).isFalse();
    redis.resume();
    assertThat(cluster.awaitConnected(WAIT)).isTrue();
    assertThat(shared(log.append("back"))).isTrue();
    assertThat(applied).containsExactly("alone", "back");
  }

  @Test
  void aRedisThatHangsIsNoticedAndAnAppendItNeverAnsweredIsAppliedOnceEverywhere() throws Exception {
    RedisCluster quick = RedisCluster.builder(URI.create(redis.uri())).commandTimeout(Duration.ofMillis(500))
        .minBackoff(Duration.ofMillis(20)).maxBackoff(Duration.ofMillis(200)).heartbeat(Duration.ofMillis(300))
        .build();
    open.add(quick);
    List<String> onA = new CopyOnWriteArrayList<>();
    SharedLog a = quick.log("room", onA::add);
    assertThat(quick.awaitConnected(WAIT)).isTrue();
    Server b = server();
    assertThat(shared(a.append("before"))).isTrue();
    await("before on b", () -> b.applied().contains("before"));

    redis.pause();
    // Redis takes the script into its socket buffer and says nothing: a's append times out, unanswered
    assertThat(shared(a.append("unanswered"))).as("applied on a, maybe in the log").isFalse();
    assertThat(onA).containsExactly("before", "unanswered");
    await("a notices", () -> !quick.connected());
    redis.resume(); // Redis runs what it had received: the entry may be in the log now
    assertThat(quick.awaitConnected(WAIT)).isTrue();
    assertThat(b.cluster().awaitConnected(WAIT)).isTrue();
    assertThat(shared(a.append("after"))).isTrue();
    await("after on b", () -> b.applied().contains("after"));
    assertThat(onA).as("never twice on a").containsExactly("before", "unanswered", "after");
    // Redis reads what its socket holds before it sees the connection closed: the script ran, so b has it, once
    assertThat(b.applied()).as("on b once").containsExactly("before", "unanswered", "after");
  }

  @Test
  void badAddressesAndNamesAreRefused() throws Exception {
    for (String bad : List.of("http://127.0.0.1:6379", "redis:///nohost", "redis://127.0.0.1:6379/0",
        "redis://user:pw@127.0.0.1:6379")) {
      assertThatThrownBy(() -> RedisCluster.connect(URI.create(bad))).isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("redis://HOST:PORT").hasMessageContaining(bad);
    }
    Server a = server();
    assertThatThrownBy(() -> a.cluster().log("room", x -> {})).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("already has a log named room");
    assertThatThrownBy(() -> a.cluster().log("a room", x -> {})).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> a.cluster().log("{room}", x -> {})).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void strayPublishesAndEntriesAreNotChangesAndTheLogGoesOn() throws Exception {
    Server a = server();
    assertThat(shared(a.log().append("first"))).isTrue();
    redis.command("PUBLISH", "pbj:{room}", "garbage");
    redis.command("PUBLISH", "pbj:{room}", "epoch notanumber origin change");
    // another epoch's entry, as if Redis had lost its data: checked against Redis, which has not
    redis.command("PUBLISH", "pbj:{room}", "forged 1 origin forged change");
    redis.command("PUBLISH", "pbj:{room}", a.log().position().replace(":1", "") + " 9 origin a gap");
    assertThat(shared(a.log().append("fine"))).isTrue();
    assertThat(a.applied()).containsExactly("first", "fine");
    // an entry pushed by hand, not by the script: its place is taken, its text is not applied
    assertThat(redis.command("RPUSH", "pbj:{room}:log", "noorigin")).isEqualTo(":3");
    Server b = server();
    assertThat(shared(b.log().append("after"))).isTrue();
    await("after on a", () -> a.applied().contains("after"));
    assertThat(b.applied()).containsExactly("first", "fine", "after");
    assertThat(a.applied()).containsExactly("first", "fine", "after");
    assertThat(b.log().position()).endsWith(":4");
  }

  @Test
  void aConsumerThatThrowsDoesNotStopTheLog() throws Exception {
    RedisCluster cluster = RedisCluster.connect(URI.create(redis.uri()));
    open.add(cluster);
    List<String> applied = new CopyOnWriteArrayList<>();
    SharedLog log = cluster.log("room", text -> {
      if (text.equals("bad")) {
        throw new IllegalStateException("the consumer's own bug");
      }
      applied.add(text);
    });
    assertThat(cluster.awaitConnected(WAIT)).isTrue();
    assertThat(shared(log.append("bad"))).isTrue();
    assertThat(shared(log.append("good"))).isTrue();
    assertThat(applied).containsExactly("good");
  }

  @Test
  void aClosedClusterAppliesLocallyAndTakesNoNewLog() throws Exception {
    Server a = server();
    a.cluster().close();
    assertThat(a.cluster().connected()).isFalse();
    assertThat(shared(a.log().append("after close"))).isFalse();
    assertThat(a.applied()).containsExactly("after close");
    assertThatThrownBy(() -> a.cluster().log("other", x -> {})).isInstanceOf(IllegalStateException.class);
  }
}
