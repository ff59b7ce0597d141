package dev.pbj.core.internal.calls;

import dev.pbj.Broker;
import dev.pbj.CallInterceptor;
import dev.pbj.DeadReferenceException;
import dev.pbj.DeadlineExceededException;
import dev.pbj.InterceptedCall;
import dev.pbj.Kwargs;
import dev.pbj.ProtocolException;
import dev.pbj.ShuttingDownException;
import dev.pbj.core.internal.connection.BrokerImpl;
import dev.pbj.core.internal.connection.Outbox;
import dev.pbj.core.internal.endpoint.Timers;
import dev.pbj.core.internal.endpoint.Workers;
import dev.pbj.core.internal.jelly.Jellier;
import dev.pbj.core.internal.jelly.UserCode;
import dev.pbj.core.internal.wire.MessageKind;
import dev.pbj.core.internal.wire.ReceivedMessage;
import dev.pbj.spi.TokenSink;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The calls this side makes to the peer's objects and caches: each is registered, posted to the connection's
 * context to be encoded there (so its arguments' state getters run there, never under a lock, never on an I/O
 * thread), and settled by the peer's answer or error. Futures complete on the executor, so a callback that blocks
 * never holds up the connection; a call given up on is forgotten and its late answer dropped. Outbound
 * {@link CallInterceptor}s run around each call on the calling thread, before it is registered.
 */
public final class OutgoingCalls {
  private static final Logger log = LoggerFactory.getLogger(OutgoingCalls.class);

  private final BrokerImpl broker;
  private final Jellier jellier;
  private final Executor completions;
  private final PendingCalls pending = new PendingCalls(this::givenUp);
  /** Whether the peer speaks PBJ's extensions: it hears of deadlines and of calls given up. */
  private final boolean extensions;
  private final List<CallInterceptor> interceptors;

  public OutgoingCalls(BrokerImpl broker, Jellier jellier, Executor completions, boolean extensions,
      List<CallInterceptor> interceptors) {
    this.broker = broker;
    this.jellier = jellier;
    this.completions = completions;
    this.extensions = extensions;
    this.interceptors = interceptors;
  }

  /**
   * Sends a call as {@link #call(String, Object, String, Object[], boolean, Duration)} does, through the
   * interceptors: {@code target} is the reference or observer it is made through. Cancelling the future returned
   * cancels the call sent, if it was.
   */
  public CompletableFuture<Object> call(Object target, String command, Object objectId, String method, Object[] args,
      boolean answerRequired, Duration deadline) {
    return call(target, command, objectId, method, args, null, answerRequired, deadline);
  }

  /**
   * As above, with {@code encodedArguments}, if not null, the arguments already encoded for this connection's
   * encoder ({@link SharedArguments}): the outbox copies them in place of jellying {@code args}.
   */
  public CompletableFuture<Object> call(Object target, String command, Object objectId, String method, Object[] args,
      byte[] encodedArguments, boolean answerRequired, Duration deadline) {
    if (interceptors.isEmpty()) {
      return call(command, objectId, method, args, encodedArguments, answerRequired, deadline);
    }
    CompletableFuture<Object> outcome = new CompletableFuture<>();
    CompletableFuture<?>[] sent = new CompletableFuture<?>[1];
    Outbound view = new Outbound(target, method, args, answerRequired,
        deadline == null ? 0 : System.nanoTime() + deadline.toNanos(), deadline != null);
    CompletionStage<Object> chain = Interceptors.run(interceptors, view, () -> {
      CompletableFuture<Object> call = call(command, objectId, method, args, encodedArguments, answerRequired,
          deadline);
      synchronized (sent) {
        sent[0] = call;
      }
      return call;
    });
    chain.whenComplete((value, error) -> { // a chain fails with the failure itself, never wrapped
      if (error == null) {
        outcome.complete(value);
      } else {
        outcome.completeExceptionally(error);
      }
    });
    if (deadline != null && answerRequired) {
      watch(outcome, deadline, method); // also when an interceptor holds the call back and never proceeds
    }
    outcome.whenComplete((value, error) -> {
      if (outcome.isCancelled()) {
        synchronized (sent) {
          if (sent[0] != null) {
            sent[0].cancel(false);
          }
        }
      }
    });
    return outcome;
  }

  /** A call as an outbound interceptor sees it. */
  private final class Outbound implements InterceptedCall {
    private final Object target;
    private final String method;
    private final List<Object> arguments;
    private final Map<String, Object> keywords;
    private final boolean answerRequired;
    private final long dueNanos;
    private final boolean hasDeadline;

