package dev.pbj.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pbj.Avatar;
import dev.pbj.Broker;
import dev.pbj.CallContext;
import dev.pbj.CallInterceptor;
import dev.pbj.CallRejectedException;
import dev.pbj.InterceptedCall;
import dev.pbj.Kwargs;
import dev.pbj.Referenceable;
import dev.pbj.Remote;
import dev.pbj.RemoteException;
import dev.pbj.RemoteReference;
import dev.pbj.cred.InMemoryPasswordChecker;
import dev.pbj.cred.Portal;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Call interceptors, inbound and outbound, over real transports: what they see, their order, and refusals. */
class InterceptorTest {

  /** The server's root. */
  public static final class Root implements Referenceable {
    final AtomicInteger calls = new AtomicInteger();
    final CountDownLatch started = new CountDownLatch(1);
    final CountDownLatch cancelled = new CountDownLatch(1);
    final AtomicReference<Thread> nonBlockingThread = new AtomicReference<>();

    @Remote
    public String echo(String x) {
      calls.incrementAndGet();
      return x;
    }

    @Remote
    public long add(long a, long b) {
      calls.incrementAndGet();
      return a + b;
    }

    /** What the logs' MDC says while this method runs. */
    @Remote
    public List<String> mdc() {
      return java.util.Arrays.asList(org.slf4j.MDC.get("pbj.connection"), org.slf4j.MDC.get("pbj.peer"));
    }

    @Remote(nonBlocking = true)
    public String quick() {
      nonBlockingThread.set(Thread.currentThread());
      return "quick";
    }

    @Remote
    public String fail() {
      throw new IllegalStateException("failed on purpose");
    }

    @Remote
    public CompletionStage<String> forever(CallContext context) {
      context.onCancel(cancelled::countDown);
      started.countDown();
      return new CompletableFuture<>();
    }

    @Remote
    public String callBack(RemoteReference listener) throws Exception {
      return (String) listener.callRemote("hear", "from the server").get(10, TimeUnit.SECONDS);
    }
  }

  /** A user's avatar. */
  public static final class User implements Avatar {
    final String name;

    User(String name) {
      this.name = name;
    }

    @Remote
    public String whoami() {
      return name;
    }
  }

  /** A client-side object the server calls back. */
  public static final class Listener implements Referenceable {
    @Remote
    public String hear(String what) {
      return "heard " + what;
    }
  }

  /** What an interceptor saw of one call. */
  record Seen(InterceptedCall.Direction direction, Broker broker, Object avatar, Object target, String method,
      List<Object> arguments, Map<String, Object> keywords, boolean answerRequired, Duration timeRemaining,
      Object value, Throwable error, long nanos) {}

  /** Records every call it sees, with its outcome and duration. */
  static final class Recorder implements CallInterceptor {
    final List<Seen> seen = new CopyOnWriteArrayList<>();
    final CountDownLatch first = new CountDownLatch(1);

    @Override
    public CompletionStage<Object> intercept(InterceptedCall call, Next next) {
      long start = System.nanoTime();
      return next.proceed().whenComplete((value, error) -> {
        seen.add(new Seen(call.direction(), call.broker(), call.avatar().orElse(null), call.target(),
            call.method(), call.arguments(), call.keywords(), call.answerRequired(),
            call.timeRemaining().orElse(null), value, error, System.nanoTime() - start));
        first.countDown();
      });
    }

    Seen only(String method) {
      List<Seen> matching = seen.stream().filter(s -> s.method().equals(method)).toList();
      assertThat(matching).as("calls of %s seen in %s", method, seen).hasSize(1);
      return matching.get(0);
    }
  }

  /** Writes {@code name:before} and {@code name:after} around each call into a shared log. */
  static CallInterceptor tracing(String name, List<String> log) {
    return (call, next) -> {
      log.add(name + ":before " + call.method());
      return next.proceed().whenComplete((value, error) -> log.add(name + ":after " + call.method()));
    };
  }

