package dev.pbj.cli.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pbj.Broker;
import dev.pbj.BrokerStats;
import dev.pbj.Bytes;
import dev.pbj.FrozenSet;
import dev.pbj.Kwargs;
import dev.pbj.PbError;
import dev.pbj.Referenceable;
import dev.pbj.Remote;
import dev.pbj.RemoteException;
import dev.pbj.RemoteReference;
import dev.pbj.Tuple;
import dev.pbj.cli.Eventually;
import dev.pbj.core.PbClient;
import dev.pbj.core.PbServer;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The demo contract, served by {@link PbServer} and called by {@link PbClient} over real loopback TCP. */
class DemoRootTest {
  private static final BrokerStats REST = new BrokerStats(0, 0, 0);
  private PbServer server;
  private PbClient client;
  private Broker broker;

  @BeforeEach
  void connect() throws Exception {
    server = PbServer.builder().root(new DemoRoot()).listen("tcp://127.0.0.1:0").build().start();
    client = PbClient.builder().build();
    broker = client.connect(server.uri(0)).get(10, TimeUnit.SECONDS);
  }

  @AfterEach
  void close() {
    client.close();
    server.close();
  }

  private Object call(String method, Object... args) throws Exception {
    return call(broker.rootObject(), method, args);
  }

  private static Object call(RemoteReference ref, String method, Object... args) throws Exception {
    return ref.callRemote(method, args).get(10, TimeUnit.SECONDS);
  }

