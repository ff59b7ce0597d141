package dev.pbj.core.internal.connection;

import dev.pbj.Avatar;
import dev.pbj.Broker;
import dev.pbj.BrokerStats;
import dev.pbj.CacheUpdate;
import dev.pbj.ConnectionLostException;
import dev.pbj.ProtocolException;
import dev.pbj.Referenceable;
import dev.pbj.RemoteCache;
import dev.pbj.RemoteReference;
import dev.pbj.TrafficStats;
import dev.pbj.core.internal.calls.InboundCalls;
import dev.pbj.core.internal.calls.OutgoingCalls;
import dev.pbj.core.internal.calls.SharedArguments;
import dev.pbj.core.internal.endpoint.BrokerConfig;
import dev.pbj.core.internal.endpoint.Workers;
import dev.pbj.core.internal.jelly.BriefValue;
import dev.pbj.core.internal.jelly.CopyResolver;
import dev.pbj.core.internal.jelly.Jellier;
import dev.pbj.core.internal.jelly.Unjellier;
import dev.pbj.core.internal.login.ClientLogin;
import dev.pbj.core.internal.login.Logins;
import dev.pbj.core.internal.login.PortalRoot;
import dev.pbj.core.internal.tables.CacheTable;
import dev.pbj.core.internal.tables.ImportTable;
import dev.pbj.core.internal.tables.JellyTables;
import dev.pbj.core.internal.tables.LocalObjectTable;
import dev.pbj.core.internal.tables.RemoteCacheTable;
import dev.pbj.core.internal.tables.RemoteReferenceImpl;
import dev.pbj.core.internal.wire.MessageReader;
import dev.pbj.core.internal.wire.ReceivedMessage;
import dev.pbj.spi.Link;
import dev.pbj.spi.MessageEncoder;
import dev.pbj.spi.TokenSink;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One side of one connection as the application sees it ({@link Broker}), and the handler of what the peer sends.
 * It coordinates the parts and is none of them: the tables (exported objects, observed cacheables, imported
 * references and caches, logins), the {@link MessageReader}, {@link OutgoingCalls} for calls this side makes,
 * {@link InboundCalls} for the peer's, {@link BrokerMessages} for its own messages, and the {@link Outbox}. Its
 * state belongs to the connection's context ({@link Connection}): messages are handled there, and whatever another
 * thread asks for is posted there.
 */
public final class BrokerImpl implements Broker, MessageReader.Handler {
  static final int PROTOCOL_VERSION = 6;
  private static final Logger log = LoggerFactory.getLogger(BrokerImpl.class);

  private final Connection connection;
  private final Link link;
  private final String serializer;
  private final String dialect;
  private final BrokerConfig config;
  private final LocalObjectTable locals;
  private final CacheTable caches;
  private final ImportTable imports = new ImportTable(this);
  private final RemoteCacheTable remoteCaches = new RemoteCacheTable(this);
  private final Logins logins;
  private final Outbox outbox;
  private final BrokerMessages messages;
  private final OutgoingCalls outgoing;
  private final InboundCalls inbound;
  private final MessageReader reader;
  private final RemoteReferenceImpl root = new RemoteReferenceImpl(this, "root", null);
  private final DisconnectCallbacks disconnectCallbacks;
  /** Whether both sides speak PBJ's extensions (deadlines, cancel, ping: docs/extensions.md). */
  private final boolean extensions;
  private volatile boolean connected = true;
  /** Set by a graceful shutdown: the peer's new calls are refused ({@link dev.pbj.ShuttingDownException}). */
  private volatile boolean draining;
  /** Set by a client's graceful shutdown: this side's new calls fail at once. */
  private volatile boolean refusingCalls;

