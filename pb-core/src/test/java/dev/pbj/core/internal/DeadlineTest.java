package dev.pbj.core.internal;

import static dev.pbj.core.internal.BrokerPair.eventually;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pbj.CallContext;
import dev.pbj.ConnectionLostException;
import dev.pbj.DeadlineExceededException;
import dev.pbj.Referenceable;
import dev.pbj.Remote;
import dev.pbj.RemoteReference;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Deadlines and cancellation between two PBJ peers (which negotiate the extensions): the caller's future fails or is
 * cancelled, its pending entry goes, and the callee hears of it. Over every transport × serializer; each test ends
 * with both sides' tables at rest.
 */
@ParameterizedClass(name = "{0}")
@MethodSource("dev.pbj.core.internal.BrokerPair#setups")
class DeadlineTest {
  @Parameter
  BrokerPair.Setup setup;

  private SlowRoot root;
  private BrokerPair pair;

  @BeforeEach
  void open() throws Exception {
    root = new SlowRoot();
    pair = BrokerPair.open(setup, root);
  }

  @AfterEach
  void close() throws Exception {
    root.gate.countDown();
    pair.close();
  }

  /** Methods that take their time, and record what their call contexts said. */
  public static final class SlowRoot implements Referenceable {
    final BlockingQueue<CompletableFuture<Object>> results = new LinkedBlockingQueue<>();
    final BlockingQueue<CallContext> contexts = new LinkedBlockingQueue<>();
    final AtomicInteger cancelCallbacks = new AtomicInteger();
    final AtomicInteger counted = new AtomicInteger();
    final CountDownLatch gate = new CountDownLatch(1);

    /** Answers only when the test completes the result it left. */
    @Remote
    public CompletionStage<Object> hang(CallContext call) {
      CompletableFuture<Object> result = new CompletableFuture<>();
      call.onCancel(cancelCallbacks::incrementAndGet);
      contexts.add(call);
      results.add(result);
      return result;
    }

    /** Milliseconds left until the caller's deadline, or -1 without one. */
    @Remote
    public long remaining(CallContext call) {
      return call.timeRemaining().map(Duration::toMillis).orElse(-1L);
    }

    /** Holds the connection's call lane until the test opens the gate. */
    @Remote
    public String block() throws InterruptedException {
      return gate.await(10, TimeUnit.SECONDS) ? "unblocked" : "timed out";
    }

    @Remote
    public int count() {
      return counted.incrementAndGet();
    }

    /** Works until the call is cancelled (bounded). */
    @Remote
    public String spin(CallContext call) throws InterruptedException {
      contexts.add(call);
      long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (!call.isCancelled() && System.nanoTime() < end) {
        Thread.sleep(1);
      }
      return call.isCancelled() ? "stopped" : "never cancelled";
    }

    @Remote
    public Object echo(Object x) {
      return x;
    }
  }

