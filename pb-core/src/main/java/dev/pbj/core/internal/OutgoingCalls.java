package dev.pbj.core.internal;

import dev.pbj.core.internal.wire.ReceivedMessage;
import dev.pbj.core.internal.wire.MessageKind;

import dev.pbj.DeadReferenceException;
import dev.pbj.Kwargs;
import dev.pbj.ProtocolException;
import dev.pbj.core.internal.jelly.Jellier;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The calls this side makes to the peer's objects and caches: each is registered, posted to the connection's
 * context to be encoded there (so its arguments' state getters run there, never under a lock, never on an I/O
 * thread), and settled by the peer's answer or error. Futures complete on the executor, so a callback that blocks
 * never holds up the connection; a call given up on is forgotten and its late answer dropped.
 */
final class OutgoingCalls {
  private static final Logger log = LoggerFactory.getLogger(OutgoingCalls.class);

  private final BrokerImpl broker;
  private final Jellier jellier;
  private final Executor completions;
  private final PendingCalls pending = new PendingCalls();

  OutgoingCalls(BrokerImpl broker, Jellier jellier, Executor completions) {
    this.broker = broker;
    this.jellier = jellier;
    this.completions = completions;
  }

  /**
   * Sends {@code command} ({@code message} or {@code cachemessage}) from any thread. With an answer required, the
   * future settles with the answer; without, it completes once the message is encoded (or fails if it cannot be).
   */
  CompletableFuture<Object> call(String command, Object objectId, String method, Object[] args,
      boolean answerRequired) {
    CompletableFuture<Object> future = new CompletableFuture<>();
    Long requestId = broker.isConnected() ? pending.register(answerRequired ? future : null) : null;
    if (requestId == null) {
      return CompletableFuture.failedFuture(new DeadReferenceException("Calling Stale Broker: connection to "
          + broker.remoteAddress() + " is closed"));
    }
    long id = requestId;
    broker.post(() -> encode(command, id, objectId, method, args, answerRequired, future));
    return future;
  }

  private void encode(String command, long id, Object objectId, String method, Object[] args,
      boolean answerRequired, CompletableFuture<Object> future) {
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
    int positional = args.length;
    Map<String, Object> kwargs = Map.of();
    if (positional > 0 && args[positional - 1] instanceof Kwargs) {
      kwargs = ((Kwargs) args[--positional]).asMap();
    }
    int count = positional;
    Map<String, Object> keywords = kwargs;
    try {
      broker.outbox().write(out -> {
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
        jellier.writeTuple(out, args, count, null);
        jellier.writeKeywords(out, keywords);
        out.endList();
      });
    } catch (Throwable e) {
      pending.forget(id);
      settle(future, null, e);
      return;
    }
    if (!answerRequired) {
      settle(future, null, null);
    }
  }

  /** In the context: the peer's {@code answer} or {@code error} for one of these calls. */
  void answered(ReceivedMessage message) {
    long requestId = message.longField(0, "request id");
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
  void failAll(Throwable error) {
    for (CompletableFuture<Object> future : pending.closeAll()) {
      settle(future, null, error);
    }
  }

  int pendingCount() {
    return pending.size();
  }

  /** Completes {@code future} on the executor: what it runs is the caller's code. */
  private void settle(CompletableFuture<Object> future, Object value, Throwable error) {
    Workers.runOn(completions,
        error == null ? () -> future.complete(value) : () -> future.completeExceptionally(error));
  }
}