  BrokerImpl(Connection connection, Link link, String serializer, String dialect, MessageEncoder encoder,
      BrokerConfig config, boolean extensions) {
    this.connection = connection;
    this.link = link;
    this.serializer = serializer;
    this.dialect = dialect;
    this.config = config;
    this.logins = new Logins(config.executor());
    this.disconnectCallbacks = new DisconnectCallbacks(config.executor());
    AtomicLong luids = new AtomicLong();
    this.locals = new LocalObjectTable(config.limits().maxLocalObjects(), luids);
    this.caches = new CacheTable(config.limits().maxLocalObjects(), luids);
    JellyTables tables = new JellyTables(this, locals, caches, imports, remoteCaches, config.copies());
    Jellier jellier = new Jellier(tables, config.copies(), config.limits().maxDepth());
    this.outbox = new Outbox(link, encoder, jellier, config.limits(), connection::postAsync, connection::fail);
    this.messages = new BrokerMessages(outbox, connection, config.unsafeTracebacks(), () -> connected);
    this.extensions = extensions;
    this.outgoing = new OutgoingCalls(this, jellier, config.executor(), extensions,
        config.interceptors().outbound());
    this.inbound = new InboundCalls(this, config.executor(), connection.logContext().wrap(config.executor()),
        connection.gate(), config.interceptors().inbound());
    this.reader = new MessageReader(new Unjellier(tables, CopyResolver.of(config.copies()),
        config.limits().maxListLength()), this, extensions);
    Object rootObject = config.root() == null ? null : config.root().apply(this);
    if (config.portal() != null) {
      rootObject = new PortalRoot(config.portal(), rootObject, this);
    }
    if (rootObject != null) {
      locals.putNamed("root", rootObject);
    }
  }

  /** The sink the decoder of this connection feeds. */
  TokenSink tokenSink() {
    return reader;
  }

  /** Whether the decoder stopped inside a message. */
  boolean inMessage() {
    return reader.inMessage();
  }

  /** Runs {@code task} in the connection's context: on the calling thread if it may and the context is idle. */
  public void post(Runnable task) {
    connection.post(task);
  }

  /** As {@link #post}, for a task that may run user code (a value's getters): never on an I/O thread. */
  public void postUserCode(Runnable task) {
    connection.postUserCode(task);
  }

  /** Runs {@code task} in the connection's context, never on the calling thread (the cleaner's, say). */
  public void postAsync(Runnable task) {
    connection.postAsync(task);
  }

  public Outbox outbox() {
    return outbox;
  }

  public Connection connection() {
    return connection;
  }

  public Link link() {
    return link;
  }

  /** The peer's calls queued or running here. */
  public int inboundPending() {
    return inbound.pendingCount();
  }

  /** The peer's calls cancelled here so far. */
  public long inboundCancelled() {
    return inbound.cancelledCount();
  }

  // ---- graceful shutdown (any thread)

  /**
   * Starts a graceful shutdown of this connection: the peer's new calls are refused, those in flight go on; with
   * {@code refuseOwnCalls}, this side's new calls fail at once too.
   */
  public void drain(boolean refuseOwnCalls) {
    draining = true;
    if (refuseOwnCalls) {
      refusingCalls = true;
    }
  }

  public boolean isDraining() {
    return draining;
  }

  public boolean isRefusingCalls() {
    return refusingCalls;
  }

  /** Whether nothing is in flight: no call either way waits, and the output has been taken by the peer. */
  public boolean isQuiet() {
    return inbound.pendingCount() == 0 && outgoing.pendingCount() == 0 && link.unwrittenBytes() == 0;
  }

  /** Closes the connection because of {@code cause} (a shutdown), which calls still pending fail with. */
  public void close(Throwable cause) {
    connection.postAsync(() -> connection.closeFor(cause));
  }

  /** In the context, when it runs out of work. */
  void flush() {
    outbox.flush();
  }

  // ---- outgoing (any thread; encoded in the context)

  /**
   * @param target the reference the call is made through, for interceptors
   * @param deadline null: the configured default
   */
  public CompletableFuture<Object> call(Object target, Object objectId, String method, Object[] args,
      boolean answerRequired, Duration deadline) {
    return outgoing.call(target, "message", objectId, method, args, answerRequired,
        deadline != null ? deadline : config.defaultDeadline());
  }

  /** @param observer the observer whose cache is called, for interceptors */
  public CompletableFuture<Object> callCache(Object observer, long luid, String method, Object[] args) {
    return outgoing.call(observer, "cachemessage", luid, method, args, true, config.defaultDeadline());
  }

  /**
   * {@code update} on the peer's cache {@code luid}, one of many observers': its arguments are encoded once for all
   * connections encoding alike, when they are plain ({@link SharedArguments}), here on the calling thread.
   */
  public CompletableFuture<Object> callCache(Object observer, long luid, CacheUpdate update) {
    byte[] encoded = SharedArguments.runFor(update, outbox.encoder(), config.copies(), config.limits().maxDepth());
    return outgoing.call(observer, "cachemessage", luid, update.method(), update.arguments(), encoded,
        update.answerRequired(), config.defaultDeadline());
  }

