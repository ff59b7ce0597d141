package dev.pbj.core.internal.calls;

import dev.pbj.Avatar;
import dev.pbj.Broker;
import dev.pbj.Bytes;
import dev.pbj.CallContext;
import dev.pbj.CallInterceptor;
import dev.pbj.InsecureJellyException;
import dev.pbj.InterceptedCall;
import dev.pbj.PbError;
import dev.pbj.ProtocolException;
import dev.pbj.RemoteCache;
import dev.pbj.RemoteException;
import dev.pbj.ShuttingDownException;
import dev.pbj.core.internal.connection.BrokerImpl;
import dev.pbj.core.internal.connection.ReadGate;
import dev.pbj.core.internal.dispatch.Dispatcher;
import dev.pbj.core.internal.endpoint.Timers;
import dev.pbj.core.internal.endpoint.Workers;
import dev.pbj.core.internal.login.ViewPoint;
import dev.pbj.core.internal.wire.MessageKind;
import dev.pbj.core.internal.wire.ReceivedMessage;
import dev.pbj.spi.SerialExecutor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves the peer's {@code message}s and {@code cachemessage}s. The connection's context finds the target and
 * method and binds the arguments; the call then runs in arrival order in the connection's call lane, a serial
 * context on the executor (the next call starts when the previous returns; a method returning a
 * {@code CompletionStage} answers when it completes and does not hold up the next). A method declared
 * {@code @Remote(nonBlocking = true)} runs in the connection's context itself when the lane is idle, sparing the
 * hand-off. Whatever a method throws, {@link Error}s included, its caller gets an answer and the connection goes
 * on. The answer is written on behalf of the target's perspective (the avatar called, or the avatar a view point
 * belongs to). A call is cancelled when its caller gives up on it ({@code cancel}, a PBJ extension), when the
 * deadline it came with passes, or when the connection goes: one not started never runs, a running one sees it in
 * its {@link CallContext}, a pending {@code CompletionStage} it returned is cancelled, and no answer is sent.
 * The peer's calls queued or running count against {@link dev.pbj.Limits#maxPendingCalls()}: at the
 * limit the connection stops reading that peer. Inbound {@link CallInterceptor}s run around each call that reaches a
 * method, in the call lane (so with any of them, non-blocking methods run there too).
 */
public final class InboundCalls {
  private static final Logger log = LoggerFactory.getLogger(InboundCalls.class);

  private final BrokerImpl broker;
  private final Executor executor;
  private final SerialExecutor lane;
  private final ReadGate gate;
  private final List<CallInterceptor> interceptors;
  /** Calls that wait to be answered, by request id: a cancel, a deadline or the connection's end reaches them. */
  private final ConcurrentHashMap<Long, Call> answerable = new ConcurrentHashMap<>();
  private final AtomicLong cancelledCalls = new AtomicLong();

  // In the context only: the deadline the peer announced for its next call (extensions only).
  private long announcedId = -1;
  private long announcedDue;

  /** @param methods runs the call lane: the executor, with the connection named in the logs' MDC */
  public InboundCalls(BrokerImpl broker, Executor executor, Executor methods, ReadGate gate,
      List<CallInterceptor> interceptors) {
    this.broker = broker;
    this.executor = executor;
    this.lane = new SerialExecutor(methods);
    this.gate = gate;
    this.interceptors = interceptors;
  }

  /** In the context: {@code ("deadline" requestId ms)}, which comes right before the call it is for. */
  public void deadline(long requestId, long millis) {
    if (millis < 0) {
      throw new ProtocolException("deadline of request " + requestId + " is negative: " + millis);
    }
    announcedId = requestId;
    announcedDue = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
  }

  /** In the context: the caller gave up on {@code requestId}; unknown ids were answered already, or never sent. */
  public void cancel(long requestId) {
    Call call = answerable.get(requestId);
    if (call != null) {
      call.cancel();
    }
  }

  /** In the context: the connection is gone, so every call still to be answered is cancelled. */
  public void cancelAll() {
    for (Call call : answerable.values()) {
      call.cancel();
    }
  }

