package dev.pbj.core.internal.connection;

import static dev.pbj.core.internal.BrokerPair.eventually;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pbj.Avatar;
import dev.pbj.CacheObserver;
import dev.pbj.Cacheable;
import dev.pbj.CopiedObject;
import dev.pbj.Copyable;
import dev.pbj.InsecureJellyException;
import dev.pbj.Referenceable;
import dev.pbj.Remote;
import dev.pbj.RemoteCache;
import dev.pbj.RemoteCopy;
import dev.pbj.RemoteException;
import dev.pbj.RemoteReference;
import dev.pbj.Viewable;
import dev.pbj.core.CopyRegistry;
import dev.pbj.core.internal.BrokerPair;
import dev.pbj.cred.AllowAnonymousAccess;
import dev.pbj.cred.InMemoryPasswordChecker;
import dev.pbj.cred.Portal;
import dev.pbj.cred.UnauthorizedLoginException;
import dev.pbj.cred.UnhandledCredentialsException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/** Copies, caches, viewables and login between two Java brokers. */
@ParameterizedClass(name = "{0}")
@MethodSource("dev.pbj.core.internal.BrokerPair#setups")
class FlavorsTest {
  @Parameter
  BrokerPair.Setup setup;


  /** A copy that needs no code: a record. */
  public record Point(long x, long y) implements Copyable {
    @Override
    public String typeToCopy() {
      return "pbj.demo.Point";
    }
  }

  /** A copy received into a plain class. */
  public static final class Note implements RemoteCopy, Copyable {
    Object state;

    @Override
    public void setCopyableState(Object state) {
      this.state = state;
    }

    @Override
    public Object getStateToCopy() {
      return state;
    }

    @Override
    public String typeToCopy() {
      return "test.Note";
    }
  }

  /** The shared room: a cacheable with observers. */
  public static final class Room implements Cacheable {
    final List<CacheObserver> observers = new CopyOnWriteArrayList<>();
    final List<String> messages = new CopyOnWriteArrayList<>();
    final LinkedBlockingQueue<CacheObserver> stopped = new LinkedBlockingQueue<>();

    @Override
    public String typeToCopy() {
      return "pbj.demo.Room";
    }

    @Override
    public Object getStateToCacheAndObserveFor(Avatar perspective, CacheObserver observer) {
      observers.add(observer);
      return Map.of("topic", "tests", "messages", new ArrayList<>(messages));
    }

    @Override
    public void stoppedObserving(Avatar perspective, CacheObserver observer) {
      observers.remove(observer);
      stopped.add(observer);
    }

    void say(String text) {
      messages.add(text);
      observers.forEach(o -> o.callRemote("said", text));
    }
  }

  /** The client's replica of the room. */
  public static final class RoomCache extends RemoteCache {
    final List<String> messages = new CopyOnWriteArrayList<>();
    final LinkedBlockingQueue<String> said = new LinkedBlockingQueue<>();
    String topic;

    @Override
    public void setCopyableState(Object state) {
      Map<?, ?> map = (Map<?, ?>) state;
      topic = (String) map.get("topic");
      for (Object message : (List<?>) map.get("messages")) {
        messages.add((String) message);
      }
    }

    @Remote
    public void said(String text) {
      messages.add(text);
      said.add(text);
    }
  }

  /** A copy whose state depends on who it is sent to. */
  public static final class Badge implements Copyable {
    @Override
    public String typeToCopy() {
      return "test.Badge";
    }

    @Override
    public Object getStateToCopyFor(Avatar perspective) {
      return Map.of("holder", perspective == null ? "nobody" : ((User) perspective).name);
    }
  }

  public static final class Board implements Viewable {
    @Remote
    public String post(User user, String text) {
      return user.name + " posted " + text;
    }
  }

  public static final class User implements Avatar {
    final String name;
    final Board board;
    final CompletableFuture<String> loggedOut = new CompletableFuture<>();

    User(String name, Board board) {
      this.name = name;
      this.board = board;
    }

    @Remote
    public String whoami() {
      return name.isEmpty() ? "anonymous" : name;
    }

    @Remote
    public Board board() {
      return board;
    }

    @Remote
    public Point favourite() {
      return new Point(name.length(), 0);
    }

    @Remote
    public Badge badge() {
      return new Badge();
    }