  boolean extensions() {
    return extensions;
  }

  /** The broker's own messages: version, answers, errors, pings, releases. */
  public BrokerMessages messages() {
    return messages;
  }

  // ---- incoming (in the context)

  @Override
  public void onMessage(ReceivedMessage message) {
    switch (message.kind) {
      case VERSION -> {
        long version = message.longField(0, "version");
        if (version != PROTOCOL_VERSION) {
          throw new ProtocolException("Version Incompatibility: " + PROTOCOL_VERSION + " " + version);
        }
      }
      case MESSAGE, CACHEMESSAGE -> inbound.receive(message);
      case ANSWER, ERROR -> outgoing.answered(message);
      case DECREF -> {
        requireNoFieldError(message);
        logins.released(locals.decref(message.longField(0, "object id")));
      }
      case DECACHE -> {
        requireNoFieldError(message);
        CacheTable.Entry entry = caches.release(message.longField(0, "cache id"));
        if (entry != null) {
          stopObserving(entry);
          messages.uncache(entry.luid);
        }
      }
      case UNCACHE -> {
        requireNoFieldError(message);
        remoteCaches.uncache(message.longField(0, "cache id"));
      }
      case DID_NOT_UNDERSTAND -> log.warn("peer {} did not understand {}", link.remoteAddress(),
          BriefValue.of(message.fields[0]));
      case DEADLINE -> inbound.deadline(message.longField(0, "request id"), message.longField(1, "deadline"));
      case CANCEL -> inbound.cancel(message.longField(0, "request id"));
      case PING -> messages.pong(message.longField(0, "ping"));
      case PONG -> message.longField(0, "pong"); // proof of life, like any input
      default -> throw new AssertionError(message.kind);
    }
  }

  private static void requireNoFieldError(ReceivedMessage message) {
    if (message.fieldError != null) {
      throw message.fieldError;
    }
  }

  public Object localObject(Object id) {
    return locals.lookup(id);
  }

  public RemoteCache remoteCache(long luid) {
    return remoteCaches.lookup(luid);
  }

  /** Tracks the avatar a login produced, so it is logged out when released or when the connection drops. */
  public CompletionStage<Avatar> trackLogin(CompletionStage<Avatar> login) {
    return logins.track(login);
  }

  public void stopObserving(CacheTable.Entry entry) {
    entry.observer.stop();
    // user code: on the executor, never in the context
    Workers.runOn(config.executor(), () -> entry.cacheable.stoppedObserving(entry.perspective, entry.observer));
  }

  // ---- connection state

  /** In the context: the link closed (or failed); pending calls fail, observers stop, logins end, callbacks run. */
  void connectionLost(Throwable cause) {
    if (!connected) {
      return;
    }
    connected = false;
    inbound.cancelAll();
    logins.endAll();
    outgoing.failAll(new ConnectionLostException("connection to " + link.remoteAddress() + " lost"
        + (cause == null ? "" : ": " + cause), cause));
    for (CacheTable.Entry entry : caches.clear()) {
      stopObserving(entry);
    }
    imports.close();
    remoteCaches.close();
    locals.clear();
    disconnectCallbacks.end();
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
  public TrafficStats traffic() {
    return new TrafficStats(connection.bytesReceived(), outbox.bytesSent(), connection.gate().pauses());
  }

  @Override
  public Optional<Object> peerIdentity() {
    return Optional.ofNullable(link.peerIdentity());
  }

  @Override
  public void notifyOnDisconnect(Runnable callback) {
    disconnectCallbacks.add(callback);
  }

  @Override
  public void dontNotifyOnDisconnect(Runnable callback) {
    disconnectCallbacks.remove(callback);
  }

  @Override
  public CompletableFuture<Void> closeFuture() {
    return disconnectCallbacks.closed();
  }

  @Override
  public CompletableFuture<Void> whenWritable() {
    return connection.whenWritable();
  }

  @Override
  public BrokerStats stats() {
    return new BrokerStats(locals.size(), imports.size(), outgoing.pendingCount(), caches.size(),
        remoteCaches.size());
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