  /** In the context, for each call message. */
  public void receive(ReceivedMessage message) {
    Long requestKey = message.boxedLongField(0, "request id");
    long requestId = requestKey;
    Object answerField = message.fields[3];
    boolean answerRequired = !(answerField instanceof Long && (Long) answerField == 0)
        && !Boolean.FALSE.equals(answerField);
    boolean hasDeadline = announcedId == requestId;
    announcedId = -1; // a deadline not followed by its call is dropped
    if (broker.isDraining()) {
      if (answerRequired) {
        broker.messages().failure(requestId, new ShuttingDownException("this side is shutting down and takes no new calls;"
            + " the call did not run"));
      }
      return;
    }
    Call call = new Call(requestKey, answerRequired, hasDeadline, announcedDue);
    try {
      call.resolve(message);
    } catch (ProtocolException e) {
      throw e; // the message itself is malformed: the connection goes
    } catch (RuntimeException e) {
      if (answerRequired) {
        broker.messages().failure(requestId, e);
      } else {
        log.debug("one-way call failed before running", e);
      }
      return;
    }
    gate.callsChanged(1);
    if (answerRequired) {
      answerable.put(requestKey, call);
      if (hasDeadline) {
        call.timer = Timers.schedule(call::cancel, call.dueNanos - System.nanoTime());
      }
    }
    if (call.invocation.method().nonBlocking && interceptors.isEmpty()) {
      lane.executeHere(call); // an idle lane runs it right here, in the context (over TCP, the I/O thread)
    } else {
      lane.execute(call);
    }
  }

  /** The peer's calls queued or running. */
  public int pendingCount() {
    return gate.pendingCalls();
  }

  /** The peer's calls cancelled so far (given up by the caller, past their deadline, or cut off). */
  public long cancelledCount() {
    return cancelledCalls.get();
  }

  /**
   * One call: what it runs, the perspective its answer is written for, where the answer goes, and its deadline and
   * cancellation, which the method sees as its {@link CallContext}.
   */
  private final class Call implements Runnable, CallContext {
    /** Boxed: the reader's own {@code Long}, which keys the table without a box of its own per put and remove. */
    final Long requestId;
    final boolean answerRequired;
    final boolean hasDeadline;
    final long dueNanos;
    Dispatcher.Invocation invocation;
    Avatar perspective;
    // what interceptors see: the call as received
    String method;
    List<?> arguments;
    Map<String, Object> keywords;
    /** Fires at the deadline; set in the context before the call can run. */
    volatile ScheduledFuture<?> timer;
    private volatile boolean cancelled;
    // guarded by this
    private boolean finished;
    private List<Runnable> cancelCallbacks;
    private CompletionStage<?> pendingResult;

    Call(Long requestKey, boolean answerRequired, boolean hasDeadline, long dueNanos) {
      this.requestId = requestKey;
      this.answerRequired = answerRequired;
      this.hasDeadline = hasDeadline;
      this.dueNanos = dueNanos;
    }

    void resolve(ReceivedMessage message) {
      InboundCalls.this.resolve(this, message);
    }

    @Override
    public void run() {
      if (!broker.isConnected() || cancelled) {
        done(this); // nobody is left to answer, or the caller no longer wants it: it never runs
        return;
      }
      invoke(this);
    }

    /** Any thread: the caller gave up, the deadline passed or the connection went. */
    void cancel() {
      List<Runnable> callbacks;
      CompletionStage<?> result;
      synchronized (this) {
        if (cancelled || finished) {
          return;
        }
        cancelled = true;
        cancelledCalls.incrementAndGet();
        callbacks = cancelCallbacks;
        cancelCallbacks = null;
        result = pendingResult;
      }
      // what a cancel sets off is the method's code: on the executor, never in the context or on the timer
      Workers.runOn(executor, () -> {
        if (result != null) {
          cancelResult(result);
        }
        if (callbacks != null) {
          callbacks.forEach(InboundCalls::runCallback);
        }
      });
    }

    /** On the executor: the method returned {@code result}, still pending; true if it was cancelled meanwhile. */
    boolean pending(CompletionStage<?> result) {
      synchronized (this) {
        if (!cancelled) {
          pendingResult = result;
          return false;
        }
      }
      return true;
    }

    /** Whether the answer should go out; after this the call cannot be cancelled. */
    synchronized boolean finish() {
      finished = true;
      pendingResult = null;
      cancelCallbacks = null;
      return !cancelled;
    }

    @Override
    public Broker broker() {
      return broker;
    }

    @Override
    public Optional<Duration> timeRemaining() {
      return hasDeadline ? Optional.of(Duration.ofNanos(dueNanos - System.nanoTime())) : Optional.empty();
    }

