package dev.pbj.core.internal;

import dev.pbj.Avatar;
import dev.pbj.Broker;
import dev.pbj.BrokerStats;
import dev.pbj.ConnectionLostException;
import dev.pbj.DeadReferenceException;
import dev.pbj.Kwargs;
import dev.pbj.ProtocolException;
import dev.pbj.Referenceable;
import dev.pbj.RemoteCache;
import dev.pbj.RemoteReference;
import dev.pbj.core.internal.jelly.CopyResolver;
import dev.pbj.core.internal.jelly.Jellier;
import dev.pbj.core.internal.jelly.Unjellier;
import dev.pbj.spi.Link;
import dev.pbj.spi.MessageEncoder;
import dev.pbj.spi.TokenSink;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One side of one connection: coordinates the tables (exported objects, observed cacheables, imported references
 * and caches, pending calls, login sessions), the message reader and the encoder. It has a link and a codec; it
 * is neither. Incoming messages arrive on the link's I/O thread through {@link #onMessage}; calls to this side's
 * objects are served by {@link InboundCalls}; everything sent goes through {@link #send}, which encodes and writes
 * under one lock so messages leave in the order they were made.
 */
public final class BrokerImpl implements Broker, MessageReader.Handler {
  static final int PROTOCOL_VERSION = 6;
  private static final Logger log = LoggerFactory.getLogger(BrokerImpl.class);

  private final Link link;
  private final String serializer;
  private final String dialect;
  private final BrokerConfig config;
  private final LocalObjectTable locals;
  private final CacheTable caches;
  private final ImportTable imports = new ImportTable(this);
  private final RemoteCacheTable remoteCaches = new RemoteCacheTable(this);
  private final PendingCalls pending = new PendingCalls();
  /** Answers of the current read waiting for {@link #readDone()}; I/O thread only. */
  private final ArrayList<CallFuture<?>> answered = new ArrayList<>();
  private final SerialExecutor serial;
  private final InboundCalls inbound;
  private final Set<Avatar> sessions = Collections.newSetFromMap(new IdentityHashMap<>());
  private final Object sendLock = new Object();
  private final MessageEncoder encoder;
  private final Jellier jellier;
  private final MessageReader reader;
  private final RemoteReferenceImpl root = new RemoteReferenceImpl(this, "root", null);
  private final List<Runnable> disconnectCallbacks = new ArrayList<>();
  private final CompletableFuture<Void> closeFuture = new CompletableFuture<>();
  private final AtomicBoolean lost = new AtomicBoolean();
  /** Messages made while another was being encoded on the same thread (user code called from the jellier). */
  private final ArrayDeque<Deferred> deferred = new ArrayDeque<>();
  private boolean encoding;
  private volatile boolean connected = true;

  public BrokerImpl(Link link, String serializer, String dialect, MessageEncoder encoder, BrokerConfig config) {
    this.link = link;
    this.serializer = serializer;
    this.dialect = dialect;
    this.encoder = encoder;
    this.config = config;
    AtomicLong luids = new AtomicLong();
    this.locals = new LocalObjectTable(config.limits().maxLocalObjects(), luids);
    this.caches = new CacheTable(config.limits().maxLocalObjects(), luids);
    this.serial = new SerialExecutor(config.executor());
    this.inbound = new InboundCalls(this, serial);
    JellyTables tables = new JellyTables(this, locals, caches, imports, remoteCaches, config.copies());
    this.jellier = new Jellier(tables, config.copies(), config.limits().maxDepth());
    this.reader = new MessageReader(new Unjellier(tables, CopyResolver.of(config.copies())), this);
    Object rootObject = config.root() == null ? null : config.root().apply(this);
    if (config.portal() != null) {
      rootObject = new PortalRoot(config.portal(), rootObject, this);
    }
    if (rootObject != null) {
      locals.putNamed("root", rootObject);
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

  // ---- outgoing ----

  CompletableFuture<Object> call(Object objectId, String method, Object[] args, boolean answerRequired) {
    return sendCall("message", objectId, method, args, answerRequired);
  }

  CompletableFuture<Object> callCache(long luid, String method, Object[] args) {
    return sendCall("cachemessage", luid, method, args, true);
  }

  private CompletableFuture<Object> sendCall(String command, Object objectId, String method, Object[] args,
      boolean answerRequired) {
    CallFuture<Object> future = answerRequired ? new CallFuture<>() : null;
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
        out.symbol(command);
        out.integer(requestId);
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
      }, deferredError -> {
        pending.forget(requestId);
        if (future != null) {
          settle(future, null, deferredError);
        }
      });
    } catch (RuntimeException e) {
      pending.forget(requestId);
      return CompletableFuture.failedFuture(e);
    }
    return answerRequired ? future : CompletableFuture.completedFuture(null);
  }

  void sendAnswer(long requestId, Object value, Avatar perspective, String what) {
    if (!connected) {
      return;
    }
    try {
      send(out -> {
        out.beginList(3);
        out.symbol("answer");
        out.integer(requestId);
        jellier.write(out, value, perspective);
        out.endList();
      });
    } catch (RuntimeException e) {
      log.warn("answer of {} could not be sent; the peer receives the error instead: {}", what, e.toString());
      sendFailure(requestId, e);
    }
  }

  void sendFailure(long requestId, Throwable error) {
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

  void sendDecrefs(long luid, int count) {
    sendCounted("decref", luid, count);
  }

  void sendDecaches(long luid, int count) {
    sendCounted("decache", luid, count);
  }

  private void sendCounted(String command, long id, int count) {
    for (int i = 0; i < count && connected; i++) {
      try {
        send(out -> {
          out.beginList(2);
          out.symbol(command);
          out.integer(id);
          out.endList();
        });
      } catch (RuntimeException e) {
        log.debug("{} {} not sent", command, id, e);
        return;
      }
    }
  }

  /**
   * Encodes one message and hands it to the link; a message that fails to encode sends nothing. A message made
   * while another is being encoded on this thread (a cacheable pushing an update from inside its state getter)
   * goes right after it.
   */
  private void send(MessageWriter writer) {
    send(writer, null);
  }

  /**
   * Like {@link #send(MessageWriter)}; a message deferred behind the one being encoded reports its own failure to
   * {@code onDeferredFailure} (a call's future must still settle), or to the log when that is null.
   */
  private void send(MessageWriter writer, java.util.function.Consumer<RuntimeException> onDeferredFailure) {
    synchronized (sendLock) {
      if (encoding) {
        deferred.add(new Deferred(writer, onDeferredFailure));
        return;
      }
      try {
        encodeAndSend(writer);
      } finally {
        Deferred next;
        while ((next = deferred.poll()) != null) {
          try {
            encodeAndSend(next.writer());
          } catch (RuntimeException e) {
            if (next.onFailure() != null) {
              next.onFailure().accept(e);
            } else {
              log.warn("a message made while encoding another could not be sent", e);
            }
          }
        }
      }
    }
  }

  /** A message made while another was being encoded, and who to tell if it cannot be sent. */
  private record Deferred(MessageWriter writer, java.util.function.Consumer<RuntimeException> onFailure) {
  }

  private void encodeAndSend(MessageWriter writer) {
    byte[] bytes;
    encoding = true;
    jellier.startMessage();
    try {
      writer.write(encoder);
      bytes = encoder.takeMessage();
    } catch (RuntimeException e) {
      encoder.reset();
      jellier.rollback();
      throw e;
    } finally {
      encoding = false;
    }
    // Calls already queued behind this message (answers to come) or in flight (a caller pipelining) mean more
    // messages follow: the transport may write them together.
    link.send(bytes, serial.hasQueued() || pending.size() > 1);
  }

  /** Writes one message's tokens. */
  @FunctionalInterface
  private interface MessageWriter {
    void write(TokenSink out);
  }

  // ---- incoming (I/O thread) ----

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
      case CACHEMESSAGE:
        inbound.receive(message);
        break;
      case ANSWER:
      case ERROR:
        receiveAnswer(message);
        break;
      case DECREF:
        requireNoFieldError(message);
        Object released = locals.decref(message.longField(0, "object id"));
        if (released instanceof Avatar) {
          endSession((Avatar) released);
        }
        break;
      case DECACHE:
        requireNoFieldError(message);
        CacheTable.Entry entry = caches.release(message.longField(0, "cache id"));
        if (entry != null) {
          stopObserving(entry);
          sendCounted("uncache", entry.luid, 1);
        }
        break;
      case UNCACHE:
        requireNoFieldError(message);
        remoteCaches.uncache(message.longField(0, "cache id"));
        break;
      case DID_NOT_UNDERSTAND:
        log.warn("peer {} did not understand {}", link.remoteAddress(), message.fields[0]);
        break;
      default:
        throw new AssertionError(message.kind);
    }
  }

  private static void requireNoFieldError(ReceivedMessage message) {
    if (message.fieldError != null) {
      throw message.fieldError;
    }
  }

  private void receiveAnswer(ReceivedMessage message) {
    long requestId = message.longField(0, "request id");
    CallFuture<Object> future = pending.take(requestId);
    if (future == null) {
      throw new ProtocolException(message.kind.word + " for request " + requestId + ", which is not waiting");
    }
    Object payload = message.fields[1];
    if (message.fieldError != null) {
      settleAnswer(future, null, message.fieldError);
    } else if (message.kind == MessageKind.ANSWER) {
      settleAnswer(future, payload, null);
    } else {
      settleAnswer(future, null, Failures.fromPayload(payload));
    }
  }

  /** Gives a call its outcome: to the thread waiting for it, or else completed on the executor. */
  private void settle(CallFuture<Object> future, Object value, Throwable error) {
    if (!future.deliver(value, error)) {
      runLater(future::finish);
    }
  }

  /** On the I/O thread, for an answer: as {@link #settle}, completing the answers of one read together. */
  private void settleAnswer(CallFuture<Object> future, Object value, Throwable error) {
    if (!future.deliver(value, error)) {
      answered.add(future);
    }
  }

  /**
   * On the I/O thread, after each read (also one that failed): the calls it brought start, and the answers it
   * brought that no thread was waiting for are completed by one executor task, in the order they arrived.
   */
  public void readDone() {
    serial.startDeferred();
    int count = answered.size();
    if (count == 1) {
      runLater(answered.get(0)::finish);
    } else if (count > 1) {
      CompletionBatch.start(answered.toArray(new CallFuture<?>[count]), config.executor());
    }
    answered.clear();
  }

  private void runLater(Runnable task) {
    try {
      config.executor().execute(task);
    } catch (RejectedExecutionException e) {
      task.run();
    }
  }

  Object localObject(Object id) {
    return locals.lookup(id);
  }

  RemoteCache remoteCache(long luid) {
    return remoteCaches.lookup(luid);
  }

  // ---- login sessions ----

  /** Tracks the avatar a login produced, so it is logged out when released or when the connection drops. */
  CompletionStage<Avatar> startSession(CompletionStage<Avatar> login) {
    return login.thenApply(avatar -> {
      boolean open;
      synchronized (sessions) {
        open = connected;
        if (open) {
          sessions.add(avatar);
        }
      }
      if (!open) {
        runLater(avatar::logout);
      }
      return avatar;
    });
  }

  private void endSession(Avatar avatar) {
    boolean was;
    synchronized (sessions) {
      was = sessions.remove(avatar);
    }
    if (was) {
      serial.execute(avatar::logout);
    }
  }

  void stopObserving(CacheTable.Entry entry) {
    entry.observer.stop();
    serial.execute(() -> entry.cacheable.stoppedObserving(entry.perspective, entry.observer));
  }

  // ---- connection state ----

  /** The link closed (or failed): every pending call fails, observers stop, sessions end, callbacks run. */
  public void connectionLost(Throwable cause) {
    if (!lost.compareAndSet(false, true)) {
      return;
    }
    List<Avatar> ended;
    synchronized (sessions) {
      connected = false;
      ended = new ArrayList<>(sessions);
      sessions.clear();
    }
    ConnectionLostException error = new ConnectionLostException("connection to " + link.remoteAddress() + " lost"
        + (cause == null ? "" : ": " + cause), cause);
    for (CallFuture<Object> future : pending.closeAll()) {
      settle(future, null, error);
    }
    for (CacheTable.Entry entry : caches.clear()) {
      stopObserving(entry);
    }
    imports.close();
    remoteCaches.close();
    locals.clear();
    for (Avatar avatar : ended) {
      serial.execute(avatar::logout);
    }
    List<Runnable> callbacks;
    synchronized (disconnectCallbacks) {
      callbacks = new ArrayList<>(disconnectCallbacks);
      disconnectCallbacks.clear();
    }
    runLater(() -> {
      for (Runnable callback : callbacks) {
        try {
          callback.run();
        } catch (RuntimeException e) {
          log.warn("disconnect callback failed", e);
        }
      }
      closeFuture.complete(null);
    });
  }

  @Override
  public RemoteReference rootObject() {
    return root;
  }

  @Override
  public CompletableFuture<RemoteReference> login(String username, String password, Referenceable mind) {
    return ClientLogin.login(root, username, password, mind);
  }

  @Override
  public CompletableFuture<RemoteReference> loginAnonymous(Referenceable mind) {
    return ClientLogin.loginAnonymous(root, mind);
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
    runLater(callback);
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
    return new BrokerStats(locals.size(), imports.size(), pending.size(), caches.size(), remoteCaches.size());
  }

  @Override
  public void close() {
    link.close();
  }

  @Override
  public String toString() {
    return "Broker(" + link.remoteAddress() + ", " + serializer + "/" + dialect + ")";
  }
}