  private static Throwable failureOf(CompletableFuture<?> future) {
    return assertThatThrownBy(() -> future.get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
        .actual().getCause();
  }

  private static Portal portal() {
    return new Portal((avatarId, mind) -> CompletableFuture.completedFuture(new User(avatarId)),
        InMemoryPasswordChecker.builder().user("alice", "wonderland").build());
  }

  @ParameterizedTest
  @ValueSource(strings = {"tcp", "ws"})
  void inboundInterceptorsSeeTheCallItsOutcomeAndRunInTheOrderAdded(String scheme) throws Exception {
    Root root = new Root();
    Recorder recorder = new Recorder();
    List<String> log = new CopyOnWriteArrayList<>();
    try (PbServer server = PbServer.builder().root(root).portal(portal()).listen(scheme + "://127.0.0.1:0/pb")
            .interceptInbound(recorder).interceptInbound(tracing("a", log)).interceptInbound(tracing("b", log))
            .build().start();
        PbClient client = PbClient.builder().build()) {
      Broker broker = client.connect(server.uri(0)).get(10, TimeUnit.SECONDS);
      RemoteReference rootRef = broker.rootObject();
      assertThat(rootRef.callRemote("add", 2, Kwargs.of("b", 40)).get(10, TimeUnit.SECONDS)).isEqualTo(42L);
      assertThat(failureOf(rootRef.callRemote("fail"))).isInstanceOf(RemoteException.class)
          .hasMessageContaining("failed on purpose");
      RemoteReference avatar = broker.login("alice", "wonderland", null).get(10, TimeUnit.SECONDS);
      assertThat(avatar.callRemote("whoami").get(10, TimeUnit.SECONDS)).isEqualTo("alice");

      Seen add = recorder.only("add");
      assertThat(add.direction()).isEqualTo(InterceptedCall.Direction.INBOUND);
      assertThat(add.broker().isConnected()).isTrue();
      assertThat(add.broker()).isNotSameAs(broker); // the server's side of the connection
      assertThat(add.broker().peerIdentity()).isEmpty();
      assertThat(add.target()).isSameAs(root);
      assertThat(add.avatar()).isNull();
      assertThat(add.arguments()).containsExactly(2L);
      assertThat(add.keywords()).containsExactly(Map.entry("b", 40L));
      assertThat(add.answerRequired()).isTrue();
      assertThat(add.value()).isEqualTo(42L);
      assertThat(add.error()).isNull();
      assertThat(add.nanos()).isPositive();

      Seen fail = recorder.only("fail");
      assertThat(fail.error()).isInstanceOf(IllegalStateException.class).hasMessage("failed on purpose");

      Seen whoami = recorder.only("whoami");
      assertThat(whoami.avatar()).isInstanceOf(User.class).isSameAs(whoami.target());
      assertThat(((User) whoami.avatar()).name).isEqualTo("alice");
      assertThat(whoami.value()).isEqualTo("alice");

      assertThat(log.stream().filter(line -> line.endsWith(" add")))
          .containsExactly("a:before add", "b:before add", "b:after add", "a:after add");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"tcp", "ws"})
  void aRefusedCallDoesNotRunAndTheConnectionAndOthersGoOn(String scheme) throws Exception {
    Root root = new Root();
    CallInterceptor noAdd = (call, next) -> {
      if (call.method().equals("add")) {
        throw new CallRejectedException("add is not for you");
      }
      return next.proceed();
    };
    try (PbServer server = PbServer.builder().root(root).listen(scheme + "://127.0.0.1:0/pb")
            .interceptInbound(noAdd).build().start();
        PbClient client = PbClient.builder().build()) {
      Broker first = client.connect(server.uri(0)).get(10, TimeUnit.SECONDS);
      Broker second = client.connect(server.uri(0)).get(10, TimeUnit.SECONDS);
      Throwable refused = failureOf(first.rootObject().callRemote("add", 1, 2));
      assertThat(refused).isInstanceOf(CallRejectedException.class).hasMessageContaining("add is not for you");
      assertThat(((CallRejectedException) refused).remoteType()).isEqualTo(CallRejectedException.REMOTE_TYPE);
      assertThat(root.calls).hasValue(0);
      assertThat(first.rootObject().callRemote("echo", "still here").get(10, TimeUnit.SECONDS))
          .isEqualTo("still here");
      assertThat(second.rootObject().callRemote("echo", "me too").get(10, TimeUnit.SECONDS)).isEqualTo("me too");
      assertThat(first.isConnected() && second.isConnected()).isTrue();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"tcp", "ws"})
  void anInterceptorThatThrowsOrReturnsNullOrProceedsTwiceFailsOnlyThatCall(String scheme) throws Exception {
    Root root = new Root();
    AtomicReference<CompletionStage<Object>> secondProceed = new AtomicReference<>();
    CallInterceptor faulty = (call, next) -> switch ((String) call.arguments().get(0)) {
      case "throw" -> throw new IllegalArgumentException("interceptor bug");
      case "null" -> null;
      case "twice" -> {
        CompletionStage<Object> once = next.proceed();
        secondProceed.set(next.proceed());
        yield once;
      }
      default -> next.proceed();
    };
    try (PbServer server = PbServer.builder().root(root).listen(scheme + "://127.0.0.1:0/pb")
            .interceptInbound(faulty).build().start();
        PbClient client = PbClient.builder().build()) {
      RemoteReference ref = client.connect(server.uri(0)).get(10, TimeUnit.SECONDS).rootObject();
      assertThat(failureOf(ref.callRemote("echo", "throw"))).isInstanceOf(RemoteException.class)
          .hasMessageContaining("interceptor bug");
      assertThat(failureOf(ref.callRemote("echo", "null"))).isInstanceOf(RemoteException.class)
          .hasMessageContaining("returned null");
      assertThat(root.calls).hasValue(0);
      assertThat(ref.callRemote("echo", "twice").get(10, TimeUnit.SECONDS)).isEqualTo("twice");
      assertThat(root.calls).hasValue(1); // the second proceed() did not run the method again
      assertThat(failureOf(secondProceed.get().toCompletableFuture())).isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("twice");
      assertThat(ref.callRemote("echo", "fine").get(10, TimeUnit.SECONDS)).isEqualTo("fine");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"tcp", "ws"})
  void withAnInboundInterceptorNonBlockingMethodsRunOffTheConnectionThreads(String scheme) throws Exception {
    Root root = new Root();
    try (PbServer server = PbServer.builder().root(root).listen(scheme + "://127.0.0.1:0/pb")
            .interceptInbound((call, next) -> next.proceed()).build().start();
        PbClient client = PbClient.builder().build()) {
      RemoteReference ref = client.connect(server.uri(0)).get(10, TimeUnit.SECONDS).rootObject();
      assertThat(ref.callRemote("quick").get(10, TimeUnit.SECONDS)).isEqualTo("quick");
      assertThat(root.nonBlockingThread.get().getName()).doesNotContain("-connection");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"tcp", "ws"})
  void remoteMethodsRunWithTheirConnectionInTheLogsMdc(String scheme) throws Exception {
    try (PbServer server = PbServer.builder().root(new Root()).listen(scheme + "://127.0.0.1:0/pb").build().start();
        PbClient client = PbClient.builder().build()) {
      Broker first = client.connect(server.uri(0)).get(10, TimeUnit.SECONDS);
      Broker second = client.connect(server.uri(0)).get(10, TimeUnit.SECONDS);
      List<?> one = (List<?>) first.rootObject().callRemote("mdc").get(10, TimeUnit.SECONDS);
      List<?> two = (List<?>) second.rootObject().callRemote("mdc").get(10, TimeUnit.SECONDS);
      assertThat(one).doesNotContainNull();
      assertThat(one.get(0)).isNotEqualTo(two.get(0)); // each connection its own id
      assertThat((String) one.get(1)).contains("127.0.0.1").contains(String.valueOf(
          ((java.net.InetSocketAddress) server.connections().stream().filter(b -> b.remoteAddress().toString()
              .equals(one.get(1))).findFirst().orElseThrow().remoteAddress()).getPort()));
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"tcp", "ws"})
  void outboundInterceptorsSeeCallsAndCallbacksAndMayRefuseBeforeSending(String scheme) throws Exception {
    Root root = new Root();
    Recorder serverSide = new Recorder();
    Recorder clientSide = new Recorder();
    CallInterceptor noAddOut = (call, next) -> {
      if (call.method().equals("add")) {
        return CompletableFuture.failedFuture(new CallRejectedException("not sending add"));
      }
      return next.proceed().thenApply(value -> value instanceof String ? value + "!" : value);
    };
    try (PbServer server = PbServer.builder().root(root).listen(scheme + "://127.0.0.1:0/pb")
            .interceptOutbound(serverSide).build().start();
        PbClient client = PbClient.builder().interceptOutbound(clientSide).interceptOutbound(noAddOut).build()) {
      Broker broker = client.connect(server.uri(0)).get(10, TimeUnit.SECONDS);
      RemoteReference ref = broker.rootObject().withDeadline(Duration.ofSeconds(30));
      assertThat(ref.callRemote("echo", "hi").get(10, TimeUnit.SECONDS)).isEqualTo("hi!");
      assertThat(failureOf(ref.callRemote("add", 1, 2))).isInstanceOf(CallRejectedException.class)
          .hasMessageContaining("not sending add");
      assertThat(root.calls).hasValue(1); // only echo reached the server
      assertThat(ref.callRemote("callBack", new Listener()).get(10, TimeUnit.SECONDS))
          .isEqualTo("heard from the server!");

      Seen echo = clientSide.only("echo");
      assertThat(echo.direction()).isEqualTo(InterceptedCall.Direction.OUTBOUND);
      assertThat(echo.target()).isEqualTo(broker.rootObject());
      assertThat(echo.broker()).isSameAs(broker);
      assertThat(echo.arguments()).containsExactly("hi");
      assertThat(echo.timeRemaining()).isPositive().isLessThanOrEqualTo(Duration.ofSeconds(30));
      assertThat(echo.value()).isEqualTo("hi!"); // outermost: sees what the inner interceptor made of it
      assertThat(clientSide.only("add").error()).isInstanceOf(CallRejectedException.class);

      Seen callback = serverSide.only("hear");
      assertThat(callback.direction()).isEqualTo(InterceptedCall.Direction.OUTBOUND);
      assertThat(callback.target()).isInstanceOf(RemoteReference.class);
      assertThat(callback.value()).isEqualTo("heard from the server");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"tcp", "ws"})
  void callsAnInterceptorHoldsBackStillEndByDeadlineAndCancel(String scheme) throws Exception {
    CountDownLatch held = new CountDownLatch(1);
    CallInterceptor never = (call, next) -> {
      held.countDown();
      return new CompletableFuture<>(); // neither proceeds nor answers
    };
    PbServer server = PbServer.builder().root(new Root()).listen(scheme + "://127.0.0.1:0/pb")
        .interceptInbound(never).build().start();
    try (PbClient client = PbClient.builder().interceptOutbound((call, next) -> call.method().equals("held")
        ? new CompletableFuture<>() : next.proceed()).build()) {
      RemoteReference ref = client.connect(server.uri(0)).get(10, TimeUnit.SECONDS).rootObject();
      assertThat(failureOf(ref.withDeadline(Duration.ofMillis(200)).callRemote("held")))
          .isInstanceOf(dev.pbj.DeadlineExceededException.class); // held on this side, never sent
      CompletableFuture<Object> sent = ref.withDeadline(Duration.ofSeconds(60)).callRemote("echo", "x");
      assertThat(held.await(10, TimeUnit.SECONDS)).isTrue();
      assertThat(sent.cancel(false)).isTrue();
      // the server's call ended with the cancel: nothing is left in flight, so a long grace ends at once
      server.shutdown(Duration.ofSeconds(60));
      assertThat(server.awaitTermination(Duration.ofSeconds(10))).as("the held call was released").isTrue();
    } finally {
      server.close();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"tcp", "ws"})
  void cancellingAnInterceptedCallReachesTheServer(String scheme) throws Exception {
    Root root = new Root();
    Recorder inbound = new Recorder();
    try (PbServer server = PbServer.builder().root(root).listen(scheme + "://127.0.0.1:0/pb")
            .interceptInbound(inbound).build().start();
        PbClient client = PbClient.builder().interceptOutbound((call, next) -> next.proceed()).build()) {
      RemoteReference ref = client.connect(server.uri(0)).get(10, TimeUnit.SECONDS).rootObject();
      CompletableFuture<Object> call = ref.withDeadline(Duration.ofSeconds(60)).callRemote("forever");
      assertThat(root.started.await(10, TimeUnit.SECONDS)).isTrue();
      assertThat(call.cancel(false)).isTrue();
      assertThat(root.cancelled.await(10, TimeUnit.SECONDS)).as("the server's method saw the cancel").isTrue();
      assertThat(inbound.first.await(10, TimeUnit.SECONDS)).isTrue();
      Seen forever = inbound.only("forever");
      assertThat(forever.timeRemaining()).isNotNull().isLessThanOrEqualTo(Duration.ofSeconds(60));
      assertThat(forever.error()).isInstanceOf(java.util.concurrent.CancellationException.class);
      assertThat(ref.callRemote("echo", "after").get(10, TimeUnit.SECONDS)).isEqualTo("after");
    }
  }
}