    @Override
    public boolean isCancelled() {
      return cancelled || hasDeadline && System.nanoTime() - dueNanos >= 0;
    }

    @Override
    public void onCancel(Runnable callback) {
      java.util.Objects.requireNonNull(callback, "callback");
      synchronized (this) {
        if (!cancelled) {
          if (!finished) {
            if (cancelCallbacks == null) {
              cancelCallbacks = new ArrayList<>(2);
            }
            cancelCallbacks.add(callback);
          }
          return;
        }
      }
      Workers.runOn(executor, () -> runCallback(callback));
    }

    @Override
    public String toString() {
      return "call " + requestId + " of " + (invocation == null ? "?" : invocation.method().javaName);
    }
  }

  private static void runCallback(Runnable callback) {
    try {
      callback.run();
    } catch (RuntimeException | Error e) {
      log.warn("cancel callback failed", e);
    }
  }

  private static void cancelResult(CompletionStage<?> result) {
    try {
      result.toCompletableFuture().cancel(false);
    } catch (UnsupportedOperationException e) {
      log.debug("a pending result that cannot be cancelled is left to finish", e);
    }
  }

  private void resolve(Call call, ReceivedMessage message) {
    if (message.fieldError != null) {
      RuntimeException error = message.fieldError;
      if (error instanceof InsecureJellyException) {
        throw Failures.PythonError.insecure(error.getMessage());
      }
      throw new IllegalArgumentException("undecodable arguments: " + error.getMessage(), error);
    }
    Object name = message.fields[2];
    if (!(name instanceof Bytes || name instanceof String)) {
      throw new ProtocolException("method name must be a byte string: got " + name);
    }
    String method = name instanceof Bytes ? ((Bytes) name).utf8() : (String) name;
    Object target = target(message);
    Avatar perspective = null;
    Avatar viewer = null;
    if (target instanceof ViewPoint) {
      ViewPoint view = (ViewPoint) target;
      target = view.viewable;
      perspective = view.perspective;
      viewer = view.perspective;
    } else if (target instanceof Avatar) {
      perspective = (Avatar) target;
    }
    Object args = message.fields[4];
    if (!(args instanceof List)) {
      throw Failures.PythonError.typeError("arguments must be a tuple, got " + Dispatcher.describe(args));
    }
    Object kwargs = message.fields[5];
    if (!(kwargs instanceof Map)) {
      throw Failures.PythonError.typeError("keyword arguments must be a dictionary, got "
          + Dispatcher.describe(kwargs));
    }
    Map<String, Object> keywords = keywords((Map<?, ?>) kwargs);
    call.invocation = Dispatcher.resolve(target, method, (List<?>) args, keywords, broker, call, viewer);
    call.perspective = perspective;
    call.method = method;
    call.arguments = (List<?>) args;
    call.keywords = keywords;
  }

  private Object target(ReceivedMessage message) {
    Object objectId = message.fields[1];
    if (message.kind == MessageKind.CACHEMESSAGE) {
      RemoteCache cache = objectId instanceof Long ? broker.remoteCache((Long) objectId) : null;
      if (cache == null) {
        throw new RemoteException("builtins.KeyError", String.valueOf(objectId), Failures.NO_TRACEBACK,
            List.of("builtins.KeyError", "builtins.LookupError"));
      }
      return cache;
    }
    if (objectId instanceof Bytes) {
      objectId = ((Bytes) objectId).utf8();
    }
    Object target = broker.localObject(objectId);
    if (target == null) {
      throw Failures.PythonError.invalidObjectId();
    }
    return target;
  }

  private static Map<String, Object> keywords(Map<?, ?> kwargs) {
    if (kwargs.isEmpty()) {
      return Map.of();
    }
    Map<String, Object> names = new LinkedHashMap<>();
    for (Map.Entry<?, ?> e : kwargs.entrySet()) {
      Object key = e.getKey();
      if (key instanceof Bytes) {
        key = ((Bytes) key).utf8();
      }
      if (!(key instanceof String)) {
        throw Failures.PythonError.typeError("keywords must be strings, got " + Dispatcher.describe(key));
      }
      names.put((String) key, e.getValue());
    }
    return names;
  }