  private RemoteException remoteError(String method, Object... args) {
    CompletableFuture<Object> answer = broker.rootObject().callRemote(method, args);
    Throwable cause = assertThatThrownBy(() -> answer.get(10, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class).actual().getCause();
    assertThat(cause).isInstanceOf(RemoteException.class);
    return (RemoteException) cause;
  }

  private Broker serverSide() throws InterruptedException {
    Eventually.await("the server has the connection", () -> server.connections().size() == 1);
    return server.connections().get(0);
  }

  private void assertBaseline() throws InterruptedException {
    Broker serverBroker = serverSide();
    Eventually.await("both tables at rest", () -> broker.stats().equals(REST) && serverBroker.stats().equals(REST));
  }

  @Test
  void echoReturnsEveryValueUnchanged() throws Exception {
    Map<Object, Object> dict = new LinkedHashMap<>();
    dict.put(Tuple.of(1L, 2L), "tuple key");
    dict.put(Bytes.ascii("k"), new ArrayList<>(java.util.Collections.singletonList(null)));
    List<Object> values = List.of("h\u00e9llo", Bytes.of(new byte[] {0, -1}), 42L, -7L, BigInteger.TWO.pow(100),
        BigInteger.TWO.pow(70).negate(), 2.5, -0.0, Double.POSITIVE_INFINITY, true, false, Tuple.of(1L, "a"),
        new ArrayList<>(List.of(1L, new ArrayList<>(List.of(2L)))), dict, new LinkedHashSet<>(List.of(1L, 2L)),
        FrozenSet.of(4L, 5L), new ArrayList<>(), Tuple.of(), new LinkedHashMap<>());
    for (Object value : values) {
      assertThat(call("echo", value)).as("echo(%s)", value).isEqualTo(value)
          .hasSameClassAs(value);
    }
    assertThat(call("echo", (Object) null)).isNull();
    assertThat((Double) call("echo", Double.NaN)).isNaN();
    assertBaseline();
  }

  @Test
  void echoKeepsSharedAndCyclicStructure() throws Exception {
    List<Object> shared = new ArrayList<>(List.of(1L));
    List<?> both = (List<?>) call("echo", new ArrayList<>(List.of(shared, shared)));
    assertThat(both.get(0)).isSameAs(both.get(1)).isEqualTo(shared);
    List<Object> cycle = new ArrayList<>();
    cycle.add(cycle);
    List<?> back = (List<?>) call("echo", cycle);
    assertThat(back.get(0)).isSameAs(back);
  }

  @Test
  void addSumsIntegersOfAnySizeNarrowingWhenTheSumFits() throws Exception {
    assertThat(call("add", 2, 3)).isEqualTo(5L);
    assertThat(call("add", -5, 2)).isEqualTo(-3L);
    assertThat(call("add", Integer.MAX_VALUE, 1)).isEqualTo(1L << 31);
    assertThat(call("add", Long.MAX_VALUE, 1)).isEqualTo(BigInteger.ONE.shiftLeft(63));
    assertThat(call("add", BigInteger.TWO.pow(64), 1)).isEqualTo(BigInteger.TWO.pow(64).add(BigInteger.ONE));
    assertThat(call("add", BigInteger.TWO.pow(64), BigInteger.TWO.pow(64).negate())).isEqualTo(0L);
  }

  @Test
  void addSumsFloatsWhenEitherSideIsOne() throws Exception {
    assertThat(call("add", 1.5, 2.25)).isEqualTo(3.75);
    assertThat(call("add", 1, 0.5)).isEqualTo(1.5);
    assertThat(call("add", BigInteger.TWO.pow(100), 0.0)).isEqualTo(Math.pow(2, 100));
  }

  @Test
  void addConcatenatesLikePython() throws Exception {
    assertThat(call("add", "ab", "cd")).isEqualTo("abcd");
    assertThat(call("add", Bytes.ascii("ab"), Bytes.ascii("c"))).isEqualTo(Bytes.ascii("abc"));
    assertThat(call("add", List.of(1L), List.of(2L))).isEqualTo(List.of(1L, 2L));
    assertThat(call("add", Tuple.of(1L), Tuple.of(2L))).isEqualTo(Tuple.of(1L, 2L));
    assertThat(remoteError("add", 1, "a").remoteMessage()).contains("unsupported operand type(s) for +");
  }

  @Test
  void addTakesKeywordArguments() throws Exception {
    assertThat(call("add", Kwargs.of("a", 1, "b", 2))).isEqualTo(3L);
    assertThat(call("add", 1, Kwargs.of("b", 2))).isEqualTo(3L);
  }

  @Test
  void failRaisesPbErrorWithTheMessage() {
    RemoteException error = remoteError("fail", "nope");
    assertThat(error.isPbError()).isTrue();
    assertThat(error.remoteType()).isEqualTo(PbError.TWISTED_TYPE);
    assertThat(error.remoteMessage()).isEqualTo("nope");
  }

  @Test
  void crashRaisesAnUnexpectedErrorNamedByItsJavaType() {
    RemoteException error = remoteError("crash");
    assertThat(error.isPbError()).isFalse();
    assertThat(error.remoteType()).isEqualTo("java.lang.IllegalStateException");
    assertThat(error.remoteMessage()).isEqualTo("crash requested");
  }

  /** The caller's object that {@code callback} calls. */
  public static final class Catcher implements Referenceable {
    final List<Object> calls = java.util.Collections.synchronizedList(new ArrayList<>());

    @Remote
    public String got(Object x) {
      calls.add(x);
      if ("boom".equals(x)) {
        throw new PbError("boom from the client");
      }
      return "got " + x;
    }
  }

  @Test
  void callbackCallsTheCallersObjectAndReleasesIt() throws Exception {
    Catcher catcher = new Catcher();
    assertThat(call("callback", catcher, "hi")).isEqualTo("got hi");
    assertThat(catcher.calls).containsExactly("hi");
    Eventually.await("the server released the client's object", () -> broker.stats().localObjects() == 0);
    assertBaseline();
  }

  @Test
  void callbackPassesOnTheCallersError() throws Exception {
    Catcher catcher = new Catcher();
    RemoteException error = remoteError("callback", catcher, "boom");
    assertThat(error.remoteMessage()).contains("boom from the client");
    assertThat(catcher.calls).containsExactly("boom");
    assertBaseline();
  }

  @Test
  void counterCountsFromStartByN() throws Exception {
    RemoteReference zero = (RemoteReference) call("counter");
    RemoteReference ten = (RemoteReference) call("counter", Kwargs.of("start", 10));
    RemoteReference three = (RemoteReference) call("counter", 3);
    assertThat(serverSide().stats().localObjects()).isEqualTo(3);

    assertThat(call(zero, "increment")).isEqualTo(1L);
    assertThat(call(zero, "increment", 5)).isEqualTo(6L);
    assertThat(call(zero, "increment", Kwargs.of("n", -2))).isEqualTo(4L);
    assertThat(call(zero, "value")).isEqualTo(4L);
    assertThat(call(ten, "value")).isEqualTo(10L);
    assertThat(call(three, "increment")).isEqualTo(4L);

    zero.close();
    Eventually.await("one counter released", () -> serverSideStats().localObjects() == 2);
    ten.close();
    three.close();
    assertBaseline();
  }

  private BrokerStats serverSideStats() {
    return server.connections().get(0).stats();
  }
}
