package dev.pbj.interop;

import static dev.pbj.interop.Calls.call;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pbj.Broker;
import dev.pbj.ConnectionEvent;
import dev.pbj.ConnectionLostException;
import dev.pbj.ConnectionState;
import dev.pbj.DeadReferenceException;
import dev.pbj.Reconnect;
import dev.pbj.RemoteReference;
import dev.pbj.core.KeptConnection;
import dev.pbj.core.PbClient;
import dev.pbj.testkit.ChildProcess;
import dev.pbj.testkit.TwistedPeer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A Java client keeping a connection to a real Twisted server ({@code demo_server.py}) that is killed (SIGKILL, as a
 * crash) and started again on the same port: the client reconnects, logs in again, and the same root and avatar
 * handles work on the new process. Runs once per {@link TwistedPeer} through the concrete subclasses at the end of
 * this file; a missing peer skips on a developer machine and fails in CI.
 */
abstract class KeptConnectionToTwistedServerTest {
  private ChildProcess twisted;
  private int port;

  /** The Twisted this class runs against. */
  abstract TwistedPeer peer();

  @BeforeEach
  void startTwisted() throws Exception {
    peer().python(); // skips (developer machine) or fails (CI) without the peer
    twisted = start(0);
    port = Twisted.listeningPort(twisted);
  }

  @AfterEach
  void stopTwisted() throws Exception {
    if (twisted != null) {
      twisted.close();
    }
  }

  private ChildProcess start(int onPort) throws Exception {
    return Twisted.python(peer(), List.of(Twisted.script("demo_server.py").toString(), "--port",
        String.valueOf(onPort)));
  }

  /** Kills the server the way a crash does: no goodbye on any connection. */
  private void kill() throws Exception {
    twisted.kill(Duration.ofSeconds(10));
    twisted.close();
  }

  /** Starts the server again on the same port, retrying for up to 20 s while the old socket lingers. */
  private void restartOnTheSamePort() throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (true) {
      ChildProcess again = start(port);
      try {
        assertThat(again.awaitLine("LISTENING ", Twisted.STARTUP)).isEqualTo("LISTENING " + port);
        twisted = again;
        return;
      } catch (AssertionError bindFailed) { // the process ended without listening: the port is not free yet
        again.close();
        if (System.nanoTime() > deadline) {
          throw bindFailed;
        }
        Thread.sleep(50); // a bounded retry of the bind, not a wait for the code under test
      }
    }
  }

  /** Records a kept connection's events and lets the test wait for one. */
  private static final class Events {
    private final BlockingQueue<ConnectionEvent> unread = new LinkedBlockingQueue<>();

    void accept(ConnectionEvent event) {
      unread.add(event);
    }

    ConnectionEvent await(Predicate<ConnectionEvent> wanted) throws InterruptedException {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while (true) {
        ConnectionEvent next = unread.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        assertThat(next).as("an awaited connection event within 20 s").isNotNull();
        if (wanted.test(next)) {
          return next;
        }
      }
    }
  }

  @Test
  void callsWorkAgainWithTheLoginRedoneAfterTheTwistedServerRestartsOnTheSamePort() throws Exception {
    Reconnect options = Reconnect.builder().initialDelay(Duration.ofMillis(50)).maxDelay(Duration.ofMillis(500))
        .login("alice", "wonderland", null).whileDisconnected(Reconnect.WhileDisconnected.WAIT).build();
    try (PbClient client = PbClient.builder().build();
        KeptConnection kept = client.keepConnected("tcp://127.0.0.1:" + port, options)) {
      Broker first = kept.awaitConnected(Duration.ofSeconds(20));
      assertThat(first.serializer() + "/" + first.dialect()).isEqualTo("banana/pb");
      RemoteReference root = kept.root();
      RemoteReference avatar = kept.avatar();
      assertThat(call(avatar, "whoami")).isEqualTo("alice");
      assertThat(call(root, "room_observers")).isEqualTo(0L);
      RemoteReference counter = (RemoteReference) call(root, "counter", 5);
      Events events = new Events();
      kept.addListener(events::accept);

      kill();
      ConnectionEvent lost = events.await(e -> e.state() == ConnectionState.DISCONNECTED && e.attempt() == 0);
      assertThat(lost.broker()).isSameAs(first);
      assertThat(lost.cause()).isInstanceOf(ConnectionLostException.class);
      events.await(e -> e.state() == ConnectionState.DISCONNECTED && e.attempt() >= 1); // refused while down
      CompletableFuture<Object> waited = root.callRemote("echo", "waited for the restart");
      CompletableFuture<Object> shout = avatar.callRemote("shout", "back again");
      assertThat(waited).isNotDone();

      restartOnTheSamePort();
      ConnectionEvent connected = events.await(e -> e.state() == ConnectionState.CONNECTED);
      assertThat(connected.broker()).isNotSameAs(first);
      assertThat(waited.get(20, TimeUnit.SECONDS)).isEqualTo("waited for the restart");
      // the avatar answers on the new process: the login was done again there
      assertThat(shout.get(20, TimeUnit.SECONDS)).isEqualTo("alice: back again");
      assertThat(call(avatar, "whoami")).isEqualTo("alice");
      assertThat(call(root, "add", 2, 3)).isEqualTo(5L);
      // a reference obtained through the lost connection died with it
      assertThat(Calls.failure(counter.callRemote("increment"))).isInstanceOf(DeadReferenceException.class);
    }
  }

  @Test
  void aWrongPasswordGivesUpWithoutRetrying() throws Exception {
    Reconnect options = Reconnect.builder().initialDelay(Duration.ofMillis(50)).login("alice", "guess", null)
        .build();
    try (PbClient client = PbClient.builder().build();
        KeptConnection kept = client.keepConnected("tcp://127.0.0.1:" + port, options)) {
      Events events = new Events();
      kept.addListener(events::accept);
      ConnectionEvent gaveUp = events.await(e -> e.state() == ConnectionState.GAVE_UP);
      assertThat(gaveUp.attempt()).isEqualTo(1);
      assertThat(gaveUp.cause()).isInstanceOf(dev.pbj.cred.UnauthorizedLoginException.class);
    }
  }
}

// One concrete class per peer (top level, so Surefire's default includes pick them up and the class name in a
// failure report names the peer).

/** Keeping a connection to a Twisted 22 server (Debian's python3-twisted). */
class KeptConnectionToTwistedServerTwisted22Test extends KeptConnectionToTwistedServerTest {
  @Override
  TwistedPeer peer() {
    return TwistedPeer.TWISTED22;
  }
}

/** Keeping a connection to the newest Twisted (pip, {@code .venv-twisted}) as server. */
class KeptConnectionToTwistedServerTwistedLatestTest extends KeptConnectionToTwistedServerTest {
  @Override
  TwistedPeer peer() {
    return TwistedPeer.TWISTED_LATEST;
  }
}