  private void invoke(Call call) {
    if (!interceptors.isEmpty()) {
      invokeIntercepted(call);
      return;
    }
    Object result;
    try {
      result = call.invocation.invoke();
    } catch (Throwable e) {
      finish(call, null, e);
      return;
    }
    if (result instanceof CompletionStage) {
      CompletionStage<?> stage = (CompletionStage<?>) result;
      try {
        stage.whenComplete((value, error) -> finish(call, value, unwrap(error)));
        watchPending(call, stage);
      } catch (Throwable e) {
        finish(call, null, e);
      }
    } else {
      finish(call, result, null);
    }
  }

  /** Lets a cancel reach the pending {@code stage} a method returned. */
  private void watchPending(Call call, CompletionStage<?> stage) {
    if (call.pending(stage)) {
      Workers.runOn(executor, () -> cancelResult(stage)); // cancelled while the method ran
    }
  }

  private void invokeIntercepted(Call call) {
    CompletionStage<Object> outcome = Interceptors.run(interceptors, new Intercepted(call), () -> {
      Object result;
      try {
        result = call.invocation.invoke();
      } catch (Throwable e) {
        return CompletableFuture.failedFuture(e);
      }
      if (result instanceof CompletionStage) {
        @SuppressWarnings("unchecked")
        CompletionStage<Object> stage = (CompletionStage<Object>) result;
        call.onCancel(() -> cancelResult(stage)); // the method's own stage hears of a cancel too
        return stage;
      }
      return CompletableFuture.completedFuture(result);
    });
    try {
      outcome.whenComplete((value, error) -> finish(call, value, unwrap(error)));
      // the chain's outcome is what a cancel settles: even one an interceptor holds back ends, and the call is done
      watchPending(call, outcome);
    } catch (Throwable e) {
      finish(call, null, e);
    }
  }

  /** A call as an inbound interceptor sees it. */
  private final class Intercepted implements InterceptedCall {
    private final Call call;

    Intercepted(Call call) {
      this.call = call;
    }

    @Override
    public Direction direction() {
      return Direction.INBOUND;
    }

    @Override
    public Broker broker() {
      return broker;
    }

    @Override
    public Optional<Avatar> avatar() {
      return Optional.ofNullable(call.perspective);
    }

    @Override
    public Object target() {
      return call.invocation.target(); // past a portal root or other delegating wrapper
    }

    @Override
    public String method() {
      return call.method;
    }

    @Override
    public List<Object> arguments() {
      return Collections.unmodifiableList(call.arguments);
    }

    @Override
    public Map<String, Object> keywords() {
      return Collections.unmodifiableMap(call.keywords);
    }

    @Override
    public boolean answerRequired() {
      return call.answerRequired;
    }

    @Override
    public Optional<Duration> timeRemaining() {
      return call.timeRemaining();
    }

    @Override
    public String toString() {
      return "inbound " + call;
    }
  }

  private static Throwable unwrap(Throwable error) {
    while (error instanceof java.util.concurrent.CompletionException && error.getCause() != null) {
      error = error.getCause();
    }
    return error;
  }

  private void finish(Call call, Object value, Throwable error) {
    try {
      Dispatcher.Invocation invocation = call.invocation;
      if (!call.finish()) {
        log.debug("{} was cancelled; no answer goes out", call);
        return;
      }
      if (error instanceof VirtualMachineError) {
        log.error("remote method {}.{} failed with {}; the peer receives it as a remote error",
            invocation.target().getClass().getName(), invocation.method().javaName, error.toString(), error);
      } else if (error != null && !(error instanceof PbError) && !(error instanceof Failures.PythonError)
          && !(error instanceof RemoteException)) {
        log.warn("remote method {}.{} failed, the peer receives it as a remote error: {}",
            invocation.target().getClass().getName(), invocation.method().javaName, error.toString());
        log.debug("failure of {}", invocation.method().javaName, error);
      }
      if (!call.answerRequired) {
        return;
      }
      if (error != null) {
        broker.messages().failure(call.requestId, error);
      } else {
        broker.messages().answer(call.requestId, value, call.perspective, invocation.method().javaName);
      }
    } finally {
      done(call);
    }
  }

  private void done(Call call) {
    if (call.answerRequired) {
      answerable.remove(call.requestId, call);
      ScheduledFuture<?> timer = call.timer;
      if (timer != null) {
        timer.cancel(false);
      }
    }
    gate.callsChanged(-1);
  }
}