    Outbound(Object target, String method, Object[] args, boolean answerRequired, long dueNanos,
        boolean hasDeadline) {
      this.target = target;
      this.method = method;
      this.arguments = Collections.unmodifiableList(Arrays.asList(args).subList(0, OutgoingCalls.positional(args)));
      this.keywords = OutgoingCalls.keywords(args);
      this.answerRequired = answerRequired;
      this.dueNanos = dueNanos;
      this.hasDeadline = hasDeadline;
    }

    @Override
    public Direction direction() {
      return Direction.OUTBOUND;
    }

    @Override
    public Broker broker() {
      return broker;
    }

    @Override
    public Optional<dev.pbj.Avatar> avatar() {
      return Optional.empty();
    }

    @Override
    public Object target() {
      return target;
    }

    @Override
    public String method() {
      return method;
    }

    @Override
    public List<Object> arguments() {
      return arguments;
    }

    @Override
    public Map<String, Object> keywords() {
      return keywords;
    }

    @Override
    public boolean answerRequired() {
      return answerRequired;
    }

    @Override
    public Optional<Duration> timeRemaining() {
      return hasDeadline ? Optional.of(Duration.ofNanos(dueNanos - System.nanoTime())) : Optional.empty();
    }

    @Override
    public String toString() {
      return "outbound call of " + method + " on " + target;
    }
  }

  /**
   * Sends {@code command} ({@code message} or {@code cachemessage}) from any thread. With an answer required, the
   * future settles with the answer, or fails with {@link DeadlineExceededException} once {@code deadline} (if not
   * null) has passed; without, it completes once the message is encoded (or fails if it cannot be).
   */
  public CompletableFuture<Object> call(String command, Object objectId, String method, Object[] args,
      boolean answerRequired, Duration deadline) {
    return call(command, objectId, method, args, null, answerRequired, deadline);
  }

  private CompletableFuture<Object> call(String command, Object objectId, String method, Object[] args,
      byte[] encodedArguments, boolean answerRequired, Duration deadline) {
    if (broker.isRefusingCalls()) {
      return CompletableFuture.failedFuture(new ShuttingDownException("the client is shutting down; call of "
          + method + " not sent"));
    }
    CompletableFuture<Object> future = new CompletableFuture<>();
    Long requestId = broker.isConnected() ? pending.register(answerRequired ? future : null) : null;
    if (requestId == null) {
      return CompletableFuture.failedFuture(new DeadReferenceException("Calling Stale Broker: connection to "
          + broker.remoteAddress() + " is closed"));
    }
    long id = requestId;
    long due = 0;
    if (deadline != null && answerRequired) {
      due = System.nanoTime() + deadline.toNanos();
      watch(future, deadline, method);
    }
    Runnable encode = new Sending(command, id, objectId, method, args, encodedArguments, answerRequired, due,
        future);
    if (encodedArguments == null && UserCode.mayRunWriting(args)) {
      broker.postUserCode(encode);
    } else {
      broker.post(encode);
    }
    return future;
  }

  /** Fails {@code future} once {@code deadline} has passed, unless it settles first. */
  private void watch(CompletableFuture<Object> future, Duration deadline, String method) {
    ScheduledFuture<?> timer = Timers.schedule(() -> Workers.runOn(completions, () -> future.completeExceptionally(
        new DeadlineExceededException("call of " + method + " on " + broker.remoteAddress()
            + " not answered within its deadline of " + deadline, deadline))), deadline.toNanos());
    future.whenComplete((value, error) -> timer.cancel(false));
  }

  /** A call's future completed before its answer came (any thread): a PBJ peer is told to stop working on it. */
  private void givenUp(long requestId) {
    if (extensions && broker.isConnected()) {
      broker.post(() -> {
        if (broker.isConnected()) {
          // sent even if the call itself was never written (given up before its turn): the peer ignores it
          broker.outbox().write(out -> {
            out.beginList(2);
            out.symbol("cancel");
            out.integer(requestId);
            out.endList();
          });
        }
      });
    }
  }