  private static Throwable failureOf(CompletableFuture<?> future) {
    return assertThatThrownBy(() -> future.get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
        .actual().getCause();
  }

  @Test
  void aPassedDeadlineFailsTheCallAndCancelsWhatTheMethodLeftPending() throws Exception {
    // long enough for the method to start on a loaded machine (else it is cancelled before it runs: another test)
    RemoteReference hurried = pair.client.rootObject().withDeadline(Duration.ofMillis(1500));
    CompletableFuture<Object> call = hurried.callRemote("hang");
    CompletableFuture<Object> result = root.results.poll(10, TimeUnit.SECONDS);
    CallContext context = root.contexts.poll(10, TimeUnit.SECONDS);
    assertThat(context.timeRemaining()).isPresent();

    Throwable failure = failureOf(call);
    assertThat(failure).isInstanceOf(DeadlineExceededException.class).hasMessageContaining("hang");
    assertThat(((DeadlineExceededException) failure).deadline()).isEqualTo(Duration.ofMillis(1500));
    eventually(() -> result.isCancelled() && root.cancelCallbacks.get() == 1);
    assertThat(context.isCancelled()).isTrue();
    eventually(() -> pair.client.stats().pendingCalls() == 0 && pair.server.inboundPending() == 0);
    assertThat(pair.client.rootObject().callRemote("echo", "after").get(10, TimeUnit.SECONDS)).isEqualTo("after");
  }

  @Test
  void cancellingTheFutureReachesARunningMethod() throws Exception {
    CompletableFuture<Object> call = pair.client.rootObject().callRemote("spin");
    CallContext context = root.contexts.poll(10, TimeUnit.SECONDS);
    assertThat(context.isCancelled()).isFalse();
    assertThat(context.timeRemaining()).isEmpty();
    call.cancel(true);
    eventually(context::isCancelled);
    eventually(() -> pair.client.stats().pendingCalls() == 0 && pair.server.inboundPending() == 0);
    assertThat(pair.server.inboundCancelled()).isEqualTo(1);
  }

  @Test
  void cancellingCancelsThePendingResultAndRunsTheCallbacks() throws Exception {
    CompletableFuture<Object> call = pair.client.rootObject().callRemote("hang");
    CompletableFuture<Object> result = root.results.poll(10, TimeUnit.SECONDS);
    CallContext context = root.contexts.poll(10, TimeUnit.SECONDS);
    AtomicInteger late = new AtomicInteger();
    call.cancel(true);
    eventually(result::isCancelled);
    eventually(() -> root.cancelCallbacks.get() == 1);
    context.onCancel(late::incrementAndGet); // added after the cancel: runs at once
    eventually(() -> late.get() == 1);
    eventually(() -> pair.server.inboundPending() == 0);
  }

  @Test
  void theMethodSeesTheDeadlineItsCallerSet() throws Exception {
    long left = pair.client.rootObject().withDeadline(Duration.ofSeconds(5)).callRemote(Long.class, "remaining")
        .get(10, TimeUnit.SECONDS);
    assertThat(left).isBetween(1L, 5000L);
    assertThat(pair.client.rootObject().callRemote(Long.class, "remaining").get(10, TimeUnit.SECONDS))
        .isEqualTo(-1L);
  }

  @Test
  void aCallWhoseDeadlinePassedWhileQueuedNeverRuns() throws Exception {
    RemoteReference root = pair.client.rootObject();
    CompletableFuture<Object> blocking = root.callRemote("block");
    CompletableFuture<Object> queued = root.withDeadline(Duration.ofMillis(100)).callRemote("count");
    assertThat(failureOf(queued)).isInstanceOf(DeadlineExceededException.class);
    eventually(() -> pair.server.inboundCancelled() == 1); // by the cancel that came, or the server's own timer
    this.root.gate.countDown();
    assertThat(blocking.get(10, TimeUnit.SECONDS)).isEqualTo("unblocked");
    assertThat(root.callRemote("count").get(10, TimeUnit.SECONDS)).isEqualTo(1L);
    assertThat(this.root.counted.get()).isEqualTo(1);
  }

  @Test
  void anAnswerInTimeCancelsNothing() throws Exception {
    RemoteReference hurried = pair.client.rootObject().withDeadline(Duration.ofSeconds(10));
    for (int i = 0; i < 20; i++) {
      assertThat(hurried.callRemote("echo", i).get(10, TimeUnit.SECONDS)).isEqualTo((long) i);
    }
    assertThat(pair.server.inboundCancelled()).isZero();
    assertThat(pair.client.stats().pendingCalls()).isZero();
  }

  @Test
  void theViewSharesItsReferencesHandle() throws Exception {
    RemoteReference root = pair.client.rootObject();
    RemoteReference view = root.withDeadline(Duration.ofSeconds(1));
    assertThat(view).isEqualTo(root).hasSameHashCodeAs(root);
    assertThat(view.broker()).isSameAs(root.broker());
    assertThatThrownBy(() -> root.withDeadline(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aLostConnectionCancelsTheCallsItsPeerWaitedFor() throws Exception {
    SlowRoot other = new SlowRoot();
    BrokerPair dropped = BrokerPair.open(setup, other);
    CompletableFuture<Object> call = dropped.client.rootObject().callRemote("spin");
    CallContext context = other.contexts.poll(10, TimeUnit.SECONDS);
    dropped.drop();
    assertThat(failureOf(call)).isInstanceOf(ConnectionLostException.class);
    eventually(context::isCancelled);
  }
}
