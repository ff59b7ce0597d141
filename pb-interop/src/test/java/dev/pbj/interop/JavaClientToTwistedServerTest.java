package dev.pbj.interop;

import static dev.pbj.interop.Calls.call;
import static dev.pbj.interop.Calls.eventually;
import static dev.pbj.interop.Calls.failure;
import static dev.pbj.interop.Calls.remoteError;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pbj.Broker;
import dev.pbj.Bytes;
import dev.pbj.ConnectionLostException;
import dev.pbj.DeadReferenceException;
import dev.pbj.DeadlineExceededException;
import dev.pbj.FrozenSet;
import dev.pbj.Keepalive;
import dev.pbj.Kwargs;
import dev.pbj.LimitExceededException;
import dev.pbj.Referenceable;
import dev.pbj.Remote;
import dev.pbj.RemoteException;
import dev.pbj.RemoteReference;
import dev.pbj.Tuple;
import dev.pbj.core.PbClient;
import dev.pbj.testkit.ChildProcess;
import dev.pbj.testkit.TwistedPeer;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The Java client against a real Twisted server ({@code demo_server.py}) over TCP. Runs once per
 * {@link TwistedPeer} through the concrete subclasses at the end of this file.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class JavaClientToTwistedServerTest {
  private ChildProcess twisted;
  private PbClient client;
  private String uri;

  /** The Twisted this class runs against. */
  abstract TwistedPeer peer();

  @BeforeAll
  void startTwisted() throws Exception {
    if (!peer().available()) {
      return;
    }
    twisted = Twisted.python(peer(), List.of(Twisted.script("demo_server.py").toString(), "--port", "0"));
    int port = Twisted.listeningPort(twisted);
    uri = "tcp://127.0.0.1:" + port;
    client = PbClient.builder().build();
  }

  @BeforeEach
  void requirePeer() {
    peer().python();
  }

  @AfterAll
  void stop() throws Exception {
    if (client != null) {
      client.close();
    }
    if (twisted != null) {
      twisted.close();
    }
  }

  private Broker connect() throws Exception {
    return client.connect(uri).get(10, TimeUnit.SECONDS);
  }

  @Test
  void echoRoundTripsEveryJellyType() throws Exception {
    Broker broker = connect();
    // this client has msgpack and prefers it, but Twisted offers only banana's dialects
    assertThat(broker.serializer() + "/" + broker.dialect()).isEqualTo("banana/pb");
    Map<Object, Object> dict = new LinkedHashMap<>();
    dict.put("text", 1L);
    dict.put(Bytes.ascii("bytes"), 2L);
    dict.put(3L, "int key");
    dict.put(Tuple.of(1L, "a"), List.of());
    dict.put("nested", new LinkedHashMap<>(Map.of("k", Tuple.of())));
    List<Object> deep = new ArrayList<>();
    List<Object> cursor = deep;
    for (int i = 0; i < 50; i++) {
      List<Object> next = new ArrayList<>();
      cursor.add(next);
      cursor = next;
    }
    byte[] all = new byte[256];
    for (int i = 0; i < all.length; i++) {
      all[i] = (byte) i;
    }
    List<Object> values = Arrays.asList(null, true, false, 0L, 1L, -1L, 127L, 128L, (1L << 31) - 1, 1L << 31,
        -(1L << 31), -(1L << 31) - 1, Long.MAX_VALUE, Long.MIN_VALUE, BigInteger.TWO.pow(63),
        BigInteger.TWO.pow(63).negate().subtract(BigInteger.ONE), BigInteger.TWO.pow(64), BigInteger.TWO.pow(100),
        BigInteger.TWO.pow(200).negate(), BigInteger.TWO.pow(447), 1.5, 1e300, Double.NEGATIVE_INFINITY,
        Bytes.of(new byte[0]), Bytes.ascii("hi"), Bytes.of(all), Bytes.ascii("copy"), "", "hi", "é", "☃ snowman",
        "tuple", "x".repeat(10_000), new ArrayList<>(), new ArrayList<>(List.of(1L, "two", 3.0)), Tuple.of(),
        Tuple.of(1L, Tuple.of(2L)), dict, new LinkedHashSet<>(List.of(1L, 2L, 3L)), FrozenSet.of("a", "b"), deep,
        new BigDecimal("9.95"), new BigDecimal("-78.901"), LocalDateTime.of(2020, 7, 11, 1, 16, 5, 344_000),
        LocalDate.of(2020, 7, 11), LocalTime.of(1, 16, 5, 344_000), Duration.ofDays(8).plusSeconds(4565));
    for (Object value : values) {
      Object back = call(broker.rootObject(), "echo", value);
      assertThat(back).as("echo of %s", value).isEqualTo(value);
      if (value != null && !(value instanceof Long) && !(value instanceof BigInteger)) {
        assertThat(back.getClass()).as("type of echoed %s", value).isEqualTo(value.getClass() == ArrayList.class
            || value instanceof List && !(value instanceof Tuple) ? ArrayList.class
            : value instanceof Map ? LinkedHashMap.class : value.getClass());
      }
    }
    assertThat((Double) call(broker.rootObject(), "echo", Double.NaN)).isNaN();
    assertThat(Double.doubleToRawLongBits((Double) call(broker.rootObject(), "echo", -0.0)))
        .isEqualTo(Double.doubleToRawLongBits(-0.0));
    broker.close();
  }

  @Test
  void sharedAndCyclicStructuresKeepIdentity() throws Exception {
    Broker broker = connect();
    List<Object> x = new ArrayList<>(List.of(1L));
    List<?> shared = (List<?>) call(broker.rootObject(), "echo", new ArrayList<>(List.of(x, x)));
    assertThat(shared.get(0)).isSameAs(shared.get(1)).isEqualTo(List.of(1L));

    List<Object> cycle = new ArrayList<>();
    cycle.add(cycle);
    List<?> cycleBack = (List<?>) call(broker.rootObject(), "echo", cycle);
    assertThat(cycleBack.get(0)).isSameAs(cycleBack);

    Map<Object, Object> self = new LinkedHashMap<>();
    self.put("self", self);
    Map<?, ?> selfBack = (Map<?, ?>) call(broker.rootObject(), "echo", self);
    assertThat(selfBack.get("self")).isSameAs(selfBack);

    List<Object> inner = new ArrayList<>();
    Tuple tuple = Tuple.wrap(new Object[] {inner});
    inner.add(tuple);
    Tuple tupleBack = (Tuple) call(broker.rootObject(), "echo", tuple);
    assertThat(((List<?>) tupleBack.get(0)).get(0)).isSameAs(tupleBack);
    broker.close();
  }

  @Test
  void valuesBuiltByTwistedArriveWithTheirJavaTypes() throws Exception {
    Broker broker = connect();
    Map<?, ?> types = (Map<?, ?>) call(broker.rootObject(), "types");
    assertThat(types.get("none")).isNull();
    assertThat(types.containsKey("none")).isTrue();
    assertThat(types.get("true")).isEqualTo(true);
    assertThat(types.get("false")).isEqualTo(false);
    assertThat(types.get("int")).isEqualTo(42L);
    assertThat(types.get("neg")).isEqualTo(-7L);
    assertThat(types.get("big")).isEqualTo(BigInteger.TWO.pow(100));
    assertThat(types.get("bigneg")).isEqualTo(BigInteger.TWO.pow(70).negate());
    assertThat(types.get("int31")).isEqualTo(1L << 31);
    assertThat(types.get("negint31")).isEqualTo(-(1L << 31));
    assertThat(types.get("float")).isEqualTo(2.5);
    assertThat(Double.doubleToRawLongBits((Double) types.get("negzero"))).isEqualTo(Long.MIN_VALUE);
    assertThat(types.get("inf")).isEqualTo(Double.POSITIVE_INFINITY);
    assertThat(types.get("bytes")).isEqualTo(Bytes.of(new byte[] {0, (byte) 0xff, 'h', 'i'}));
    assertThat(types.get("text")).isEqualTo("héllo ☃");
    assertThat(types.get("empty_list")).isEqualTo(List.of()).isInstanceOf(ArrayList.class);
    assertThat(types.get("empty_tuple")).isEqualTo(Tuple.of());
    assertThat(types.get("empty_dict")).isEqualTo(Map.of());
    assertThat(types.get("list")).isEqualTo(List.of(1L, List.of(2L, List.of(3L))));
    assertThat(types.get("tuple")).isEqualTo(Tuple.of(1L, "a", Bytes.ascii("b")));
    Map<?, ?> dict = (Map<?, ?>) types.get("dict");
    assertThat(dict.get(Tuple.of(1L, 2L))).isEqualTo("tuple key");
    assertThat(dict.get(Bytes.ascii("k"))).isEqualTo(Arrays.asList((Object) null));
    assertThat(types.get("set")).isEqualTo(new LinkedHashSet<>(List.of(1L, 2L, 3L))).isInstanceOf(LinkedHashSet.class);
    assertThat(types.get("frozenset")).isEqualTo(FrozenSet.of(4L, 5L)).isInstanceOf(FrozenSet.class);
    List<?> shared = (List<?>) types.get("shared");
    assertThat(shared.get(0)).isSameAs(shared.get(1));
    List<?> cycle = (List<?>) types.get("cycle");
    assertThat(cycle.get(0)).isSameAs(cycle);
    broker.close();
  }

  @Test
  void keywordArgumentsReachPython() throws Exception {
    Broker broker = connect();
    assertThat(call(broker.rootObject(), "kw", 1, Kwargs.of("b", 2)))
        .isEqualTo(Tuple.of(Tuple.of(1L), Map.of("b", 2L)));
    assertThat(call(broker.rootObject(), "add", Kwargs.of("a", 1, "b", 2))).isEqualTo(3L);
    RemoteReference counter = (RemoteReference) call(broker.rootObject(), "counter", Kwargs.of("start", 10));
    assertThat(call(counter, "value")).isEqualTo(10L);
    assertThat(call(counter, "increment", Kwargs.of("n", 5))).isEqualTo(15L);
    counter.close();
    broker.close();
  }

  @Test
  void arithmeticOfAnySize() throws Exception {
    Broker broker = connect();
    assertThat(call(broker.rootObject(), "add", 2, 3)).isEqualTo(5L);
    assertThat(call(broker.rootObject(), "add", BigInteger.TWO.pow(64), 1))
        .isEqualTo(BigInteger.TWO.pow(64).add(BigInteger.ONE));
    assertThat(call(broker.rootObject(), "add", 1.5, 2.25)).isEqualTo(3.75);
    broker.close();
  }

  @Test
  void twistedErrorsArriveWithTheirPythonTypeAndMessage() throws Exception {
    Broker broker = connect();
    RemoteException fail = remoteError(broker.rootObject(), "fail", "nope");
    assertThat(fail.remoteType()).isEqualTo("twisted.spread.pb.Error");
    assertThat(fail.remoteMessage()).isEqualTo("nope");
    assertThat(fail.isPbError()).isTrue();

    RemoteException crash = remoteError(broker.rootObject(), "crash");
    assertThat(crash.remoteType()).isEqualTo("builtins.ZeroDivisionError");
    assertThat(crash.isA("builtins.ArithmeticError")).isTrue();
    assertThat(crash.isPbError()).isFalse();
    assertThat(crash.remoteTraceback()).isEqualTo("Traceback unavailable\n");

    RemoteException missing = remoteError(broker.rootObject(), "nosuch");
    assertThat(missing.remoteType()).isEqualTo("twisted.spread.flavors.NoSuchMethod");
    assertThat(missing.remoteMessage()).isEqualTo("No such method: remote_nosuch");
    assertThat(call(broker.rootObject(), "echo", "still serving")).isEqualTo("still serving");
    broker.close();
  }

  @Test
  void twistedCallsBackIntoJavaAndReleasesTheReference() throws Exception {
    Broker broker = connect();
    Referenceable listener = new Referenceable() {
      @Remote
      public String got(String x) {
        return "got " + x;
      }
    };
    assertThat(call(broker.rootObject(), "callback", listener, "hi")).isEqualTo("got hi");
    // Twisted drops its proxy once the call is done, which sends decref: the Java side forgets the listener.
    eventually(() -> broker.stats().localObjects() == 0);
    broker.close();
  }

  @Test
  void decrefIsObservedOnTheTwistedOwner() throws Exception {
    Broker broker = connect();
    RemoteReference counter = (RemoteReference) call(broker.rootObject(), "counter");
    assertThat(call(counter, "increment")).isEqualTo(1L);
    assertThat(call(counter, "increment", 5)).isEqualTo(6L);
    // the counter comes back twice more in one answer: three handles, equal, on one entry holding three tokens
    List<?> twice = (List<?>) call(broker.rootObject(), "echo", List.of(counter, counter));
    assertThat(twice.get(0)).isEqualTo(counter).isNotSameAs(counter).isEqualTo(twice.get(1));
    assertThat(broker.stats().remoteReferences()).isEqualTo(1);
    assertThat(call(broker.rootObject(), "identity", counter, counter)).isEqualTo(true);
    assertThat(call(broker.rootObject(), "exported")).isEqualTo(1L);
    counter.close();
    ((RemoteReference) twice.get(0)).close();
    // a handle still open keeps the object: nothing is sent yet
    assertThat(call((RemoteReference) twice.get(1), "increment")).isEqualTo(7L);
    assertThat(call(broker.rootObject(), "exported")).isEqualTo(1L);
    ((RemoteReference) twice.get(1)).close();
    // one decref per token received, once the last handle goes: fewer would leak on Twisted, more would make it
    // drop the connection
    assertThat(call(broker.rootObject(), "exported")).isEqualTo(0L);
    assertThat(broker.stats().remoteReferences()).isZero();
    assertThat(broker.isConnected()).isTrue();
    broker.close();
  }

  @Test
  void javaObjectHeldByTwistedComesBackAsItself() throws Exception {
    Broker broker = connect();
    Referenceable mine = new Referenceable() {};
    call(broker.rootObject(), "hold", mine);
    assertThat(broker.stats().localObjects()).isEqualTo(1);
    assertThat(call(broker.rootObject(), "held")).isSameAs(mine);
    call(broker.rootObject(), "release");
    eventually(() -> broker.stats().localObjects() == 0);
    broker.close();
  }

  @Test
  void manyCallsInFlightAllAnswered() throws Exception {
    Broker broker = connect();
    List<CompletableFuture<Object>> calls = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      calls.add(broker.rootObject().callRemote("echo", i));
    }
    for (int i = 0; i < 200; i++) {
      assertThat(calls.get(i).get(10, TimeUnit.SECONDS)).isEqualTo((long) i);
    }
    assertThat(broker.stats().pendingCalls()).isZero();
    broker.close();
  }

  private static final long PAGED_BYTES = 50L * 1024 * 1024;

  /** The demo's paging payload: byte i is i % 251, as its SHA-256 hex. */
  private static String patternSha256(long n, boolean reversed) throws Exception {
    java.security.MessageDigest sha = java.security.MessageDigest.getInstance("SHA-256");
    byte[] page = new byte[64 * 1024];
    for (long at = 0; at < n; at += page.length) {
      int length = (int) Math.min(page.length, n - at);
      for (int i = 0; i < length; i++) {
        long position = reversed ? n - 1 - (at + i) : at + i;
        page[i] = (byte) (position % 251);
      }
      sha.update(page, 0, length);
    }
    return java.util.HexFormat.of().formatHex(sha.digest());
  }

  @Test
  void twistedFilePagerPagesAFileToAJavaCollector() throws Exception {
    Broker broker = connect();
    java.security.MessageDigest sha = java.security.MessageDigest.getInstance("SHA-256");
    dev.pbj.core.paging.PageCollector<Long> collector = dev.pbj.core.paging.PageCollector.toStream(
        new java.security.DigestOutputStream(java.io.OutputStream.nullOutputStream(), sha));
    long got = dev.pbj.core.paging.PageCollector.collect(broker.rootObject(), "download",
        new Object[] {PAGED_BYTES}, collector).get(120, TimeUnit.SECONDS);
    assertThat(got).isEqualTo(PAGED_BYTES);
    assertThat(java.util.HexFormat.of().formatHex(sha.digest())).isEqualTo(patternSha256(PAGED_BYTES, false));
    assertThat(call(broker.rootObject(), "echo", "after paging")).isEqualTo("after paging");
    broker.close();
  }

  /** A source that pages its bytes with PBJ's Pager when Twisted's getAllPages asks it to. */
  public static final class ReversedPattern implements Referenceable {
    final CompletableFuture<Long> sent = new CompletableFuture<>();

    @Remote
    public void getPages(RemoteReference collector) {
      byte[] bytes = new byte[(int) PAGED_BYTES];
      for (int i = 0; i < bytes.length; i++) {
        bytes[i] = (byte) ((PAGED_BYTES - 1 - i) % 251);
      }
      dev.pbj.core.paging.Pager.send(collector, new java.io.ByteArrayInputStream(bytes))
          .whenComplete((n, error) -> {
            if (error != null) {
              sent.completeExceptionally(error);
            } else {
              sent.complete(n);
            }
          });
    }
  }

  @Test
  void javaPagerPagesToTwistedsGetAllPages() throws Exception {
    Broker broker = connect();
    ReversedPattern source = new ReversedPattern();
    Object answer = broker.rootObject().callRemote("upload", source).get(120, TimeUnit.SECONDS);
    assertThat(answer).isEqualTo(List.of(PAGED_BYTES, patternSha256(PAGED_BYTES, true)));
    assertThat(source.sent.get(10, TimeUnit.SECONDS)).isEqualTo(PAGED_BYTES);
    broker.close();
  }

  @Test
  void bigStringsUpToTheLimitTravelAndLargerOnesFailLocally() throws Exception {
    Broker broker = connect();
    Bytes big = Bytes.of(new byte[600_000]);
    assertThat(call(broker.rootObject(), "echo", big)).isEqualTo(big);
    CompletableFuture<Object> tooBig = broker.rootObject().callRemote("echo", Bytes.of(new byte[700_000]));
    assertThatThrownBy(() -> tooBig.get(10, TimeUnit.SECONDS)).cause().isInstanceOf(LimitExceededException.class);
    assertThat(call(broker.rootObject(), "echo", "still connected")).isEqualTo("still connected");
    broker.close();
  }

  @Test
  void deadlinesAndCancelsStayOnThisSideAndTheConnectionGoesOn() throws Exception {
    try (PbClient quick = PbClient.builder().keepalive(new Keepalive(Duration.ofMillis(200), Duration.ofMillis(300)))
        .build()) {
      Broker broker = quick.connect(uri).get(10, TimeUnit.SECONDS);
      CompletableFuture<Object> hurried = broker.rootObject().withDeadline(Duration.ofMillis(300)).callRemote("never");
      assertThatThrownBy(() -> hurried.get(10, TimeUnit.SECONDS)).cause()
          .isInstanceOf(DeadlineExceededException.class);
      CompletableFuture<Object> cancelled = broker.rootObject().callRemote("never");
      cancelled.cancel(true);
      // several keepalive periods of silence from Twisted while a call waits: Twisted cannot be pinged
      CompletableFuture<Object> waiting = broker.rootObject().callRemote("never");
      assertThatThrownBy(() -> waiting.get(1200, TimeUnit.MILLISECONDS)).isInstanceOf(TimeoutException.class);
      waiting.cancel(true);
      assertThat(call(broker.rootObject(), "unknown_commands")).isEqualTo(List.of());
      assertThat(call(broker.rootObject(), "echo", "still connected")).isEqualTo("still connected");
      assertThat(broker.stats().pendingCalls()).isZero();
      broker.close();
    }
  }

  @Test
  void disconnectFailsPendingCallsAndLaterCalls() throws Exception {
    Broker broker = connect();
    CompletableFuture<Object> pending = broker.rootObject().callRemote("never");
    CountDownLatch notified = new CountDownLatch(2);
    broker.notifyOnDisconnect(notified::countDown);
    broker.rootObject().notifyOnDisconnect(ref -> notified.countDown());
    broker.rootObject().callRemote("disconnect");
    assertThatThrownBy(() -> pending.get(10, TimeUnit.SECONDS)).cause().isInstanceOf(ConnectionLostException.class);
    assertThat(notified.await(10, TimeUnit.SECONDS)).isTrue();
    assertThatThrownBy(() -> call(broker.rootObject(), "echo", 1)).cause()
        .isInstanceOf(DeadReferenceException.class);
    broker.closeFuture().get(10, TimeUnit.SECONDS);
    assertThat(broker.stats().pendingCalls()).isZero();
  }
}

// One concrete class per peer (top level, so Surefire's default includes pick them up and the class name in a
// failure report names the peer).

/** The Java client against a Twisted 22 server (Debian's python3-twisted). */
class JavaClientToTwistedServerTwisted22Test extends JavaClientToTwistedServerTest {
  @Override
  TwistedPeer peer() {
    return TwistedPeer.TWISTED22;
  }
}

/** The Java client against the newest Twisted (pip, {@code .venv-twisted}) as server. */
class JavaClientToTwistedServerTwistedLatestTest extends JavaClientToTwistedServerTest {
  @Override
  TwistedPeer peer() {
    return TwistedPeer.TWISTED_LATEST;
  }
}