  /**
   * One call on its way to the outbox, and its message: the task that encodes it in the context is the writer of
   * its tokens too, so a call costs one object between the caller's thread and the context.
   */
  private final class Sending implements Runnable, Outbox.MessageWriter {
    private final String command;
    private final long id;
    private final Object objectId;
    private final String method;
    private final Object[] args;
    /** The arguments encoded once for many connections, or null: jellied here. */
    private final byte[] encodedArguments;
    private final boolean answerRequired;
    private final long dueNanos;
    private final CompletableFuture<Object> future;

    Sending(String command, long id, Object objectId, String method, Object[] args, byte[] encodedArguments,
        boolean answerRequired, long dueNanos, CompletableFuture<Object> future) {
      this.command = command;
      this.id = id;
      this.objectId = objectId;
      this.method = method;
      this.args = args;
      this.encodedArguments = encodedArguments;
      this.answerRequired = answerRequired;
      this.dueNanos = dueNanos;
      this.future = future;
    }

    /** In the context: encodes the call, unless it was given up or the connection went first. */
    @Override
    public void run() {
      if (future.isDone()) {
        return; // given up before its turn, or failed with the connection
      }
      if (!broker.isConnected()) {
        // the connection went before this call's turn: one waiting for an answer was failed with the others, one
        // that waits for none is settled here
        settle(future, null, new dev.pbj.ConnectionLostException("connection to " + broker.remoteAddress()
            + " lost before the call was sent", null));
        return;
      }
      try {
        if (extensions && dueNanos != 0) {
          long millis = Math.max(0, TimeUnit.NANOSECONDS.toMillis(dueNanos - System.nanoTime()));
          broker.outbox().write(out -> {
            out.beginList(3);
            out.symbol("deadline");
            out.integer(id);
            out.integer(millis);
            out.endList();
          });
        }
        broker.outbox().write(this);
      } catch (Throwable e) {
        pending.forget(id);
        settle(future, null, e);
        return;
      }
      if (!answerRequired) {
        settle(future, null, null);
      }
    }

    @Override
    public void write(TokenSink out) {
      out.beginList(7);
      out.symbol(command);
      out.integer(id);
      if (objectId instanceof Long) {
        out.integer((Long) objectId);
      } else {
        byte[] name = objectId.toString().getBytes(StandardCharsets.UTF_8);
        out.bytes(name, 0, name.length);
      }
      byte[] name = method.getBytes(StandardCharsets.UTF_8);
      out.bytes(name, 0, name.length);
      out.integer(answerRequired ? 1 : 0);
      if (encodedArguments != null) {
        broker.outbox().writeRun(encodedArguments);
      } else {
        jellier.writeTuple(out, args, positional(args), null);
        jellier.writeKeywords(out, keywords(args));
      }
      out.endList();
    }
  }

  /** How many of a call's arguments are positional: all but a trailing {@link Kwargs}. */
  private static int positional(Object[] args) {
    return args.length > 0 && args[args.length - 1] instanceof Kwargs ? args.length - 1 : args.length;
  }

  /** A call's keyword arguments: those of a trailing {@link Kwargs}, else none. */
  private static Map<String, Object> keywords(Object[] args) {
    return positional(args) < args.length ? ((Kwargs) args[args.length - 1]).asMap() : Map.of();
  }

  /** In the context: the peer's {@code answer} or {@code error} for one of these calls. */
  public void answered(ReceivedMessage message) {
    Long requestId = message.boxedLongField(0, "request id");
    CompletableFuture<Object> future = pending.take(requestId);
    if (future == null) {
      if (!pending.wasIssued(requestId)) {
        throw new ProtocolException(message.kind.word + " for request " + requestId + ", which was never sent");
      }
      log.debug("{} for request {} dropped: the caller gave up on it", message.kind.word, requestId);
      return;
    }
    Object payload = message.fields[1];
    if (message.fieldError != null) {
      settle(future, null, message.fieldError);
    } else if (message.kind == MessageKind.ANSWER) {
      settle(future, payload, null);
    } else {
      settle(future, null, Failures.fromPayload(payload));
    }
  }

  /** In the context: the connection is gone; every call still waiting fails with {@code error}. */
  public void failAll(Throwable error) {
    for (CompletableFuture<Object> future : pending.closeAll()) {
      settle(future, null, error);
    }
  }

  public int pendingCount() {
    return pending.size();
  }

  /** Completes {@code future} on the executor: what it runs is the caller's code. */
  private void settle(CompletableFuture<Object> future, Object value, Throwable error) {
    Workers.runOn(completions,
        error == null ? () -> future.complete(value) : () -> future.completeExceptionally(error));
  }
}
