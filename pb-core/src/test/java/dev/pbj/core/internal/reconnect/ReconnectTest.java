package dev.pbj.core.internal.reconnect;

import static dev.pbj.core.internal.BrokerPair.eventually;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pbj.Broker;
import dev.pbj.ConnectionEvent;
import dev.pbj.ConnectionLostException;
import dev.pbj.ConnectionState;
import dev.pbj.DeadReferenceException;
import dev.pbj.DeadlineExceededException;
import dev.pbj.NotConnectedException;
import dev.pbj.Reconnect;
import dev.pbj.RemoteReference;
import dev.pbj.core.KeptConnection;
import dev.pbj.core.PbClient;
import dev.pbj.core.internal.endpoint.Timers;
import dev.pbj.cred.UnauthorizedLoginException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A kept connection against a real server that is killed and started again on the same port, over TCP and WebSocket:
 * the states announced in order, root and avatar that follow reconnects (the login redone), references of a lost
 * connection dying with it, fail-fast and waiting calls, giving up, and close stopping the backoff. Backoff arithmetic
 * and option checks have tests of their own ({@code BackoffTest}, pb-api's {@code ReconnectOptionsTest}).
 */
class ReconnectTest {
  /** Quick retries, no jitter: 20 ms, 40 ms, then 50 ms each. */
  private static final Reconnect QUICK = Reconnect.builder().initialDelay(Duration.ofMillis(20))
      .maxDelay(Duration.ofMillis(50)).multiplier(2).jitter(0).build();

  private static Throwable failureOf(CompletableFuture<?> future) {
    return assertThatThrownBy(() -> future.get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
        .actual().getCause();
  }

  private static Object call(RemoteReference ref, String method, Object... args) throws Exception {
    return ref.callRemote(method, args).get(10, TimeUnit.SECONDS);
  }

  /** A URI where nothing listens: a port bound, then let go. */
  private static String nothingListening() throws Exception {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return "tcp://127.0.0.1:" + socket.getLocalPort();
    }
  }

  /** Kills the server and waits until the kept connection has failed at least one attempt against it. */
  private static void killAndSeeAnAttemptFail(KeptServer server, KeptServer.Events events) throws Exception {
    server.kill();
    events.await(e -> e.state() == ConnectionState.DISCONNECTED && e.attempt() == 0);
    events.await(e -> e.state() == ConnectionState.DISCONNECTED && e.attempt() >= 1);
  }

  @ParameterizedTest
  @ValueSource(strings = {"tcp", "ws"})
  void rootFollowsTheServerAcrossARestartOnTheSamePort(String scheme) throws Exception {
    try (KeptServer server = new KeptServer(scheme); PbClient client = PbClient.builder().build();
        KeptConnection kept = client.keepConnected(server.uri(), QUICK)) {
      Broker first = kept.awaitConnected(Duration.ofSeconds(10));
      RemoteReference root = kept.root();
      assertThat(call(root, "echo", "before")).isEqualTo("before");
      KeptServer.Events events = new KeptServer.Events();
      kept.addListener(events);

      killAndSeeAnAttemptFail(server, events);
      assertThat(first.isConnected()).isFalse();
      server.restart();
      ConnectionEvent connected = events.await(e -> e.state() == ConnectionState.CONNECTED && e.attempt() > 0);

      assertThat(call(root, "echo", "after")).isEqualTo("after");
      assertThat(connected.broker()).isNotSameAs(first).isSameAs(kept.broker().orElseThrow());
      assertThat(root.broker()).isSameAs(connected.broker());
      // the listener was told the state it joined in, then every step, attempts counted from 1 after the loss
      assertThat(events.summary())
          .matches("CONNECTED:1 DISCONNECTED:0 CONNECTING:1 DISCONNECTED:1(?: CONNECTING:\\d+ DISCONNECTED:\\d+)*"
              + " CONNECTING:(\\d+) CONNECTED:\\1");
      List<ConnectionEvent> seen = events.seen;
      for (int i = 0; i < seen.size(); i++) {
        ConnectionEvent e = seen.get(i);
        if (e.state() == ConnectionState.DISCONNECTED) {
          assertThat(e.cause()).isNotNull();
          assertThat(e.retryDelay()).isBetween(Duration.ofMillis(20), Duration.ofMillis(50));
          assertThat(seen.get(i + 1).attempt()).isEqualTo(e.attempt() + 1);
        }
      }
      assertThat(seen.get(1).broker()).isSameAs(first);
      assertThat(seen.get(1).cause()).isInstanceOf(ConnectionLostException.class);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"tcp", "ws"})
  void avatarIsLoggedInAgainAfterEachReconnect(String scheme) throws Exception {
    Reconnect asAlice = QUICK.toBuilder().login("alice", "wonderland", null).build();
    try (KeptServer server = new KeptServer(scheme); PbClient client = PbClient.builder().build();
        KeptConnection kept = client.keepConnected(server.uri(), asAlice)) {
      RemoteReference avatar = kept.avatar();
      kept.awaitConnected(Duration.ofSeconds(10));
      assertThat(call(avatar, "whoami")).isEqualTo("alice");
      KeptServer.Events events = new KeptServer.Events();
      kept.addListener(events);

      killAndSeeAnAttemptFail(server, events);
      server.restart();
      kept.awaitConnected(Duration.ofSeconds(10));
      assertThat(call(avatar, "whoami")).isEqualTo("alice");
      assertThat(server.logins).containsExactly("alice", "alice");
      assertThat(kept.root()).isEqualTo(kept.root()).isNotEqualTo(avatar);
    }
  }

  @Test
  void anonymousLoginIsRedoneToo() throws Exception {
    Reconnect anonymous = QUICK.toBuilder().loginAnonymous(null).build();
    try (KeptServer server = new KeptServer("tcp"); PbClient client = PbClient.builder().build();
        KeptConnection kept = client.keepConnected(server.uri(), anonymous)) {
      kept.awaitConnected(Duration.ofSeconds(10));
      assertThat(call(kept.avatar(), "whoami")).isEqualTo("anonymous");
      KeptServer.Events events = new KeptServer.Events();
      kept.addListener(events);
      killAndSeeAnAttemptFail(server, events);
      server.restart();
      kept.awaitConnected(Duration.ofSeconds(10));
      assertThat(call(kept.avatar(), "whoami")).isEqualTo("anonymous");
      assertThat(server.logins).containsExactly("", "");
    }
  }

  @Test
  void aRootOnlyConnectionHasNoAvatar() throws Exception {
    try (PbClient client = PbClient.builder().build();
        KeptConnection kept = client.keepConnected(nothingListening(), QUICK)) {
      assertThatThrownBy(kept::avatar).isInstanceOf(IllegalStateException.class).hasMessageContaining("login");
    }
  }

  @Test
  void referencesObtainedThroughAConnectionDieWithIt() throws Exception {
    try (KeptServer server = new KeptServer("tcp"); PbClient client = PbClient.builder().build();
        KeptConnection kept = client.keepConnected(server.uri(), QUICK)) {
      kept.awaitConnected(Duration.ofSeconds(10));
      RemoteReference counter = kept.root().callRemote(RemoteReference.class, "counter").get(10, TimeUnit.SECONDS);
      assertThat(call(counter, "increment")).isEqualTo(1L);
      CompletableFuture<Object> held = kept.root().callRemote("hold");
      assertThat(server.root.holding.await(10, TimeUnit.SECONDS)).isTrue();
      KeptServer.Events events = new KeptServer.Events();
      kept.addListener(events);

      server.kill();
      assertThat(failureOf(held)).isInstanceOf(ConnectionLostException.class)
          .isNotInstanceOf(NotConnectedException.class); // it was sent: it may have run, and is not resent
      events.await(e -> e.state() == ConnectionState.DISCONNECTED);
      server.restart();
      kept.awaitConnected(Duration.ofSeconds(10));
      assertThat(failureOf(counter.callRemote("increment"))).isInstanceOf(DeadReferenceException.class);
      assertThat(call(kept.root(), "echo", "root still works")).isEqualTo("root still works");
    }
  }

  @Test
  void failFastCallsFailAtOnceWhileDisconnected() throws Exception {
    try (KeptServer server = new KeptServer("tcp"); PbClient client = PbClient.builder().build();
        KeptConnection kept = client.keepConnected(server.uri(), QUICK)) {
      kept.awaitConnected(Duration.ofSeconds(10));
      RemoteReference root = kept.root();
      KeptServer.Events events = new KeptServer.Events();
      kept.addListener(events);
      killAndSeeAnAttemptFail(server, events);

      CompletableFuture<Object> refused = root.callRemote("echo", "now");
      assertThat(refused).isCompletedExceptionally();
      assertThat(failureOf(refused)).isInstanceOf(NotConnectedException.class)
          .isInstanceOf(ConnectionLostException.class).hasMessageContaining("not sent");
      assertThatThrownBy(() -> root.callRemoteNoAnswer("echo", "now")).isInstanceOf(NotConnectedException.class);
      assertThat(failureOf(root.callRemote(String.class, "echo", "typed"))).isInstanceOf(NotConnectedException.class);

      server.restart();
      kept.awaitConnected(Duration.ofSeconds(10));
      assertThat(root.callRemote(String.class, "echo", "typed").get(10, TimeUnit.SECONDS)).isEqualTo("typed");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"tcp", "ws"})
  void waitingCallsGoOutOnTheNextConnection(String scheme) throws Exception {
    Reconnect waiting = QUICK.toBuilder().whileDisconnected(Reconnect.WhileDisconnected.WAIT).build();
    try (KeptServer server = new KeptServer(scheme); PbClient client = PbClient.builder().build();
        KeptConnection kept = client.keepConnected(server.uri(), waiting)) {
      kept.awaitConnected(Duration.ofSeconds(10));
      KeptServer.Events events = new KeptServer.Events();
      kept.addListener(events);
      killAndSeeAnAttemptFail(server, events);

      CompletableFuture<Object> later = kept.root().callRemote("echo", "later");
      CompletableFuture<Object> bounded = kept.root().withDeadline(Duration.ofSeconds(20)).callRemote("echo", "soon");
      CompletableFuture<Object> cancelled = kept.root().callRemote("echo", "never");
      kept.root().callRemoteNoAnswer("echo", "one way");
      cancelled.cancel(false);
      assertThat(later).isNotDone();
      server.restart();
      assertThat(later.get(10, TimeUnit.SECONDS)).isEqualTo("later");
      assertThat(bounded.get(10, TimeUnit.SECONDS)).isEqualTo("soon");
      assertThat(cancelled).isCancelled();
      eventually(() -> kept.broker().orElseThrow().stats().pendingCalls() == 0);
    }
  }

  @Test
  void waitingCallsFailWhenTheirDeadlinePasses() throws Exception {
    Reconnect waiting = QUICK.toBuilder().whileDisconnected(Reconnect.WhileDisconnected.WAIT).build();
    try (KeptServer server = new KeptServer("tcp");
        PbClient client = PbClient.builder().defaultDeadline(Duration.ofMillis(300)).build();
        KeptConnection kept = client.keepConnected(server.uri(), waiting)) {
      kept.awaitConnected(Duration.ofSeconds(10));
      KeptServer.Events events = new KeptServer.Events();
      kept.addListener(events);
      killAndSeeAnAttemptFail(server, events);

      long start = System.nanoTime();
      CompletableFuture<Object> own = kept.root().withDeadline(Duration.ofMillis(100)).callRemote("echo", "x");
      CompletableFuture<Object> byDefault = kept.root().callRemote("echo", "y");
      Throwable ownFailure = failureOf(own);
      assertThat(ownFailure).isInstanceOf(DeadlineExceededException.class).hasMessageContaining("waited");
      assertThat(((DeadlineExceededException) ownFailure).deadline()).isEqualTo(Duration.ofMillis(100));
      Throwable defaultFailure = failureOf(byDefault);
      assertThat(((DeadlineExceededException) defaultFailure).deadline()).isEqualTo(Duration.ofMillis(300));
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
    }
  }

  @Test
  void waitingCallsFailWhenTheKeptConnectionClosesOrGivesUp() throws Exception {
    Reconnect waiting = QUICK.toBuilder().whileDisconnected(Reconnect.WhileDisconnected.WAIT).build();
    try (PbClient client = PbClient.builder().build()) {
      String nowhere = nothingListening();
      KeptConnection closing = client.keepConnected(nowhere, waiting);
      CompletableFuture<Object> waitingForClose = closing.root().callRemote("echo", "x");
      CompletableFuture<Broker> connection = closing.whenConnected();
      closing.close();
      assertThat(failureOf(waitingForClose)).isInstanceOf(NotConnectedException.class)
          .hasMessageContaining("closed");
      assertThat(failureOf(connection)).isInstanceOf(NotConnectedException.class);
      assertThat(failureOf(closing.root().callRemote("echo", "after close")))
          .isInstanceOf(DeadReferenceException.class);
      assertThat(closing.state()).isEqualTo(ConnectionState.CLOSED);

      KeptConnection givingUp = client.keepConnected(nowhere, waiting.toBuilder().maxAttempts(2).build());
      CompletableFuture<Object> waitingForGiveUp = givingUp.root().callRemote("echo", "y");
      Throwable gaveUp = failureOf(waitingForGiveUp);
      assertThat(gaveUp).isInstanceOf(NotConnectedException.class).hasMessageContaining("gave up");
      assertThat(gaveUp.getCause()).isInstanceOf(ConnectException.class);
      assertThatThrownBy(() -> givingUp.awaitConnected(Duration.ofSeconds(10)))
          .isInstanceOf(NotConnectedException.class);
      givingUp.close();
      assertThat(givingUp.state()).isEqualTo(ConnectionState.CLOSED);
    }
  }

  @Test
  void givesUpAfterMaxAttemptsAgainstARealRefusingPort() throws Exception {
    Reconnect threeTries = QUICK.toBuilder().initialDelay(Duration.ofMillis(200)).maxDelay(Duration.ofMillis(200))
        .multiplier(1).maxAttempts(3).build();
    try (PbClient client = PbClient.builder().build()) {
      long start = System.nanoTime();
      KeptConnection kept = client.keepConnected(nothingListening(), threeTries);
      KeptServer.Events events = new KeptServer.Events();
      kept.addListener(events);
      ConnectionEvent gaveUp = events.await(e -> e.state() == ConnectionState.GAVE_UP);
      // two waits of 200 ms (no jitter) came between the three attempts
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(400));
      assertThat(gaveUp.attempt()).isEqualTo(3);
      assertThat(gaveUp.cause()).isInstanceOf(ConnectException.class);
      assertThat("CONNECTING:1 DISCONNECTED:1 CONNECTING:2 DISCONNECTED:2 CONNECTING:3 GAVE_UP:3")
          .endsWith(events.summary());
      assertThat(kept.state()).isEqualTo(ConnectionState.GAVE_UP);
      assertThatThrownBy(() -> kept.root().broker()).isInstanceOf(NotConnectedException.class);
      kept.close();
      events.await(e -> e.state() == ConnectionState.CLOSED);
    }
  }

  @Test
  void givesUpOnceItsTimeIsUpWithALastAttemptThen() throws Exception {
    // The connector is the test's and refuses at once, recording when each attempt began; how many attempts fit
    // depends on how late the timer fires on a loaded machine, so the test checks what holds however late it is.
    List<Long> began = new CopyOnWriteArrayList<>();
    Function<URI, CompletableFuture<Broker>> refusing = uri -> {
      began.add(System.nanoTime());
      return CompletableFuture.failedFuture(new ConnectException("refused"));
    };
    Reconnect briefly = QUICK.toBuilder().initialDelay(Duration.ofMillis(100)).maxDelay(Duration.ofMillis(100))
        .multiplier(1).giveUpAfter(Duration.ofMillis(250)).build();
    long outageBegan = System.nanoTime(); // no later than the kept connection's own start of the outage
    Reconnector kept = new Reconnector(URI.create("tcp://127.0.0.1:1"), briefly, refusing, Runnable::run, null,
        reconnector -> {});
    KeptServer.Events events = new KeptServer.Events();
    kept.addListener(events);
    kept.start();
    ConnectionEvent gaveUp = events.await(e -> e.state() == ConnectionState.GAVE_UP);
    long deadline = outageBegan + Duration.ofMillis(250).toNanos();
    assertThat(gaveUp.attempt()).isEqualTo(began.size()).isGreaterThanOrEqualTo(2);
    // every attempt but the last began before the time was up, and the last one when it was up (or later)
    for (long attempt : began.subList(0, began.size() - 1)) {
      assertThat(attempt).isLessThan(deadline);
    }
    assertThat(began.get(began.size() - 1)).isGreaterThanOrEqualTo(deadline);
    // the waits: the full delay while it fits, then what was left
    assertThat(KeptServer.Events.total(events.seen)).isLessThanOrEqualTo(Duration.ofMillis(250));
    for (int i = 1; i < began.size() - 1; i++) {
      assertThat(Duration.ofNanos(began.get(i) - began.get(i - 1))).isGreaterThanOrEqualTo(Duration.ofMillis(100));
    }
    kept.close();
  }

  @Test
  void aRefusedLoginGivesUpAtOnceAndClosesItsConnection() throws Exception {
    Reconnect wrongPassword = QUICK.toBuilder().login("alice", "guess", null).build();
    try (KeptServer server = new KeptServer("tcp"); PbClient client = PbClient.builder().build()) {
      KeptConnection kept = client.keepConnected(server.uri(), wrongPassword);
      Throwable refused = assertThatThrownBy(() -> kept.awaitConnected(Duration.ofSeconds(10)))
          .isInstanceOf(NotConnectedException.class).actual().getCause();
      assertThat(refused).isInstanceOf(UnauthorizedLoginException.class);
      assertThat(kept.state()).isEqualTo(ConnectionState.GAVE_UP);
      assertThat(kept.lastEvent().attempt()).isEqualTo(1);
      assertThat(kept.lastEvent().cause()).isSameAs(refused);
      eventually(() -> server.server().connections().isEmpty());
      assertThat(server.logins).isEmpty();
    }
  }

  @Test
  void closeDuringBackoffStopsTheAttempts() throws Exception {
    // the connector is the test's, and everything runs on the calling thread or the timer thread: each step is
    // done by the time the call that caused it returns
    AtomicInteger attempts = new AtomicInteger();
    Function<URI, CompletableFuture<Broker>> refusing = uri -> {
      attempts.incrementAndGet();
      return CompletableFuture.failedFuture(new ConnectException("refused"));
    };
    Reconnect options = QUICK.toBuilder().initialDelay(Duration.ofMillis(100)).maxDelay(Duration.ofMillis(100))
        .build();
    List<Reconnector> terminated = new CopyOnWriteArrayList<>();
    Reconnector kept = new Reconnector(URI.create("tcp://127.0.0.1:1"), options, refusing, Runnable::run, null,
        terminated::add);
    KeptServer.Events events = new KeptServer.Events();
    kept.addListener(events);
    kept.start();
    assertThat(events.summary()).isEqualTo("CONNECTING:1 DISCONNECTED:1");
    assertThat(events.seen.get(1).retryDelay()).isEqualTo(Duration.ofMillis(100));

    kept.close();
    assertThat(events.summary()).isEqualTo("CONNECTING:1 DISCONNECTED:1 CLOSED:0");
    assertThat(terminated).containsExactly(kept);
    // The timer runs its tasks in the order they are due: once a task due after the retry has run, the retry,
    // had it not been cancelled, would have run (on the timer thread, as the executor runs tasks where it is).
    CompletableFuture<Void> afterTheRetry = new CompletableFuture<>();
    Timers.schedule(() -> afterTheRetry.complete(null), Duration.ofMillis(150).toNanos());
    afterTheRetry.get(10, TimeUnit.SECONDS);
    assertThat(attempts).hasValue(1);
    assertThat(events.summary()).isEqualTo("CONNECTING:1 DISCONNECTED:1 CLOSED:0");
    kept.close(); // idempotent
    assertThat(events.seen).hasSize(3);
  }

  @Test
  void anAttemptThatHangsTimesOut() throws Exception {
    CompletableFuture<Broker> never = new CompletableFuture<>();
    Reconnect options = QUICK.toBuilder().attemptTimeout(Duration.ofMillis(100)).maxAttempts(1).build();
    Reconnector kept = new Reconnector(URI.create("tcp://127.0.0.1:1"), options, uri -> never, Runnable::run, null,
        r -> {});
    kept.start();
    Throwable gaveUp = failureOf(kept.whenConnected());
    assertThat(gaveUp.getCause()).isInstanceOf(TimeoutException.class).hasMessageContaining("attemptTimeout");
    assertThat(kept.state()).isEqualTo(ConnectionState.GAVE_UP);
  }

  @Test
  void closingTheClientClosesItsKeptConnections() throws Exception {
    try (KeptServer server = new KeptServer("tcp")) {
      PbClient client = PbClient.builder().build();
      KeptConnection kept = client.keepConnected(server.uri(), QUICK);
      Broker broker = kept.awaitConnected(Duration.ofSeconds(10));
      KeptServer.Events events = new KeptServer.Events();
      kept.addListener(events);
      List<RemoteReference> told = new CopyOnWriteArrayList<>();
      kept.root().notifyOnDisconnect(told::add);

      client.close();
      events.await(e -> e.state() == ConnectionState.CLOSED);
      assertThat(events.summary()).isEqualTo("CONNECTED:1 CLOSED:0");
      assertThat(broker.isConnected()).isFalse();
      eventually(() -> told.size() == 1);
      assertThat(told.get(0)).isEqualTo(kept.root());
      assertThat(client.awaitTermination(Duration.ofSeconds(10))).isTrue();
      assertThatThrownBy(() -> client.keepConnected(server.uri(), QUICK)).isInstanceOf(IllegalStateException.class);
    }
  }

  @Test
  void aClientShuttingDownLetsTheConnectionDrainAndDoesNotReconnect() throws Exception {
    try (KeptServer server = new KeptServer("tcp")) {
      PbClient client = PbClient.builder().build();
      KeptConnection kept = client.keepConnected(server.uri(), QUICK);
      kept.awaitConnected(Duration.ofSeconds(10));
      CompletableFuture<Object> held = kept.root().callRemote("hold");
      assertThat(server.root.holding.await(10, TimeUnit.SECONDS)).isTrue();
      KeptServer.Events events = new KeptServer.Events();
      kept.addListener(events);

      client.shutdown(Duration.ofSeconds(10));
      server.root.release.complete("drained");
      assertThat(held.get(10, TimeUnit.SECONDS)).isEqualTo("drained");
      events.await(e -> e.state() == ConnectionState.CLOSED);
      assertThat(events.summary()).isEqualTo("CONNECTED:1 CLOSED:0");
      assertThat(client.awaitTermination(Duration.ofSeconds(10))).isTrue();
    }
  }

  @Test
  void stableReferencesDisconnectCallbacksRunOnEveryLoss() throws Exception {
    try (KeptServer server = new KeptServer("tcp"); PbClient client = PbClient.builder().build();
        KeptConnection kept = client.keepConnected(server.uri(), QUICK)) {
      kept.awaitConnected(Duration.ofSeconds(10));
      List<RemoteReference> told = new CopyOnWriteArrayList<>();
      RemoteReference root = kept.root();
      root.notifyOnDisconnect(told::add);
      KeptServer.Events events = new KeptServer.Events();
      kept.addListener(events);
      for (int loss = 1; loss <= 2; loss++) {
        killAndSeeAnAttemptFail(server, events);
        int expected = loss;
        eventually(() -> told.size() == expected);
        server.restart();
        kept.awaitConnected(Duration.ofSeconds(10));
      }
      RemoteReference other = kept.root();
      other.withDeadline(Duration.ofSeconds(1)).close(); // closes the handle the view shares
      assertThat(failureOf(other.callRemote("echo", 1))).isInstanceOf(DeadReferenceException.class);
      assertThat(call(root, "echo", 2)).isEqualTo(2L); // another handle is not closed by that
    }
  }

  @Test
  void keepConnectedRefusesWhatCouldNeverConnect() {
    try (PbClient client = PbClient.builder().build()) {
      assertThatThrownBy(() -> client.keepConnected("127.0.0.1:8789", Reconnect.defaults()))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("scheme");
      assertThatThrownBy(() -> client.keepConnected("carrier-pigeon://127.0.0.1:1", Reconnect.defaults()))
          .isInstanceOf(dev.pbj.ProviderNotFoundException.class);
    }
  }
}
