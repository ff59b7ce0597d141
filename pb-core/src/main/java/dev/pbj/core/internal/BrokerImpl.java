package dev.pbj.core.internal;

import dev.pbj.Broker;
import dev.pbj.BrokerStats;
import dev.pbj.Bytes;
import dev.pbj.ConnectionLostException;
import dev.pbj.DeadReferenceException;
import dev.pbj.InsecureJellyException;
import dev.pbj.Kwargs;
import dev.pbj.PbError;
import dev.pbj.ProtocolException;
import dev.pbj.Referenceable;
import dev.pbj.RemoteReference;
import dev.pbj.core.internal.jelly.Exporter;
import dev.pbj.core.internal.jelly.Importer;
import dev.pbj.core.internal.jelly.Jellier;
import dev.pbj.core.internal.jelly.Unjellier;
import dev.pbj.spi.Link;
import dev.pbj.spi.MessageEncoder;
import dev.pbj.spi.TokenSink;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One side of one connection: coordinates the tables (exported objects, imported references, pending calls),
 * the message reader and the encoder. It has a link and a codec; it is neither. Incoming messages arrive on the
 * link's I/O thread through {@link #onMessage}; remote methods run on a per-connection {@link SerialExecutor};
 * everything sent goes through {@link #send}, which encodes and writes under one lock so messages leave in the
 * order they were made.
 */
public final class BrokerImpl implements Broker, MessageReader.Handler {
  static final int PROTOCOL_VERSION = 6;
  private static final Logger log = LoggerFactory.getLogger(BrokerImpl.class);

  private final Link link;
  private final String serializer;
  private final String dialect;
  private final BrokerConfig config;
  private final LocalObjectTable locals;
  private final ImportTable imports = new ImportTable(this);
  private final PendingCalls pending = new PendingCalls();
  private final SerialExecutor incoming;
  private final Object sendLock = new Object();
  private final MessageEncoder encoder;
  private final Jellier jellier;
  private final MessageReader reader;
  private final RemoteReferenceImpl root = new RemoteReferenceImpl(this, "root", null);
  private final List<Runnable> disconnectCallbacks = new ArrayList<>();
  private final CompletableFuture<Void> closeFuture = new CompletableFuture<>();
  private final AtomicBoolean lost = new AtomicBoolean();
  private volatile boolean connected = true;

  public BrokerImpl(Link link, String serializer, String dialect, MessageEncoder encoder, BrokerConfig config) {
    this.link = link;
    this.serializer = serializer;
    this.dialect = dialect;
    this.encoder = encoder;
    this.config = config;
    this.locals = new LocalObjectTable(config.limits().maxLocalObjects());
    this.incoming = new SerialExecutor(config.executor());
    this.jellier = new Jellier(new Exports(), config.limits().maxDepth());
    this.reader = new MessageReader(new Unjellier(new Imports(), config.copies()), this);
    if (config.root() != null) {
      Object rootObject = config.root().apply(this);
      if (rootObject != null) {
        locals.putNamed("root", rootObject);
      }
    }
  }

  /** The sink the decoder of this connection feeds. */
  public TokenSink tokenSink() {
    return reader;
  }

  /** Whether the decoder stopped inside a message. */
  public boolean inMessage() {
    return reader.inMessage();
  }

  /** Sends {@code (version 6)}; each side does so right after the dialect is chosen. */
  public void sendVersion() {
    send(out -> {
      out.beginList(2);
      out.symbol("version");
      out.integer(PROTOCOL_VERSION);
      out.endList();
    });
  }

  // ---- outgoing calls ----

  CompletableFuture<Object> call(Object objectId, String method, Object[] args, boolean answerRequired) {
    CompletableFuture<Object> future = answerRequired ? new CompletableFuture<>() : null;
    Long requestId = connected ? pending.register(future) : null;
    if (requestId == null) {
      return CompletableFuture.failedFuture(new DeadReferenceException("Calling Stale Broker: connection to "
          + link.remoteAddress() + " is closed"));
    }
    int positional = args.length;
    Map<String, Object> kwargs = Map.of();
    if (positional > 0 && args[positional - 1] instanceof Kwargs) {
      kwargs = ((Kwargs) args[--positional]).asMap();
    }
    int count = positional;
    Map<String, Object> keywords = kwargs;
    try {
      send(out -> {
        out.beginList(7);
        out.symbol("message");
        out.integer(requestId);
        writeObjectId(out, objectId);
        byte[] name = method.getBytes(StandardCharsets.UTF_8);
        out.bytes(name, 0, name.length);
        out.integer(answerRequired ? 1 : 0);
        jellier.writeTuple(out, args, count);
        jellier.write(out, keywords);
        out.endList();
      });
    } catch (RuntimeException e) {
      pending.forget(requestId);
      return CompletableFuture.failedFuture(e);
    }
    return answerRequired ? future : CompletableFuture.completedFuture(null);
  }

  private static void writeObjectId(TokenSink out, Object objectId) {
    if (objectId instanceof Long) {
      out.integer((Long) objectId);
    } else {
      byte[] name = objectId.toString().getBytes(StandardCharsets.UTF_8);
      out.bytes(name, 0, name.length);
    }
  }

  void sendDecrefs(long luid, int count) {
    if (!connected) {
      return;
    }
    for (int i = 0; i < count; i++) {
      try {
        send(out -> {
          out.beginList(2);
          out.symbol("decref");
          out.integer(luid);
          out.endList();
        });
      } catch (RuntimeException e) {
        log.debug("decref {} not sent", luid, e);
        return;
      }
    }
  }

  /** Encodes one message and hands it to the link; a message that fails to encode sends nothing. */
  private void send(MessageWriter writer) {
    byte[] bytes;
    synchronized (sendLock) {
      jellier.startMessage();
      try {
        writer.write(encoder);
        bytes = encoder.takeMessage();
      } catch (RuntimeException e) {
        encoder.reset();
        jellier.rollback();
        throw e;
      }
      link.send(bytes);
    }
  }

  /** Writes one message's tokens. */
  @FunctionalInterface
  private interface MessageWriter {
    void write(TokenSink out);
  }

  // ---- incoming messages (I/O thread) ----

  @Override
  public void onMessage(ReceivedMessage message) {
    switch (message.kind) {
      case VERSION:
        long version = message.longField(0, "version");
        if (version != PROTOCOL_VERSION) {
          throw new ProtocolException("Version Incompatibility: " + PROTOCOL_VERSION + " " + version);
        }
        break;
      case MESSAGE:
        receiveCall(message);
        break;
      case ANSWER:
      case ERROR:
        receiveAnswer(message);
        break;
      case DECREF:
        requireNoFieldError(message);
        locals.decref(message.longField(0, "object id"));
        break;
      case DID_NOT_UNDERSTAND:
        log.warn("peer {} did not understand {}", link.remoteAddress(), message.fields[0]);
        break;
      default:
        throw new ProtocolException("'" + message.kind.word + "' messages are not supported by this peer yet");
    }
  }

  private void requireNoFieldError(ReceivedMessage message) {
    if (message.fieldError != null) {
      throw message.fieldError;
    }
  }

  private void receiveAnswer(ReceivedMessage message) {
    long requestId = message.longField(0, "request id");
    CompletableFuture<Object> future = pending.take(requestId);
    if (future == null) {
      throw new ProtocolException(message.kind.word + " for request " + requestId + ", which is not waiting");
    }
    Object payload = message.fields[1];
    if (message.fieldError != null) {
      completeLater(future, null, message.fieldError);
    } else if (message.kind == MessageKind.ANSWER) {
      completeLater(future, payload, null);
    } else {
      completeLater(future, null, Failures.fromPayload(payload));
    }
  }

  private void completeLater(CompletableFuture<Object> future, Object value, Throwable error) {
    Runnable completion = error == null ? () -> future.complete(value) : () -> future.completeExceptionally(error);
    try {
      config.executor().execute(completion);
    } catch (RejectedExecutionException e) {
      completion.run();
    }
  }

  private void receiveCall(ReceivedMessage message) {
    long requestId = message.longField(0, "request id");
    Object answerField = message.fields[3];
    boolean answerRequired = !(answerField instanceof Long && (Long) answerField == 0)
        && !Boolean.FALSE.equals(answerField);
    Dispatcher.Invocation invocation;
    try {
      invocation = resolve(message);
    } catch (RuntimeException e) {
      if (answerRequired) {
        sendFailure(requestId, e);
      } else {
        log.debug("one-way call failed before running", e);
      }
      return;
    }
    Runnable run = () -> invoke(invocation, requestId, answerRequired);
    if (invocation.method().nonBlocking) {
      incoming.executeInlineIfIdle(run);
    } else {
      incoming.execute(run);
    }
  }

  private Dispatcher.Invocation resolve(ReceivedMessage message) {
    if (message.fieldError != null) {
      RuntimeException error = message.fieldError;
      if (error instanceof InsecureJellyException) {
        throw Failures.PythonError.insecure(error.getMessage());
      }
      throw error;
    }
    Object objectId = message.fields[1];
    if (objectId instanceof Bytes) {
      objectId = ((Bytes) objectId).utf8();
    }
    Object target = locals.lookup(objectId);
    if (target == null) {
      throw Failures.PythonError.invalidObjectId();
    }
    Object name = message.fields[2];
    if (!(name instanceof Bytes || name instanceof String)) {
      throw new ProtocolException("method name must be a byte string: got " + name);
    }
    String method = name instanceof Bytes ? ((Bytes) name).utf8() : (String) name;
    Object args = message.fields[4];
    if (!(args instanceof List)) {
      throw Failures.PythonError.typeError("arguments must be a tuple, got " + Dispatcher.describe(args));
    }
    Object kwargs = message.fields[5];
    if (!(kwargs instanceof Map)) {
      throw Failures.PythonError.typeError("keyword arguments must be a dictionary, got "
          + Dispatcher.describe(kwargs));
    }
    return Dispatcher.resolve(target, method, (List<?>) args, keywords((Map<?, ?>) kwargs), this);
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

  private void invoke(Dispatcher.Invocation invocation, long requestId, boolean answerRequired) {
    Object result;
    try {
      result = invocation.invoke();
    } catch (Throwable e) {
      finish(invocation, requestId, answerRequired, null, e);
      return;
    }
    if (result instanceof CompletionStage) {
      ((CompletionStage<?>) result).whenComplete((value, error) ->
          finish(invocation, requestId, answerRequired, value, unwrap(error)));
    } else {
      finish(invocation, requestId, answerRequired, result, null);
    }
  }

  private static Throwable unwrap(Throwable error) {
    while (error instanceof java.util.concurrent.CompletionException && error.getCause() != null) {
      error = error.getCause();
    }
    return error;
  }

  private void finish(Dispatcher.Invocation invocation, long requestId, boolean answerRequired, Object value,
      Throwable error) {
    if (error != null && !(error instanceof PbError) && !(error instanceof Failures.PythonError)
        && !(error instanceof dev.pbj.RemoteException)) {
      log.warn("remote method {}.{} failed, the peer receives it as a remote error: {}",
          invocation.target().getClass().getName(), invocation.method().javaName, error.toString());
      log.debug("failure of {}", invocation.method().javaName, error);
    }
    if (error instanceof Error && !(error instanceof AssertionError)) {
      throw (Error) error;
    }
    if (!answerRequired || !connected) {
      return;
    }
    if (error != null) {
      sendFailure(requestId, error);
      return;
    }
    try {
      send(out -> {
        out.beginList(3);
        out.symbol("answer");
        out.integer(requestId);
        jellier.write(out, value);
        out.endList();
      });
    } catch (RuntimeException e) {
      log.warn("answer of {} could not be sent; the peer receives the error instead", invocation.method().javaName,
          e);
      sendFailure(requestId, e);
    }
  }

  private void sendFailure(long requestId, Throwable error) {
    if (!connected) {
      return;
    }
    try {
      send(out -> {
        out.beginList(3);
        out.symbol("error");
        out.integer(requestId);
        jellier.write(out, Failures.toRecord(error, config.unsafeTracebacks()));
        out.endList();
      });
    } catch (RuntimeException e) {
      log.error("error answer to request {} could not be sent", requestId, e);
    }
  }

  // ---- connection state ----

  /** The link closed (or failed): every pending call fails, callbacks run, tables are dropped. */
  public void connectionLost(Throwable cause) {
    if (!lost.compareAndSet(false, true)) {
      return;
    }
    connected = false;
    ConnectionLostException error = new ConnectionLostException("connection to " + link.remoteAddress() + " lost"
        + (cause == null ? "" : ": " + cause), cause);
    for (CompletableFuture<Object> future : pending.closeAll()) {
      completeLater(future, null, error);
    }
    imports.close();
    locals.clear();
    List<Runnable> callbacks;
    synchronized (disconnectCallbacks) {
      callbacks = new ArrayList<>(disconnectCallbacks);
      disconnectCallbacks.clear();
    }
    Runnable notify = () -> {
      for (Runnable callback : callbacks) {
        try {
          callback.run();
        } catch (RuntimeException e) {
          log.warn("disconnect callback failed", e);
        }
      }
      closeFuture.complete(null);
    };
    try {
      config.executor().execute(notify);
    } catch (RejectedExecutionException e) {
      notify.run();
    }
  }

  @Override
  public RemoteReference rootObject() {
    return root;
  }

  @Override
  public boolean isConnected() {
    return connected;
  }

  @Override
  public String serializer() {
    return serializer;
  }

  @Override
  public String dialect() {
    return dialect;
  }

  @Override
  public SocketAddress remoteAddress() {
    return link.remoteAddress();
  }

  @Override
  public void notifyOnDisconnect(Runnable callback) {
    synchronized (disconnectCallbacks) {
      if (!lost.get()) {
        disconnectCallbacks.add(callback);
        return;
      }
    }
    config.executor().execute(callback);
  }

  @Override
  public void dontNotifyOnDisconnect(Runnable callback) {
    synchronized (disconnectCallbacks) {
      disconnectCallbacks.remove(callback);
    }
  }

  @Override
  public CompletableFuture<Void> closeFuture() {
    return closeFuture;
  }

  @Override
  public BrokerStats stats() {
    return new BrokerStats(locals.size(), imports.size(), pending.size());
  }

  @Override
  public void close() {
    link.close();
  }

  @Override
  public String toString() {
    return "Broker(" + link.remoteAddress() + ", " + serializer + "/" + dialect + ")";
  }

  // ---- the tables as Jelly sees them ----

  private final class Exports implements Exporter {
    @Override
    public long export(Referenceable object) {
      return locals.export(object);
    }

    @Override
    public void unexport(long luid) {
      locals.decref(luid);
    }

    @Override
    public Object localIdOf(RemoteReference reference) {
      if (reference instanceof RemoteReferenceImpl && ((RemoteReferenceImpl) reference).broker == BrokerImpl.this) {
        return ((RemoteReferenceImpl) reference).id;
      }
      throw new IllegalArgumentException("cannot send " + reference + " over " + BrokerImpl.this
          + ": a reference can only go back to the connection it came from");
    }
  }

  private final class Imports implements Importer {
    @Override
    public RemoteReference importRemote(long luid) {
      return imports.importRemote(luid);
    }

    @Override
    public Object resolveLocal(Object id) {
      Object object = locals.lookup(id);
      if (object == null) {
        throw new ProtocolException("(local " + id + ") names no object exported to this peer");
      }
      return object;
    }
  }
}
