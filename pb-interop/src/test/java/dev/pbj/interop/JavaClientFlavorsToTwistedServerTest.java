package dev.pbj.interop;

import static dev.pbj.interop.Calls.call;
import static dev.pbj.interop.Calls.eventually;
import static dev.pbj.interop.Calls.failure;
import static dev.pbj.interop.Calls.remoteError;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pbj.Broker;
import dev.pbj.CopiedObject;
import dev.pbj.Copyable;
import dev.pbj.InsecureJellyException;
import dev.pbj.Remote;
import dev.pbj.RemoteCache;
import dev.pbj.RemoteException;
import dev.pbj.RemoteReference;
import dev.pbj.core.CopyRegistry;
import dev.pbj.core.PbClient;
import dev.pbj.cred.UnauthorizedLoginException;
import dev.pbj.testkit.ChildProcess;
import dev.pbj.testkit.TwistedPeer;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The Java client against a real Twisted server for PB's other flavours: copies, caches, view points and login.
 * Runs once per {@link TwistedPeer} through the subclasses at the end of this file.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class JavaClientFlavorsToTwistedServerTest {
  /** The demo's point, as the Java side declares it: a record sent and received under Twisted's type name. */
  public record Point(long x, long y) implements Copyable {
    @Override
    public String typeToCopy() {
      return "pbj.demo.Point";
    }
  }

  /** The Java replica of the Twisted server's room. */
  public static final class Room extends RemoteCache {
    final List<String> messages = new CopyOnWriteArrayList<>();
    final List<String> members = new CopyOnWriteArrayList<>();
    final LinkedBlockingQueue<String> events = new LinkedBlockingQueue<>();
    volatile String topic;

    @Override
    public void setCopyableState(Object state) {
      Map<?, ?> map = (Map<?, ?>) state;
      topic = (String) map.get("topic");
      ((List<?>) map.get("messages")).forEach(m -> messages.add((String) m));
      ((List<?>) map.get("members")).forEach(m -> members.add((String) m));
    }

    @Remote
    public void said(String text) {
      messages.add(text);
      events.add("said " + text);
    }

    @Remote
    public void joined(String name) {
      members.add(name);
      events.add("joined " + name);
    }

    @Remote
    public void left(String name) {
      members.remove(name);
      events.add("left " + name);
    }
  }

  static final CopyRegistry TYPES = CopyRegistry.builder().register("pbj.demo.Point", Point.class)
      .registerCache("pbj.demo.Room", Room::new).build();

  private ChildProcess twisted;
  private ChildProcess unsafeTwisted;
  private PbClient client;
  private PbClient unaware;
  private String uri;
  private String unsafeUri;

  abstract TwistedPeer peer();

  @BeforeAll
  void startTwisted() throws Exception {
    if (!peer().available()) {
      return;
    }
    twisted = Twisted.python(peer(), List.of(Twisted.script("demo_server.py").toString(), "--port", "0"));
    uri = "tcp://127.0.0.1:" + Twisted.listeningPort(twisted);
    unsafeTwisted = Twisted.python(peer(), List.of(Twisted.script("demo_server.py").toString(),
        "--port", "0", "--unsafe-tracebacks"));
    unsafeUri = "tcp://127.0.0.1:" + Twisted.listeningPort(unsafeTwisted);
    client = PbClient.builder().copies(TYPES).build();
    unaware = PbClient.builder().build();
  }

  @BeforeEach
  void requirePeer() {
    peer().python();
  }

  @AfterAll
  void stop() throws Exception {
    for (AutoCloseable c : new AutoCloseable[] {client, unaware, twisted, unsafeTwisted}) {
      if (c != null) {
        c.close();
      }
    }
  }

  private Broker connect() throws Exception {
    return client.connect(uri).get(10, TimeUnit.SECONDS);
  }

  @Test
  void copiesTravelBothWays() throws Exception {
    Broker broker = connect();
    RemoteReference root = broker.rootObject();
    assertThat(call(root, "point", 3, 4)).isEqualTo(new Point(3, 4));
    assertThat(call(root, "accept_point", new Point(5, 6))).isEqualTo(List.of(5L, 6L));
    Point p = new Point(7, 8);
    assertThat(call(root, "echo", p)).isEqualTo(p).isNotSameAs(p);
    List<?> twice = (List<?>) call(root, "echo", List.of(p, p));
    assertThat(twice.get(0)).isEqualTo(p).isSameAs(twice.get(1));
    broker.close();
  }

  @Test
  void unregisteredCopyFailsOnlyThatCall() throws Exception {
    Broker broker = unaware.connect(uri).get(10, TimeUnit.SECONDS);
    Throwable refused = failure(broker.rootObject().callRemote("point", 1, 2));
    assertThat(refused).isInstanceOf(InsecureJellyException.class).hasMessageContaining("pbj.demo.Point");
    assertThat(call(broker.rootObject(), "echo", "still connected")).isEqualTo("still connected");
    Throwable theirs = failure(broker.rootObject().callRemote("echo",
        new CopiedObject("__main__.Unregistered", Map.of())));
    assertThat(((RemoteException) theirs).remoteType()).isEqualTo("twisted.spread.jelly.InsecureJelly");
    assertThat(call(broker.rootObject(), "echo", "and still")).isEqualTo("and still");
    broker.close();
  }

  @Test
  void twistedCacheableIsReplicatedAndFollowed() throws Exception {
    Broker broker = connect();
    RemoteReference root = broker.rootObject();
    long before = (Long) call(root, "room_observers");
    Room room = (Room) call(root, "room");
    assertThat(room.topic).isNotNull();
    call(root, "say", "hello from java");
    assertThat(room.events.poll(10, TimeUnit.SECONDS)).isEqualTo("said hello from java");
    assertThat(room.messages).endsWith("hello from java");
    assertThat(call(root, "room")).isSameAs(room);
    assertThat(call(root, "is_room", room)).isEqualTo(true);
    assertThat(call(root, "room_observers")).isEqualTo(before + 1);
    room.close();
    eventually(() -> broker.stats().remoteCaches() == 0);
    assertThat(call(root, "room_observers")).isEqualTo(before);
    broker.close();
  }

  @Test
  void loginToTwistedAndViewablesSeeEachUser() throws Exception {
    Broker aliceConnection = connect();
    Broker bobConnection = connect();
    RemoteReference alice = aliceConnection.login("alice", "wonderland", null).get(10, TimeUnit.SECONDS);
    RemoteReference bob = bobConnection.login("bob", "builder", null).get(10, TimeUnit.SECONDS);
    assertThat(call(alice, "whoami")).isEqualTo("alice");
    assertThat(call(bob, "whoami")).isEqualTo("bob");
    assertThat(call(alice, "shout", "hi")).isEqualTo("alice: hi");
    RemoteReference aliceBoard = (RemoteReference) call(alice, "board");
    RemoteReference bobBoard = (RemoteReference) call(bob, "board");
    assertThat(call(aliceBoard, "post", "a")).isEqualTo("alice posted a");
    assertThat(call(bobBoard, "post", "b")).isEqualTo("bob posted b");
    assertThat(call(aliceConnection.rootObject(), "echo", "root and login on one port")).isNotNull();
    aliceConnection.close();
    bobConnection.close();
  }

  @Test
  void wrongPasswordIsUnauthorizedAndTheConnectionCanTryAgain() throws Exception {
    Broker broker = connect();
    Throwable wrong = failure(broker.login("alice", "guess", null));
    assertThat(wrong).isInstanceOf(UnauthorizedLoginException.class);
    assertThat(failure(broker.login("nobody", "x", null))).isInstanceOf(UnauthorizedLoginException.class);
    RemoteReference alice = broker.login("alice", "wonderland", null).get(10, TimeUnit.SECONDS);
    assertThat(call(alice, "whoami")).isEqualTo("alice");
    RemoteReference anonymous = broker.loginAnonymous(null).get(10, TimeUnit.SECONDS);
    assertThat(call(anonymous, "whoami")).isEqualTo("anonymous");
    broker.close();
  }

  @Test
  void membersJoinAndLeaveAsUsersComeAndGo() throws Exception {
    Broker observer = connect();
    Room room = (Room) call(observer.rootObject(), "room");
    Broker bobConnection = connect();
    // held until the connection closes: a collected avatar reference is released, and Twisted logs bob out
    RemoteReference bob = bobConnection.login("bob", "builder", null).get(10, TimeUnit.SECONDS);
    assertThat(room.events.poll(10, TimeUnit.SECONDS)).isEqualTo("joined bob");
    assertThat(room.members).contains("bob");
    java.lang.ref.Reference.reachabilityFence(bob);
    bobConnection.close();
    assertThat(room.events.poll(10, TimeUnit.SECONDS)).isEqualTo("left bob");
    assertThat(room.members).doesNotContain("bob");
    observer.close();
  }

  @Test
  void twistedTracebackIsReadableWhenTheServerSendsIt() throws Exception {
    Broker broker = client.connect(unsafeUri).get(10, TimeUnit.SECONDS);
    RemoteException crash = (RemoteException) failure(broker.rootObject().callRemote("crash"));
    assertThat(crash.remoteType()).isEqualTo("builtins.ZeroDivisionError");
    assertThat(crash.remoteTraceback()).contains("Traceback (most recent call last)", "ZeroDivisionError");
    broker.close();
  }
}

/** Flavours against Twisted 22 (Debian's python3-twisted). */
class JavaClientFlavorsToTwistedServerTwisted22Test extends JavaClientFlavorsToTwistedServerTest {
  @Override
  TwistedPeer peer() {
    return TwistedPeer.TWISTED22;
  }
}

/** Flavours against the newest Twisted (pip, {@code .venv-twisted}). */
class JavaClientFlavorsToTwistedServerTwistedLatestTest extends JavaClientFlavorsToTwistedServerTest {
  @Override
  TwistedPeer peer() {
    return TwistedPeer.TWISTED_LATEST;
  }
}
