package dev.pbj.cli.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pbj.Broker;
import dev.pbj.BrokerStats;
import dev.pbj.Bytes;
import dev.pbj.CopiedObject;
import dev.pbj.FrozenSet;
import dev.pbj.Kwargs;
import dev.pbj.PbError;
import dev.pbj.Referenceable;
import dev.pbj.Remote;
import dev.pbj.RemoteException;
import dev.pbj.RemoteReference;
import dev.pbj.Tuple;
import dev.pbj.cli.Eventually;
import dev.pbj.cli.demo.RoomCache.Change;
import dev.pbj.cred.UnauthorizedLoginException;
import dev.pbj.core.PbClient;
import dev.pbj.core.PbServer;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The demo contract, served by {@link PbServer} as {@code pbj serve} serves it (one {@link DemoWorld}: here a root
 * per connection on the shared world, with the portal and the demo's types) and called by {@link PbClient} over real
 * loopback TCP. Every test ends with both sides' tables at rest.
 */
class DemoRootTest {
  private static final BrokerStats REST = BrokerStats.AT_REST;
  private DemoWorld world;
  private PbServer server;
  private PbClient client;
  private Broker broker;
  private final List<Broker> clients = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start() throws Exception {
    world = new DemoWorld();
    server = PbServer.builder()
        .rootFactory(connection -> new DemoRoot(world))
        .portal(world.portal())
        .copies(DemoTypes.registry())
        .listen("tcp://127.0.0.1:0").build().start();
    client = PbClient.builder().copies(DemoTypes.registry()).build();
    broker = connection();
  }

  /** Another connection to the server, checked at rest after the test too. */
  private Broker connection() throws Exception {
    Broker connection = client.connect(server.uri(0)).get(10, TimeUnit.SECONDS);
    clients.add(connection);
    return connection;
  }

  @AfterEach
  void close() throws InterruptedException {
    try {
      Eventually.await("every connection's tables at rest on both sides", () ->
          clients.stream().allMatch(c -> !c.isConnected() || c.stats().equals(REST))
              && server.connections().stream().allMatch(c -> c.stats().equals(REST)));
    } finally {
      client.close();
      server.close();
    }
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

  // --- copies

  @Test
  void pointTravelsByCopyBothWays() throws Exception {
    Object point = call("point", 3, 4);
    assertThat(point).isEqualTo(new Point(3, 4));
    assertThat(((Point) point).typeToCopy()).isEqualTo("pbj.demo.Point");
    assertThat(call("accept_point", new Point(1, 2))).isEqualTo(List.of(1L, 2L));
    assertThat(call("accept_point", new CopiedObject("pbj.demo.Point", Map.of("x", 5L, "y", -6L))))
        .isEqualTo(List.of(5L, -6L));
    assertThat(call("echo", new Point(7, 8))).isEqualTo(new Point(7, 8));
    assertBaseline();
  }

  @Test
  void acceptPointRefusesWhatIsNotAPoint() {
    RemoteException error = remoteError("accept_point", 7);
    assertThat(error.isPbError()).isTrue();
    assertThat(error.remoteMessage()).isEqualTo("expected a pbj.demo.Point copy, got 'Long'");
    RemoteException unknown = remoteError("accept_point", new CopiedObject("evil.Thing", Map.of()));
    assertThat(unknown.remoteType()).isEqualTo("twisted.spread.jelly.InsecureJelly");
    assertThat(unknown.remoteMessage()).contains("evil.Thing");
  }

  // --- the room

  private RoomCache room(Broker connection, LinkedBlockingQueue<Change> changes) throws Exception {
    RoomCache room = (RoomCache) call(connection.rootObject(), "room");
    room.addListener(changes::add);
    return room;
  }

  private static Change next(LinkedBlockingQueue<Change> changes) throws InterruptedException {
    Change change = changes.poll(10, TimeUnit.SECONDS);
    assertThat(change).as("a change within 10 s").isNotNull();
    return change;
  }

  @Test
  void roomArrivesWithItsStateAndFollowsSay() throws Exception {
    world.room().say("earlier");
    LinkedBlockingQueue<Change> changes = new LinkedBlockingQueue<>();
    RoomCache room = room(broker, changes);
    assertThat(room.topic()).isEqualTo(Room.DEFAULT_TOPIC).isEqualTo("PBJ demo room");
    assertThat(room.members()).isEmpty();
    assertThat(room.messages()).containsExactly("earlier");
    assertThat(room.state()).isEqualTo(Map.of("topic", "PBJ demo room", "members", List.of(),
        "messages", List.of("earlier")));

    assertThat(call("say", "hello")).isNull();
    assertThat(next(changes)).isEqualTo(Change.said("hello"));
    assertThat(room.messages()).containsExactly("earlier", "hello");
    assertThat(world.room().messages()).containsExactly("earlier", "hello");

    assertThat(call("room")).isSameAs(room);
    assertThat(world.room().observerCount()).isEqualTo(1);
    assertThat(serverSide().stats().cachedObjects()).isEqualTo(1);
    assertThat(broker.stats().remoteCaches()).isEqualTo(1);
    room.close();
    Eventually.await("the room lost its observer", () -> world.room().observerCount() == 0);
    assertBaseline();
  }

  @Test
  void everyConnectionObservesTheSameRoom() throws Exception {
    Broker other = connection();
    LinkedBlockingQueue<Change> mine = new LinkedBlockingQueue<>();
    LinkedBlockingQueue<Change> theirs = new LinkedBlockingQueue<>();
    RoomCache myRoom = room(broker, mine);
    RoomCache theirRoom = room(other, theirs);
    assertThat(world.room().observerCount()).isEqualTo(2);
    call(other.rootObject(), "say", "from the other side");
    assertThat(next(mine)).isEqualTo(Change.said("from the other side"));
    assertThat(next(theirs)).isEqualTo(Change.said("from the other side"));
    other.close();
    Eventually.await("the closed connection stopped observing", () -> world.room().observerCount() == 1);
    call("say", "still here");
    assertThat(next(mine)).isEqualTo(Change.said("still here"));
    assertThat(theirRoom.messages()).containsExactly("from the other side");
    myRoom.close();
    Eventually.await("no observer left", () -> world.room().observerCount() == 0);
  }

  @Test
  void concurrentChangesReachEveryObserverInTheRoomsOrder() throws Exception {
    Broker other = connection();
    LinkedBlockingQueue<Change> mine = new LinkedBlockingQueue<>();
    LinkedBlockingQueue<Change> theirs = new LinkedBlockingQueue<>();
    RoomCache myRoom = room(broker, mine);
    RoomCache theirRoom = room(other, theirs);
    int threads = 4;
    int each = 50;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<?>> sayers = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int thread = t;
        sayers.add(pool.submit(() -> {
          for (int i = 0; i < each; i++) {
            world.room().say(thread + "." + i);
          }
        }));
      }
      for (Future<?> sayer : sayers) {
        sayer.get(10, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    for (int i = 0; i < threads * each; i++) {
      next(mine);
      next(theirs);
    }
    assertThat(myRoom.messages()).hasSize(threads * each).isEqualTo(world.room().messages());
    assertThat(theirRoom.messages()).isEqualTo(world.room().messages());
    myRoom.close();
    theirRoom.close();
    Eventually.await("no observer left", () -> world.room().observerCount() == 0);
  }

  // --- login

  private static RemoteReference login(Broker connection, String user, String password) throws Exception {
    return connection.login(user, password, null).get(10, TimeUnit.SECONDS);
  }

  @Test
  void aliceLogsInAndTalksThroughHerAvatar() throws Exception {
    RemoteReference alice = login(broker, "alice", "wonderland");
    assertThat(call(alice, "whoami")).isEqualTo("alice");
    assertThat(world.room().members()).containsExactly("alice");
    assertThat(call(alice, "shout", "hi all")).isEqualTo("alice: hi all");
    assertThat(world.room().messages()).containsExactly("alice: hi all");
    RemoteReference board = (RemoteReference) call(alice, "board");
    assertThat(call(board, "post", "a note")).isEqualTo("alice posted a note");
    assertThat(call("echo", "the root is still served")).isEqualTo("the root is still served");
    board.close();
    alice.close();
    Eventually.await("alice logged out", () -> world.room().members().isEmpty());
    assertBaseline();
  }

  @Test
  void theSharedBoardSeesEachCallersName() throws Exception {
    Broker bobs = connection();
    RemoteReference alice = login(broker, "alice", "wonderland");
    RemoteReference bob = login(bobs, "bob", "builder");
    RemoteReference aliceBoard = (RemoteReference) call(alice, "board");
    RemoteReference bobBoard = (RemoteReference) call(bob, "board");
    assertThat(call(aliceBoard, "post", "one")).isEqualTo("alice posted one");
    assertThat(call(bobBoard, "post", "two")).isEqualTo("bob posted two");
    assertThat(call(aliceBoard, "post", "three")).isEqualTo("alice posted three");
    assertThat(world.room().members()).containsExactlyInAnyOrder("alice", "bob");
    for (RemoteReference reference : List.of(aliceBoard, bobBoard, alice, bob)) {
      reference.close();
    }
    Eventually.await("both logged out", () -> world.room().members().isEmpty());
  }

  @Test
  void wrongPasswordIsUnauthorizedAndTheConnectionCanLogInAfterwards() throws Exception {
    CompletableFuture<RemoteReference> wrong = broker.login("alice", "guess", null);
    assertThatThrownBy(() -> wrong.get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
        .cause().isInstanceOf(UnauthorizedLoginException.class);
    CompletableFuture<RemoteReference> nobody = broker.login("mallory", "wonderland", null);
    assertThatThrownBy(() -> nobody.get(10, TimeUnit.SECONDS)).cause()
        .isInstanceOf(UnauthorizedLoginException.class);
    assertThat(world.room().members()).isEmpty();
    RemoteReference alice = login(broker, "alice", "wonderland");
    assertThat(call(alice, "whoami")).isEqualTo("alice");
    alice.close();
    Eventually.await("alice logged out", () -> world.room().members().isEmpty());
    assertBaseline();
  }

  @Test
  void anonymousLoginIsAnonymousAndNotAMember() throws Exception {
    RemoteReference anonymous = broker.loginAnonymous(null).get(10, TimeUnit.SECONDS);
    assertThat(call(anonymous, "whoami")).isEqualTo("anonymous");
    assertThat(call(anonymous, "shout", "psst")).isEqualTo("anonymous: psst");
    RemoteReference board = (RemoteReference) call(anonymous, "board");
    assertThat(call(board, "post", "x")).isEqualTo("anonymous posted x");
    assertThat(world.room().members()).isEmpty();
    board.close();
    anonymous.close();
    assertBaseline();
  }

  @Test
  void observersSeeUsersJoinAndLeave() throws Exception {
    LinkedBlockingQueue<Change> changes = new LinkedBlockingQueue<>();
    RoomCache room = room(broker, changes);
    Broker bobs = connection();
    RemoteReference bob = login(bobs, "bob", "builder");
    assertThat(next(changes)).isEqualTo(Change.joined("bob"));
    assertThat(room.members()).containsExactly("bob");
    assertThat(call(bob, "shout", "hello")).isEqualTo("bob: hello");
    assertThat(next(changes)).isEqualTo(Change.said("bob: hello"));

    RoomCache late = (RoomCache) call(connection().rootObject(), "room");
    assertThat(late.members()).containsExactly("bob");
    assertThat(late.messages()).containsExactly("bob: hello");

    bobs.close();
    assertThat(next(changes)).isEqualTo(Change.left("bob"));
    assertThat(room.members()).isEmpty();
    assertThat(world.room().members()).isEmpty();
    room.close();
    late.close();
    Eventually.await("no observer left", () -> world.room().observerCount() == 0);
  }
}
