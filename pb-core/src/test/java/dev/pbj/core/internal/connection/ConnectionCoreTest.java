package dev.pbj.core.internal.connection;

import static dev.pbj.core.internal.BrokerPair.eventually;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pbj.DeadReferenceException;
import dev.pbj.Referenceable;
import dev.pbj.Remote;
import dev.pbj.RemoteException;
import dev.pbj.RemoteReference;
import dev.pbj.core.internal.BrokerPair;
import dev.pbj.core.internal.TestRoot;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The connection core under the failures users meet under load: errors out of remote methods, references shared
 * by calls in flight, calls given up on, methods that block. Over every transport × serializer; each test ends
 * with both sides' tables at rest.
 */
@ParameterizedClass(name = "{0}")
@MethodSource("dev.pbj.core.internal.BrokerPair#setups")
class ConnectionCoreTest {
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
    root.release.countDown();
    pair.close(); // checks that both sides' tables are at rest first
  }

  private Object call(String method, Object... args) throws Exception {
    return pair.client.rootObject().callRemote(method, args).get(10, TimeUnit.SECONDS);
  }

  @ParameterizedTest
  @ValueSource(strings = {"StackOverflowError", "LinkageError", "ExceptionInInitializerError", "AssertionError",
      "OutOfMemoryError"})
  void everyErrorOutOfARemoteMethodIsAnsweredAndTheConnectionGoesOn(String error) throws Exception {
    CompletableFuture<Object> future = pair.client.rootObject().callRemote("raise", error);
    Throwable cause = assertThatThrownBy(() -> future.get(10, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class).actual().getCause();
    assertThat(cause).isInstanceOf(RemoteException.class);
    assertThat(((RemoteException) cause).remoteType()).startsWith("java.lang.").endsWith(
        error.equals("LinkageError") ? "NoClassDefFoundError" : error);
    for (int i = 0; i < 3; i++) {
      assertThat(call("echo", "still answering " + i)).isEqualTo("still answering " + i);
    }
  }

  /** What the client passes twice: each arrival at the server is a handle of its own. */
  public static final class Echoer implements Referenceable {
    @Remote
    public Object echo(Object x) {
      return x;
    }
  }

  @Test
  void closingAReceivedReferenceLeavesTheSameReferenceOfAnotherCallWorking() throws Exception {
    Echoer echoer = new Echoer();
    CompletableFuture<Object> later = pair.client.rootObject().callRemote("callAfterGate", echoer);
    assertThat(call("closeIt", echoer)).isEqualTo("closed"); // the server closes its handle of the second call
    root.callGate.complete(null); // now the first call uses its own handle of the same object
    assertThat(later.get(10, TimeUnit.SECONDS)).isEqualTo("late");
    eventually(() -> pair.server.stats().remoteReferences() == 0 && pair.client.stats().localObjects() == 0);
  }

  @Test
  void aClosedHandleCannotBeSentButAnotherOfTheSameObjectCan() throws Exception {
    RemoteReference counter = (RemoteReference) call("counter", 1);
    List<?> again = (List<?>) call("echo", List.of(counter));
    counter.close();
    assertThat(pair.client.rootObject().callRemote("same", counter, counter)).failsWithin(10, TimeUnit.SECONDS)
        .withThrowableOfType(ExecutionException.class).withCauseInstanceOf(DeadReferenceException.class);
    RemoteReference open = (RemoteReference) again.get(0);
    assertThat(call("same", open, open)).isEqualTo(true);
    open.close();
  }

  @Test
  void stateGetterThatCallsBackIntoTheSameConnectionDoesNotDeadlock() throws Exception {
    try (BrokerPair copies = BrokerPair.open(setup, root, dev.pbj.core.CopyRegistry.builder()
        .registerFactory("test.Chatty", state -> state).build(), null)) {
      Object copy = copies.client.rootObject().callRemote("chatty", new Echoer()).get(10, TimeUnit.SECONDS);
      assertThat(copy).isEqualTo(java.util.Map.of("note", "copied"));
      assertThat(root.lastChatty.calledBack.get(10, TimeUnit.SECONDS)).isEqualTo("from the getter");
    }
  }

  /** A copy that notes the thread its state getter runs on; its factory on the receiving side notes its own. */
  static final class Where implements dev.pbj.Copyable {
    final java.util.Queue<String> threads;
    final String label;

    Where(java.util.Queue<String> threads, String label) {
      this.threads = threads;
      this.label = label;
    }

    @Override
    public String typeToCopy() {
      return "test.Where";
    }

    @Override
    public Object getStateToCopy() {
      threads.add("getter of " + label + " on " + Thread.currentThread().getName());
      return java.util.Map.of("label", label);
    }
  }

  @Test
  void copyGettersAndFactoriesNeverRunOnAnIoThread() throws Exception {
    java.util.Queue<String> threads = new java.util.concurrent.ConcurrentLinkedQueue<>(); // tests run in parallel
    dev.pbj.core.CopyRegistry where = dev.pbj.core.CopyRegistry.builder().registerFactory("test.Where", state -> {
      threads.add("factory on " + Thread.currentThread().getName());
      return state;
    }).build();
    Referenceable server = new Referenceable() {
      /** Answers with a copy of its own, labelled after the copy it was given. */
      @Remote
      public Object where(Object got) {
        return List.of(new Where(threads, "answer to " + got), "y");
      }

      @Remote(nonBlocking = true)
      public Object echo(Object x) {
        return x;
      }
    };
    try (BrokerPair copies = BrokerPair.open(setup, server, where, null)) {
      for (int i = 0; i < 20; i++) {
        // the client's getter writes the argument, the server's factory builds it, the server's getter writes
        // the answer, the client's factory builds that
        Object answer = copies.client.rootObject().callRemote("where", new Where(threads, "arg" + i))
            .get(10, TimeUnit.SECONDS);
        assertThat(answer).isEqualTo(List.of(java.util.Map.of("label", "answer to {label=arg" + i + "}"), "y"));
      }
      assertThat(threads).hasSize(80).allSatisfy(seen -> assertThat(seen)
          .doesNotContainPattern("pbj-tcp-io|XNIO|I/O|nioEventLoop|epollEventLoop"));
      assertThat(copies.client.rootObject().callRemote("echo", "plain").get(10, TimeUnit.SECONDS))
          .isEqualTo("plain");
    }
  }

  @Test
  void cancelledCallIsForgottenAndItsLateAnswerDropped() throws Exception {
    CompletableFuture<Object> call = pair.client.rootObject().callRemote("later");
    eventually(() -> pair.client.stats().pendingCalls() == 1);
    assertThat(call.cancel(true)).isTrue();
    assertThat(pair.client.stats().pendingCalls()).isZero();
    root.gate.complete("too late"); // the answer arrives for a call nobody waits for
    assertThatThrownBy(() -> call.get(1, TimeUnit.SECONDS)).isInstanceOf(CancellationException.class);
    assertThat(call("echo", "after the late answer")).isEqualTo("after the late answer");
  }

  @Test
  void timedOutCallsAreForgotten() throws Exception {
    List<CompletableFuture<Object>> calls = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      calls.add(pair.client.rootObject().callRemote("never").orTimeout(50, TimeUnit.MILLISECONDS));
    }
    CompletableFuture<Object> defaulted = pair.client.rootObject().callRemote("never")
        .completeOnTimeout("default", 50, TimeUnit.MILLISECONDS);
    for (CompletableFuture<Object> call : calls) {
      assertThatThrownBy(() -> call.get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(TimeoutException.class);
    }
    assertThat(defaulted.get(10, TimeUnit.SECONDS)).isEqualTo("default");
    eventually(() -> pair.client.stats().pendingCalls() == 0);
  }

  @Test
  void blockingCallsWaitInTheirConnectionWithoutStallingAnother() throws Exception {
    List<CompletableFuture<Object>> blocked = new ArrayList<>();
    for (int i = 0; i < 400; i++) {
      blocked.add(pair.client.rootObject().callRemote("blockUntilReleased", i));
    }
    eventually(() -> root.blocked.get() == 1); // one at a time: the rest wait in the connection's call lane
    try (BrokerPair other = BrokerPair.open(setup, new TestRoot())) {
      for (int i = 0; i < 20; i++) {
        assertThat(other.client.rootObject().callRemote("echo", i).get(10, TimeUnit.SECONDS)).isEqualTo((long) i);
      }
      other.assertBaseline();
    }
    // the blocked connection itself still reads: the call queued last is behind the others, in order
    CompletableFuture<Object> last = pair.client.rootObject().callRemote("echoFast", "in order");
    assertThat(last).isNotDone();
    root.release.countDown();
    for (int i = 0; i < blocked.size(); i++) {
      assertThat(blocked.get(i).get(30, TimeUnit.SECONDS)).isEqualTo((long) i);
    }
    assertThat(last.get(10, TimeUnit.SECONDS)).isEqualTo("in order");
  }
}
