package dev.pbj.core.internal;

import static dev.pbj.core.internal.BrokerPair.eventually;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pbj.Bytes;
import dev.pbj.ConnectionLostException;
import dev.pbj.DeadReferenceException;
import dev.pbj.Kwargs;
import dev.pbj.Limits;
import dev.pbj.Referenceable;
import dev.pbj.Remote;
import dev.pbj.RemoteException;
import dev.pbj.RemoteReference;
import dev.pbj.Tuple;
import dev.pbj.core.internal.tables.RemoteReferenceImpl;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

@ParameterizedClass(name = "{0}")
@MethodSource("dev.pbj.core.internal.BrokerPair#setups")
class BrokerTest {
  @Parameter
  BrokerPair.Setup setup;

  private TestRoot root;
  private BrokerPair pair;

  @BeforeEach
  void open() throws Exception {
    root = new TestRoot();
    pair = BrokerPair.open(setup, root);
  }

  @AfterEach
  void close() throws Exception {
    pair.close();
  }

  private Object call(String method, Object... args) throws Exception {
    return pair.client.rootObject().callRemote(method, args).get(10, TimeUnit.SECONDS);
  }

  private RemoteException remoteError(String method, Object... args) {
    CompletableFuture<Object> future = pair.client.rootObject().callRemote(method, args);
    Throwable cause = assertThatThrownBy(() -> future.get(10, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class).actual().getCause();
    assertThat(cause).isInstanceOf(RemoteException.class);
    return (RemoteException) cause;
  }

  @Test
  void echoReturnsEachValueUnchanged() throws Exception {
    List<Object> shared = new ArrayList<>(List.of(1L));
    for (Object value : List.of("hi", Bytes.ascii("hi"), 42L, BigInteger.TWO.pow(200), 2.5, true,
        Tuple.of(1L, "a"), List.of(shared, shared), Map.of("k", List.of()))) {
      assertThat(call("echo", value)).isEqualTo(value);
    }
    assertThat(call("echo", (Object) null)).isNull();
    pair.assertBaseline();
  }

  @Test
  void remoteMethodsRunOffTheIoThread() throws Exception {
    org.junit.jupiter.api.Assumptions.assumeTrue(setup.inMemory(), "thread names are the pipe's");
    call("echoFast", 1); // declared non-blocking: runs in the connection's context, which is no I/O thread
    assertThat(root.lastThread.getName()).matches("test-broker-connection-\\d+");
    call("echo", 1); // the others run on the executor
    assertThat(root.lastThread.getName()).matches("test-broker-\\d+");
  }

  /** The client's executor: the in-memory pair's, or PbClient's own default. */
  private static final String EXECUTOR_THREAD = "(test-broker|pbj-client)-\\d+";

  @Test
  void callbacksRunOnTheExecutorOrTheWaitingThreadNeverOnTheIoThread() throws Exception {
    CompletableFuture<String> callbackThread = new CompletableFuture<>();
    CompletableFuture<Object> call = pair.client.rootObject().callRemote("later");
    call.whenComplete((v, e) -> callbackThread.complete(Thread.currentThread().getName()));
    root.gate.complete("x"); // answered only now, so the callback is attached before the answer arrives
    // nobody waits on the call itself: the executor completes it
    assertThat(callbackThread.get(10, TimeUnit.SECONDS)).matches(EXECUTOR_THREAD);

    String caller = Thread.currentThread().getName();
    CompletableFuture<Object> waited = pair.client.rootObject().callRemote("echo", "y");
    CompletableFuture<String> where = waited.thenApply(v -> v + " on " + Thread.currentThread().getName());
    // this thread waits: it is given the answer and runs the callback itself, or the executor did it first
    assertThat(where.get(10, TimeUnit.SECONDS)).satisfiesAnyOf(
        ran -> assertThat(ran).isEqualTo("y on " + caller),
        ran -> assertThat(ran).matches("y on " + EXECUTOR_THREAD));
  }

  @Test
  void methodThatWaitsForItsCallersAnswerGetsIt() throws Exception {
    Referenceable echo = new Referenceable() {
      @Remote
      public Object echo(Object x) {
        return x;
      }
    };
    assertThat(call("askBack", echo)).isEqualTo("back");
    assertThat(call("echo", "the connection still works")).isEqualTo("the connection still works");
    pair.assertBaseline();
  }

  @Test
  void keywordArgumentsBindByParameterName() throws Exception {
    assertThat(call("add", Kwargs.of("a", 1, "b", 2))).isEqualTo(BigInteger.valueOf(3).longValue());
    assertThat(call("add", 1, Kwargs.of("b", 2))).isEqualTo(3L);
    RemoteException error = remoteError("add", 1, Kwargs.of("c", 2));
    assertThat(error.remoteType()).isEqualTo("builtins.TypeError");
    assertThat(error.remoteMessage()).contains("unexpected keyword argument 'c'");
  }

  @Test
  void argumentsAreCoercedToDeclaredTypes() throws Exception {
    assertThat(call("twice", 21)).isEqualTo(42L);
    RemoteException error = remoteError("twice", "x");
    assertThat(error.remoteType()).isEqualTo("builtins.TypeError");
    assertThat(remoteError("twice", 1L << 40).remoteMessage()).contains("must be int");
  }

  @Test
  void pbErrorArrivesAsTwistedPbError() {
    RemoteException error = remoteError("fail", "nope");
    assertThat(error.remoteType()).isEqualTo("twisted.spread.pb.Error");
    assertThat(error.remoteMessage()).isEqualTo("nope");
    assertThat(error.isPbError()).isTrue();
    assertThat(error.remoteTraceback()).isEqualTo("Traceback unavailable\n");
  }

  @Test
  void unexpectedExceptionCarriesJavaTypeName() {
    RemoteException error = remoteError("crash");
    assertThat(error.remoteType()).isEqualTo("java.lang.IllegalStateException");
    assertThat(error.remoteMessage()).isEqualTo("boom");
    assertThat(error.isPbError()).isFalse();
    assertThat(error.isA("java.lang.RuntimeException")).isTrue();
    assertThat(error.isA("builtins.Exception")).isTrue();
    assertThat(error.remoteTraceback()).isEqualTo("Traceback unavailable\n");
  }

  @Test
  void tracebackIsSentOnlyOnOptIn() throws Exception {
    try (BrokerPair unsafe = BrokerPair.open(setup, new TestRoot(), Limits.defaults(), true, false)) {
      CompletableFuture<Object> future = unsafe.client.rootObject().callRemote("crash");
      Throwable cause = assertThatThrownBy(() -> future.get(10, TimeUnit.SECONDS)).actual().getCause();
      assertThat(((RemoteException) cause).remoteTraceback()).contains("IllegalStateException", "TestRoot.crash");
    }
  }

  @Test
  void missingMethodGetsTwistedNoSuchMethod() {
    RemoteException error = remoteError("nosuch");
    assertThat(error.remoteType()).isEqualTo("twisted.spread.flavors.NoSuchMethod");
    assertThat(error.remoteMessage()).isEqualTo("No such method: remote_nosuch");
    assertThat(error.isA("builtins.AttributeError")).isTrue();
  }

  @Test
  void wrongArgumentCountIsTypeError() {
    RemoteException error = remoteError("echo", 1, 2);
    assertThat(error.remoteType()).isEqualTo("builtins.TypeError");
    assertThat(error.remoteMessage()).contains("takes 1 argument(s) but 2 were given");
  }

  @Test
  void overloadsAreChosenByArgumentCount() throws Exception {
    RemoteReference counter = (RemoteReference) call("counter");
    assertThat(counter.callRemote("increment").get(10, TimeUnit.SECONDS)).isEqualTo(1L);
    assertThat(counter.callRemote("increment", Kwargs.of("n", 5)).get(10, TimeUnit.SECONDS)).isEqualTo(6L);
    assertThat(counter.callRemote(Integer.class, "value").get(10, TimeUnit.SECONDS)).isEqualTo(6);
    counter.close();
    pair.assertBaseline();
  }

  @Test
  void closingReferenceSendsDecrefAndOwnerForgetsObject() throws Exception {
    RemoteReference a = (RemoteReference) call("counter", 1);
    RemoteReference b = (RemoteReference) call("counter", 2);
    assertThat(call("exported")).isEqualTo(2L);
    assertThat(pair.client.stats().remoteReferences()).isEqualTo(2);
    a.close();
    a.close();
    assertThat(call("exported")).isEqualTo(1L);
    assertThatThrownBy(() -> a.callRemote("value").get(10, TimeUnit.SECONDS)).cause()
        .isInstanceOf(DeadReferenceException.class);
    b.close();
    assertThat(call("exported")).isEqualTo(0L);
    pair.assertBaseline();
  }

  @Test
  void sameObjectReceivedTwiceIsOneReferenceReleasedWithTwoDecrefs() throws Exception {
    RemoteReference counter = (RemoteReference) call("counter", 5);
    // the server sends the counter back twice in one answer: (list (remote 1) (remote 1))
    List<?> both = (List<?>) call("echo", List.of(counter, counter));
    // each arrival is a handle of its own onto the one remote object; handles of one object are equal
    assertThat(both.get(0)).isEqualTo(counter).isEqualTo(both.get(1)).isNotSameAs(counter);
    assertThat(pair.client.stats().remoteReferences()).isEqualTo(1);
    counter.close();
    ((RemoteReference) both.get(0)).close();
    assertThat(call("exported")).isEqualTo(1L); // one handle is still open
    assertThat(((RemoteReference) both.get(1)).callRemote("value").get(10, TimeUnit.SECONDS)).isEqualTo(5L);
    ((RemoteReference) both.get(1)).close();
    eventually(() -> pair.server.stats().localObjects() == 0);
    pair.assertBaseline();
  }

  @Test
  void referenceFromAnotherConnectionCannotBeSent() {
    assertThat(pair.server.rootObject().callRemote("echo", pair.client.rootObject()))
        .failsWithin(10, TimeUnit.SECONDS).withThrowableOfType(ExecutionException.class)
        .withCauseInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void rootReferenceSentBackIsTheRootObject() throws Exception {
    assertThat(call("same", pair.client.rootObject(), pair.client.rootObject())).isEqualTo(true);
  }

  @Test
  void referenceSentBackResolvesToTheOriginalObject() throws Exception {
    RemoteReference counter = (RemoteReference) call("counter", 5);
    assertThat(call("same", counter, counter)).isEqualTo(true);
    counter.close();
    pair.assertBaseline();
  }

  @Test
  void garbageCollectedReferenceIsReleased() throws Exception {
    call("counter", 3); // the answer is dropped at once
    assertThat(pair.server.stats().localObjects()).isEqualTo(1);
    eventually(() -> {
      System.gc();
      return pair.server.stats().localObjects() == 0;
    });
    pair.assertBaseline();
  }

  @Test
  void serverCallsBackIntoClientObject() throws Exception {
    Referenceable listener = new Referenceable() {
      @Remote
      public String got(String x) {
        return "got " + x;
      }
    };
    assertThat(call("callback", listener, "hi")).isEqualTo("got hi");
    pair.assertBaseline();
  }

  @Test
  void failureRaisedInACallbackTravelsBackWithItsOwnType() throws Exception {
    Referenceable listener = new Referenceable() {
      @Remote
      public String got(String x) {
        throw new dev.pbj.PbError("refused " + x);
      }
    };
    RemoteException error = remoteError("callback", listener, "hi");
    assertThat(error.remoteType()).isEqualTo("twisted.spread.pb.Error");
    assertThat(error.remoteMessage()).isEqualTo("refused hi");
    assertThat(error.isPbError()).isTrue();
    pair.assertBaseline();
  }

  @Test
  void remoteMethodMayRaiseAnyPythonType() throws Exception {
    Referenceable raiser = new Referenceable() {
      @Remote
      public void raise() {
        throw new RemoteException("builtins.KeyError", "'k'", "", List.of("builtins.LookupError"));
      }
    };
    RemoteException error = remoteError("callback", raiser, "x"); // the server calls back got(): no such method
    assertThat(error.remoteType()).isEqualTo("twisted.spread.flavors.NoSuchMethod");
    try (BrokerPair other = BrokerPair.open(setup, raiser)) {
      CompletableFuture<Object> future = other.client.rootObject().callRemote("raise");
      Throwable cause = assertThatThrownBy(() -> future.get(10, TimeUnit.SECONDS)).actual().getCause();
      RemoteException keyError = (RemoteException) cause;
      assertThat(keyError.remoteType()).isEqualTo("builtins.KeyError");
      assertThat(keyError.isA("builtins.LookupError")).isTrue();
      assertThat(keyError.isA("builtins.Exception")).isTrue();
      assertThat(keyError.parents()).doesNotContain("dev.pbj.RemoteException");
    }
  }

  @Test
  void deferredAnswerArrivesAfterLaterCalls() throws Exception {
    CompletableFuture<Object> slow = pair.client.rootObject().callRemote("later");
    assertThat(call("echo", "fast")).isEqualTo("fast");
    assertThat(slow).isNotDone();
    root.gate.complete("slow");
    assertThat(slow.get(10, TimeUnit.SECONDS)).isEqualTo("slow");
  }

  @Test
  void oneWayCallGetsNoAnswer() throws Exception {
    pair.client.rootObject().callRemoteNoAnswer("record", "x");
    assertThat(root.oneWay.poll(10, TimeUnit.SECONDS)).isEqualTo("x");
    assertThat(pair.client.stats().pendingCalls()).isZero();
  }

  @Test
  void unknownObjectIdIsInvalidObjectId() throws Exception {
    RemoteReference counter = (RemoteReference) call("counter", 5);
    RemoteReferenceImpl stale = new RemoteReferenceImpl(pair.client, 99L, null);
    CompletableFuture<Object> future = stale.callRemote("value");
    Throwable cause = assertThatThrownBy(() -> future.get(10, TimeUnit.SECONDS)).actual().getCause();
    assertThat(((RemoteException) cause).remoteMessage()).isEqualTo("Invalid Object ID");
    assertThat(((RemoteException) cause).isPbError()).isTrue();
    counter.close();
  }

  @Test
  void answerThatCannotBeSentBecomesAnError() throws Exception {
    RemoteException error = remoteError("unsendable");
    assertThat(error.remoteType()).isEqualTo("java.lang.IllegalArgumentException");
    assertThat(error.remoteMessage()).contains("not a Jelly value");
    assertThat(call("echo", 1)).isEqualTo(1L);
  }

  @Test
  void argumentThatCannotBeSentFailsLocallyAndSendsNothing() throws Exception {
    org.junit.jupiter.api.Assumptions.assumeTrue(setup.inMemory(), "bytes are recorded by the pipe");
    pair.clientLink.clearSent();
    CompletableFuture<Object> future = pair.client.rootObject().callRemote("echo", new Object());
    assertThat(future).failsWithin(10, TimeUnit.SECONDS);
    assertThat(pair.clientLink.sentBytes()).isEmpty();
    Referenceable exported = new Referenceable() {};
    assertThat(pair.client.rootObject().callRemote("echo", List.of(exported, new Object())))
        .failsWithin(10, TimeUnit.SECONDS);
    assertThat(pair.client.stats().localObjects()).isZero();
    pair.assertBaseline();
  }

  @Test
  void pendingCallsFailWithConnectionLostAndLaterCallsWithDeadReference() throws Exception {
    CompletableFuture<Object> pending = pair.client.rootObject().callRemote("never");
    CountDownLatch brokerNotified = new CountDownLatch(1);
    CountDownLatch referenceNotified = new CountDownLatch(1);
    pair.client.notifyOnDisconnect(brokerNotified::countDown);
    pair.client.rootObject().notifyOnDisconnect(ref -> referenceNotified.countDown());
    Runnable removed = () -> {
      throw new AssertionError("removed callback ran");
    };
    pair.client.notifyOnDisconnect(removed);
    pair.client.dontNotifyOnDisconnect(removed);
    eventually(() -> pair.server.stats().localObjects() == 0 && pair.client.stats().pendingCalls() == 1);
    pair.server.close();
    assertThatThrownBy(() -> pending.get(10, TimeUnit.SECONDS)).cause()
        .isInstanceOf(ConnectionLostException.class);
    assertThat(brokerNotified.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(referenceNotified.await(10, TimeUnit.SECONDS)).isTrue();
    assertThatThrownBy(() -> call("echo", 1)).cause().isInstanceOf(DeadReferenceException.class);
    assertThat(pair.client.isConnected()).isFalse();
  }

  @Test
  void everyExchangeWorksWhenBytesArriveOneAtATime() throws Exception {
    org.junit.jupiter.api.Assumptions.assumeTrue(setup.inMemory(), "trickling is the pipe's");
    try (BrokerPair trickle = BrokerPair.open(setup, new TestRoot(), Limits.defaults(), false, true)) {
      List<Object> cycle = new ArrayList<>();
      cycle.add(cycle);
      Object value = List.of("é", Bytes.ascii("copy"), BigInteger.TWO.pow(100), -0.5, Tuple.of(), Map.of(1L, true));
      assertThat(trickle.client.rootObject().callRemote("echo", value).get(10, TimeUnit.SECONDS)).isEqualTo(value);
      List<?> back = (List<?>) trickle.client.rootObject().callRemote("echo", cycle).get(10, TimeUnit.SECONDS);
      assertThat(back.get(0)).isSameAs(back);
      Referenceable listener = new Referenceable() {
        @Remote
        public String got(String x) {
          return x + "!";
        }
      };
      assertThat(trickle.client.rootObject().callRemote("callback", listener, "hey").get(10, TimeUnit.SECONDS))
          .isEqualTo("hey!");
      trickle.assertBaseline();
    }
  }

  @Test
  void framedTransportRefusesAMessageOverTheConnectionsLimit() throws Exception {
    org.junit.jupiter.api.Assumptions.assumeTrue(setup.transport().equals("ws"), "frames are WebSocket's");
    Limits small = Limits.builder().maxMessageLength(4096).build();
    try (BrokerPair limited = BrokerPair.open(setup, new TestRoot(), small, false, false)) {
      assertThat(limited.client.rootObject().callRemote("echo", "fits").get(10, TimeUnit.SECONDS)).isEqualTo("fits");
      CompletableFuture<Object> tooBig = limited.client.rootObject().callRemote("echo", Bytes.of(new byte[8000]));
      // msgpack refuses it before sending (its frames carry the length); banana's bytes reach the server's frame
      // limit, which closes the connection
      Throwable cause = assertThatThrownBy(() -> tooBig.get(10, TimeUnit.SECONDS)).actual().getCause();
      assertThat(cause).isInstanceOfAny(dev.pbj.LimitExceededException.class, ConnectionLostException.class);
      if (cause instanceof ConnectionLostException) {
        eventually(() -> !limited.server.isConnected());
      }
    }
  }

  @Test
  void rootCallIsByteForByteTwistedsCapture() throws Exception {
    org.junit.jupiter.api.Assumptions.assumeTrue(setup.inMemory() && setup.serializer().name().equals("banana"),
        "Twisted's bytes are banana's, read off the in-memory pipe");
    pair.clientLink.clearSent();
    call("echo", "hi");
    // PROTOCOL-REFERENCE §9.2, with our request id 1
    assertThat(HexFormat.of().formatHex(pair.clientLink.sentBytes())).isEqualTo(
        "07801a87018104827" + "26f6f740482" + "6563686f018102800b8702800782756e69636f646502826869018005" + "87");
    // and the answer is Twisted's: (answer 1 (unicode "hi"))
    assertThat(HexFormat.of().formatHex(pair.serverLink.sentBytes())).endsWith(
        "03801b8701810280078275" + "6e69636f646502826869");
  }
}