    @Override
    public void logout() {
      loggedOut.complete(name);
    }
  }

  public static final class Root implements Referenceable {
    final Room room = new Room();

    @Remote
    public Point point(long x, long y) {
      return new Point(x, y);
    }

    @Remote
    public List<Long> acceptPoint(Point p) {
      return List.of(p.x(), p.y());
    }

    @Remote
    public Object echo(Object x) {
      return x;
    }

    @Remote
    public Room room() {
      return room;
    }

    @Remote
    public void say(String text) {
      room.say(text);
    }

    @Remote
    public boolean isRoom(Object r) {
      return r == room;
    }

    @Remote
    public int observers() {
      return room.observers.size();
    }
  }

  private static final CopyRegistry TYPES = CopyRegistry.builder().register("pbj.demo.Point", Point.class)
      .registerFactory("test.Badge", state -> ((Map<?, ?>) state).get("holder"))
      .register("test.Note", Note.class).registerCache("pbj.demo.Room", RoomCache::new).build();

  private static Object call(RemoteReference ref, String method, Object... args) throws Exception {
    return ref.callRemote(method, args).get(10, TimeUnit.SECONDS);
  }

  private static Throwable failure(CompletableFuture<?> future) {
    return assertThatThrownBy(() -> future.get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
        .actual().getCause();
  }

  @Test
  void recordTravelsByCopyBothWays() throws Exception {
    try (BrokerPair pair = BrokerPair.open(setup, new Root(), TYPES, null)) {
      RemoteReference root = pair.client.rootObject();
      assertThat(call(root, "point", 3, 4)).isEqualTo(new Point(3, 4));
      assertThat(call(root, "acceptPoint", new Point(5, 6))).isEqualTo(List.of(5L, 6L));
      Point p = new Point(1, 2);
      List<?> twice = (List<?>) call(root, "echo", List.of(p, p));
      assertThat(twice.get(0)).isEqualTo(p).isSameAs(twice.get(1));
      pair.assertBaseline();
    }
  }

  @Test
  void remoteCopyClassReceivesItsState() throws Exception {
    try (BrokerPair pair = BrokerPair.open(setup, new Root(), TYPES, null)) {
      Note note = new Note();
      note.state = Map.of("text", "hi");
      Note back = (Note) call(pair.client.rootObject(), "echo", note);
      assertThat(back).isNotSameAs(note);
      assertThat(back.state).isEqualTo(Map.of("text", "hi"));
    }
  }

  @Test
  void unregisteredCopyIsRefusedByNameAndConnectionCarriesOn() throws Exception {
    try (BrokerPair pair = BrokerPair.open(setup, new Root(), CopyRegistry.builder()
        .register("pbj.demo.Point", Point.class).build(), null)) {
      CompletableFuture<Object> echo = pair.client.rootObject().callRemote("echo",
          new CopiedObject("__main__.Evil", Map.of()));
      RemoteException error = (RemoteException) failure(echo);
      assertThat(error.remoteType()).isEqualTo("twisted.spread.jelly.InsecureJelly");
      assertThat(error.remoteMessage()).contains("__main__.Evil", "register");
      assertThat(call(pair.client.rootObject(), "point", 1, 1)).isEqualTo(new Point(1, 1));
    }
    try (BrokerPair unaware = BrokerPair.open(setup, new Root(), CopyRegistry.empty(), null)) {
      Throwable error = failure(unaware.client.rootObject().callRemote("point", 1, 2));
      assertThat(error).isInstanceOf(InsecureJellyException.class).hasMessageContaining("pbj.demo.Point");
      assertThat(((InsecureJellyException) error).typeName()).isEqualTo("pbj.demo.Point");
      assertThat(call(unaware.client.rootObject(), "echo", "fine")).isEqualTo("fine");
    }
  }

  @Test
  void unregisteredCopyMayBeDeliveredAsIsOnOptIn() throws Exception {
    try (BrokerPair pair = BrokerPair.open(setup, new Root(), CopyRegistry.builder().deliverUnregistered(true).build(),
        null)) {
      CopiedObject copy = (CopiedObject) call(pair.client.rootObject(), "echo",
          new CopiedObject("some.Thing", Map.of("a", 1L)));
      assertThat(copy).isEqualTo(new CopiedObject("some.Thing", Map.of("a", 1L)));
    }
  }

  @Test
  void cacheableArrivesOnceAndFollowsChanges() throws Exception {
    Root server = new Root();
    try (BrokerPair pair = BrokerPair.open(setup, server, TYPES, null)) {
      RemoteReference root = pair.client.rootObject();
      server.room.messages.add("earlier");
      RoomCache room = (RoomCache) call(root, "room");
      assertThat(room.topic).isEqualTo("tests");
      assertThat(room.typeName()).isEqualTo("pbj.demo.Room");
      assertThat(room.messages).containsExactly("earlier");
      call(root, "say", "hello");
      assertThat(room.said.poll(10, TimeUnit.SECONDS)).isEqualTo("hello");
      assertThat(room.messages).containsExactly("earlier", "hello");
      assertThat(call(root, "room")).isSameAs(room);
      assertThat(call(root, "isRoom", room)).isEqualTo(true);
      assertThat(pair.server.stats().cachedObjects()).isEqualTo(1);
      room.close();
      assertThat(server.room.stopped.poll(10, TimeUnit.SECONDS)).isNotNull();
      assertThat(call(root, "observers")).isEqualTo(0L);
      pair.assertBaseline();
    }
  }

  /** A room that greets each new observer from inside its state getter, while the cache is being encoded. */
  public static final class EagerRoom implements Cacheable {
    @Override
    public String typeToCopy() {
      return "pbj.demo.Room";
    }

    @Override
    public Object getStateToCacheAndObserveFor(Avatar perspective, CacheObserver observer) {
      observer.callRemote("said", "welcome");
      return Map.of("topic", "eager", "messages", List.of());
    }
  }

  public static final class EagerRoot implements Referenceable {
    @Remote
    public EagerRoom room() {
      return new EagerRoom();
    }
  }

  @Test
  void observerCalledWhileItsCacheIsEncodedIsSentRightAfterIt() throws Exception {
    try (BrokerPair pair = BrokerPair.open(setup, new EagerRoot(), TYPES, null)) {
      RoomCache room = (RoomCache) call(pair.client.rootObject(), "room");
      assertThat(room.topic).isEqualTo("eager");
      assertThat(room.said.poll(10, TimeUnit.SECONDS)).isEqualTo("welcome");
      assertThat(room.messages).containsExactly("welcome");
      room.close();
      pair.assertBaseline();
    }
  }

  @Test
  void droppedConnectionStopsObserving() throws Exception {
    Root server = new Root();
    BrokerPair pair = BrokerPair.open(setup, server, TYPES, null);
    call(pair.client.rootObject(), "room");
    assertThat(server.room.observers).hasSize(1);
    pair.drop(); // while the room is still observed
    assertThat(server.room.stopped.poll(10, TimeUnit.SECONDS)).isNotNull();
    assertThat(server.room.observers).isEmpty();
  }

  @Test
  void collectedCacheIsReleased() throws Exception {
    Root server = new Root();
    try (BrokerPair pair = BrokerPair.open(setup, server, TYPES, null)) {
      call(pair.client.rootObject(), "room");
      eventually(() -> {
        System.gc();
        return server.room.observers.isEmpty();
      });
      pair.assertBaseline();
    }
  }

  private static Portal portal(Board board, List<User> users) {
    return new Portal((avatarId, mind) -> {
      User user = new User(avatarId, board);
      users.add(user);
      return CompletableFuture.completedFuture(user);
    }, InMemoryPasswordChecker.builder().user("alice", "wonderland").user("bob", "builder").build(),
        new AllowAnonymousAccess());
  }

  @Test
  void loginGivesTheAvatarAndViewableSeesEachCaller() throws Exception {
    Board board = new Board();
    List<User> users = new CopyOnWriteArrayList<>();
    Portal portal = portal(board, users);
    try (BrokerPair alice = BrokerPair.open(setup, new Root(), TYPES, portal);
        BrokerPair bob = BrokerPair.open(setup, new Root(), TYPES, portal)) {
      RemoteReference a = alice.client.login("alice", "wonderland", null).get(10, TimeUnit.SECONDS);
      RemoteReference b = bob.client.login("bob", "builder", null).get(10, TimeUnit.SECONDS);
      assertThat(call(a, "whoami")).isEqualTo("alice");
      assertThat(call(b, "whoami")).isEqualTo("bob");
      RemoteReference aliceBoard = (RemoteReference) call(a, "board");
      RemoteReference bobBoard = (RemoteReference) call(b, "board");
      assertThat(call(aliceBoard, "post", "a")).isEqualTo("alice posted a");
      assertThat(call(bobBoard, "post", "b")).isEqualTo("bob posted b");
      assertThat(call(a, "favourite")).isEqualTo(new Point(5, 0));
      assertThat(call(alice.client.rootObject(), "echo", "root still served")).isEqualTo("root still served");
      aliceBoard.close();
      a.close();
      assertThat(users.get(0).loggedOut.get(10, TimeUnit.SECONDS)).isEqualTo("alice");
      bob.client.close();
      assertThat(users.get(1).loggedOut.get(10, TimeUnit.SECONDS)).isEqualTo("bob");
    }
  }

  @Test
  void copyStateIsMadeForTheCallingPerspective() throws Exception {
    List<User> users = new CopyOnWriteArrayList<>();
    try (BrokerPair pair = BrokerPair.open(setup, new Root(), TYPES, portal(new Board(), users))) {
      RemoteReference alice = pair.client.login("alice", "wonderland", null).get(10, TimeUnit.SECONDS);
      assertThat(call(alice, "badge")).isEqualTo("alice");
      alice.close();
    }
  }

  @Test
  void realmReceivesTheClientsMind() throws Exception {
    CompletableFuture<Object> heard = new CompletableFuture<>();
    Portal portal = new Portal((id, mind) -> mind.callRemote("hello", id).thenApply(answer -> {
      heard.complete(answer);
      mind.close(); // this realm keeps no mind
      return new User(id, new Board());
    }), InMemoryPasswordChecker.builder().user("alice", "wonderland").build());
    Referenceable mind = new Referenceable() {
      @Remote
      public String hello(String who) {
        return "hello " + who;
      }
    };
    try (BrokerPair pair = BrokerPair.open(setup, new Root(), TYPES, portal)) {
      RemoteReference alice = pair.client.login("alice", "wonderland", mind).get(10, TimeUnit.SECONDS);
      assertThat(heard.get(10, TimeUnit.SECONDS)).isEqualTo("hello alice");
      assertThat(call(alice, "whoami")).isEqualTo("alice");
      alice.close();
    }
  }

  @Test
  void wrongPasswordIsUnauthorizedAndTheConnectionStaysUsable() throws Exception {
    List<User> users = new CopyOnWriteArrayList<>();
    try (BrokerPair pair = BrokerPair.open(setup, new Root(), TYPES, portal(new Board(), users))) {
      Throwable wrong = failure(pair.client.login("alice", "guess", null));
      assertThat(wrong).isInstanceOf(UnauthorizedLoginException.class);
      assertThat(((RemoteException) wrong).isA("twisted.cred.error.LoginFailed")).isTrue();
      assertThat(failure(pair.client.login("mallory", "x", null))).isInstanceOf(UnauthorizedLoginException.class);
      RemoteReference avatar = pair.client.login("alice", "wonderland", null).get(10, TimeUnit.SECONDS);
      assertThat(call(avatar, "whoami")).isEqualTo("alice");
      assertThat(users).hasSize(1);
      avatar.close();
      users.get(0).loggedOut.get(10, TimeUnit.SECONDS);
      pair.assertBaseline();
    }
  }

  @Test
  void anonymousLoginNeedsAnAnonymousChecker() throws Exception {
    List<User> users = new CopyOnWriteArrayList<>();
    try (BrokerPair pair = BrokerPair.open(setup, new Root(), TYPES, portal(new Board(), users))) {
      RemoteReference anonymous = pair.client.loginAnonymous(null).get(10, TimeUnit.SECONDS);
      assertThat(call(anonymous, "whoami")).isEqualTo("anonymous");
      anonymous.close();
    }
    Portal strict = new Portal((id, mind) -> CompletableFuture.completedFuture(new User(id, new Board())),
        InMemoryPasswordChecker.builder().user("alice", "wonderland").build());
    try (BrokerPair pair = BrokerPair.open(setup, new Root(), TYPES, strict)) {
      assertThat(failure(pair.client.loginAnonymous(null))).isInstanceOf(UnhandledCredentialsException.class)
          .hasMessageContaining("IAnonymous");
    }
  }
}
