package dev.pbj.core.internal;

import dev.pbj.core.internal.wire.ReceivedMessage;
import dev.pbj.core.internal.wire.MessageKind;

import dev.pbj.core.internal.dispatch.Dispatcher;

import dev.pbj.Avatar;
import dev.pbj.Bytes;
import dev.pbj.InsecureJellyException;
import dev.pbj.PbError;
import dev.pbj.ProtocolException;
import dev.pbj.RemoteCache;
import dev.pbj.RemoteException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import dev.pbj.spi.SerialExecutor;
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
 * belongs to). The peer's calls queued or running count against {@link dev.pbj.Limits#maxPendingCalls()}: at the
 * limit the connection stops reading that peer.
 */
final class InboundCalls {
  private static final Logger log = LoggerFactory.getLogger(InboundCalls.class);

  private final BrokerImpl broker;
  private final SerialExecutor lane;
  private final ReadGate gate;

  InboundCalls(BrokerImpl broker, Executor executor, ReadGate gate) {
    this.broker = broker;
    this.lane = new SerialExecutor(executor);
    this.gate = gate;
  }

  /** In the context, for each call message. */
  void receive(ReceivedMessage message) {
    long requestId = message.longField(0, "request id");
    Object answerField = message.fields[3];
    boolean answerRequired = !(answerField instanceof Long && (Long) answerField == 0)
        && !Boolean.FALSE.equals(answerField);
    Call call;
    try {
      call = resolve(message);
    } catch (ProtocolException e) {
      throw e; // the message itself is malformed: the connection goes
    } catch (RuntimeException e) {
      if (answerRequired) {
        broker.sendFailure(requestId, e);
      } else {
        log.debug("one-way call failed before running", e);
      }
      return;
    }
    call.requestId = requestId;
    call.answerRequired = answerRequired;
    gate.callsChanged(1);
    if (call.invocation.method().nonBlocking) {
      lane.executeHere(call); // the context is no I/O thread: an idle lane runs it right here
    } else {
      lane.execute(call);
    }
  }

  /** The peer's calls queued or running. */
  int pendingCount() {
    return gate.pendingCalls();
  }

  /** A resolved call, the perspective its answer is written for, and where the answer goes; runs it. */
  private final class Call implements Runnable {
    final Dispatcher.Invocation invocation;
    final Avatar perspective;
    long requestId;
    boolean answerRequired;

    Call(Dispatcher.Invocation invocation, Avatar perspective) {
      this.invocation = invocation;
      this.perspective = perspective;
    }

    @Override
    public void run() {
      if (!broker.isConnected()) {
        done(); // nobody is left to answer
        return;
      }
      invoke(this);
    }
  }

  private Call resolve(ReceivedMessage message) {
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
    Dispatcher.Invocation invocation = Dispatcher.resolve(target, method, (List<?>) args,
        keywords((Map<?, ?>) kwargs), broker, viewer);
    return new Call(invocation, perspective);
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
    Object result;
    try {
      result = call.invocation.invoke();
    } catch (Throwable e) {
      finish(call, null, e);
      return;
    }
    if (result instanceof CompletionStage) {
      try {
        ((CompletionStage<?>) result).whenComplete((value, error) -> finish(call, value, unwrap(error)));
      } catch (Throwable e) {
        finish(call, null, e);
      }
    } else {
      finish(call, result, null);
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
        broker.sendFailure(call.requestId, error);
      } else {
        broker.sendAnswer(call.requestId, value, call.perspective, invocation.method().javaName);
      }
    } finally {
      done();
    }
  }

  private void done() {
    gate.callsChanged(-1);
  }
}
