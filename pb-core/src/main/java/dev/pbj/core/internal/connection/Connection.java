package dev.pbj.core.internal.connection;

import dev.pbj.Broker;
import dev.pbj.ConnectionLostException;
import dev.pbj.ConnectionRefusedException;
import dev.pbj.ProtocolException;
import dev.pbj.core.internal.endpoint.BrokerConfig;
import dev.pbj.core.internal.endpoint.ConnectionAcceptor;
import dev.pbj.core.internal.endpoint.Timers;
import dev.pbj.core.internal.endpoint.Workers;
import dev.pbj.core.internal.wire.DialectHandshake;
import dev.pbj.spi.Link;
import dev.pbj.spi.LinkHandler;
import dev.pbj.spi.MessageDecoder;
import dev.pbj.spi.SerialExecutor;
import dev.pbj.spi.SerializerProvider;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One connection as the transport sees it, and its serial context. Each chunk of bytes is copied and posted to the
 * context, where the dialect is negotiated (or taken from the transport), the chosen serializer decodes, and the
 * {@link BrokerImpl} handles what was decoded. Everything the connection owns lives in that context, so none of it
 * needs a lock.
 *
 * <p>Where the transport offers its I/O thread ({@link Link#ioExecutor()}), that thread is the context's home: a
 * chunk is decoded, handled and answered there as it arrives, with no thread hand-off. No user code runs there
 * (copy factories, state getters, root factories, remote methods other than {@code nonBlocking} ones): a chunk that
 * names a registered type, and a send whose value may call the application's getters, move the context to the
 * connection executor for their turn (see {@link SerialExecutor}); remote methods and future callbacks run on
 * executors as always. Without a home the context runs on the connection executor throughout.
 *
 * <p>Flow control: reading stops while the link's output is above its high water mark, while the bytes handed over
 * and not yet decoded pass it too, or while the peer has {@link dev.pbj.Limits#maxPendingCalls()} calls pending
 * (see {@link ReadGate}). A protocol violation closes this connection only and is logged once.
 */
public final class Connection implements LinkHandler {
  private static final Logger log = LoggerFactory.getLogger(Connection.class);
  /** The suffix of a dialect or serializer name that turns PBJ's extensions on ({@code docs/extensions.md}). */
  static final String EXTENSIONS = "+pbj";

  private final Link link;
  private final boolean server;
  private final BrokerConfig config;
  /** Dialect name → serializer, in this side's preference order; dropped once one is spoken. */
  private Map<String, SerializerProvider> dialects;
  private final CompletableFuture<Broker> ready;
  private final SerialExecutor context;
  /**
   * With the context at home on the I/O thread: finds the chunks that may build a registered type (user code,
   * which runs away from the I/O thread); null without a home.
   */
  private final TypeNameScan userTypes;
  /** Whether the context is at home on the link's I/O thread ({@link Link#ioExecutor()}). */
  private final boolean atHome;
  private final ReadGate gate;
  private final Writability writability;
  /** This connection's name in the logs' MDC. */
  private final LogContext logContext;
  /** The transport's buffer {@link #onBytes} decodes in place (I/O thread), else null. */
  private ByteBuffer inPlace;
  private final Runnable readInPlace = this::readInPlace;
  /** The thread that delivers this link's events: posts from it never run the context in place. */
  private volatile Thread ioThread;
  /** Bytes received so far: any input proves the peer alive. Written by the I/O thread only. */
  private volatile long received;

  // In the context only: whether the message being decoded named a registered type (see Read).
  private boolean userTypeUnderway;
  // In the context only: the keepalive ping waiting for a sign of life.
  private long pings;
  private boolean pingOutstanding;

  // In the context only.
  private DialectHandshake.Reader handshake;
  private BrokerImpl broker;
  private MessageDecoder decoder;
  /** Whether the transport delimits messages itself (one message per frame). */
  private boolean framed;
  /** Why this side is closing the link, reported in place of the link's own cause. */
  private Throwable failure;
  private boolean closed;

  /**
   * @param serializers the serializers this side accepts, preferred first
   * @param ready completes (on the executor) with the broker once the dialect is chosen, or fails if the
   *     connection ends first
   */
  public Connection(Link link, boolean server, List<SerializerProvider> serializers, BrokerConfig config,
      CompletableFuture<Broker> ready) {
    this.link = link;
    this.server = server;
    this.config = config;
    this.ready = ready;
    this.dialects = new LinkedHashMap<>();
    for (SerializerProvider provider : serializers) {
      for (String dialect : provider.dialects()) {
        dialects.putIfAbsent(dialect, provider);
      }
    }
    this.logContext = new LogContext(link.remoteAddress());
    Executor pool = logContext.wrap(config.connections());
    Executor io = link.ioExecutor();
    if (io == null) {
      this.context = new SerialExecutor(pool, this::idle);
      this.userTypes = null;
      this.atHome = false;
    } else {
      // at home on the I/O thread: decoding, the tables and encoding save two thread hand-offs per message
      this.context = new SerialExecutor(logContext.wrap(io), link::inIoThread, pool, this::idle);
      TypeNameScan scan = new TypeNameScan(config.copies().receivedTypeNames());
      this.userTypes = scan.isEmpty() ? null : scan;
      this.atHome = true;
    }
    this.writability = new Writability(config.executor());
    this.gate = new ReadGate(link, config.limits().outboundHighWaterMark(), config.limits().maxPendingCalls());
  }

  /**
   * {@code names} with each one's extended form just before it ({@code msgpack+pbj, msgpack, …}): what this side
   * offers, so that a PBJ peer picks the extensions and any other peer the plain name it knows.
   */
  public static List<String> withExtensions(List<String> names) {
    List<String> offered = new ArrayList<>(names.size() * 2);
    for (String name : names) {
      offered.add(name + EXTENSIONS);
      offered.add(name);
    }
    return offered;
  }

  /** Starts the connection: a server offers its dialects; a framed link starts with its agreed serializer. */
  public void start() {
    ioThread = Thread.currentThread();
    context.execute(this::begin);
  }

  @Override
  public void onBytes(ByteBuffer bytes) {
    ioThread = Thread.currentThread();
    int length = bytes.remaining();
    if (length == 0) {
      return;
    }
    received += length; // only the I/O thread writes it
    if (atHome) {
      // at home with the context idle: decoded now, in the transport's buffer, with no copy and no task
      inPlace = bytes;
      boolean decoded = context.runIfIdle(readInPlace);
      inPlace = null;
      if (decoded) {
        return;
      }
    }
    byte[] copy = new byte[length];
    bytes.get(copy);
    gate.inboxChanged(length);
    if (!atHome) {
      context.execute(() -> read(copy));
    } else if (userTypes == null) {
      context.executeHere(() -> read(copy)); // at home: decoded now, unless the context is busy
    } else {
      context.executeHere(new Read(copy, false)); // the same, unless it builds copies
    }
  }

  /**
   * In the context, at home, inside {@link #onBytes}: decodes {@link #inPlace}, unless it may build a registered
   * type, which is copied and decoded away from the I/O thread instead.
   */
  private void readInPlace() {
    ByteBuffer bytes = inPlace;
    if (userTypes != null && (userTypes.mayMention(bytes) || userTypeUnderway)) {
      byte[] copy = new byte[bytes.remaining()];
      bytes.get(copy);
      gate.inboxChanged(copy.length);
      context.executeAway(new Read(copy, true)); // after only what other threads queued meanwhile
      return;
    }
    try {
      if (failure == null && !closed) {
        decode(bytes);
      }
    } catch (RuntimeException | Error e) {
      fail(e);
    }
  }

  /**
   * A chunk to decode with the context at home: decoded there unless it may build a registered type (the
   * application's factory or constructor runs then), or continues a message that may.
   */
  private final class Read implements SerialExecutor.MayRunUserCode {
    private final byte[] bytes;
    /** 0: not yet asked; 1: stays at home; 2: runs away. */
    private int placed;

    /** @param away whether the chunk was scanned already, and found to run away */
    Read(byte[] bytes, boolean away) {
      this.bytes = bytes;
      this.placed = away ? 2 : 0;
    }

    @Override
    public boolean runsUserCode() {
      if (placed == 0) {
        // asked once per chunk, in order: the scan keeps the end of the previous chunk for names split in two
        placed = userTypes.mayMention(bytes) || userTypeUnderway ? 2 : 1;
      }
      return placed == 2;
    }

    @Override
    public void run() {
      boolean away = runsUserCode();
      read(bytes);
      // the rest of a message that named a registered type may be what builds it: it decodes away too
      userTypeUnderway = away && broker != null && (decoder.inMessage() || broker.inMessage());
    }
  }

  @Override
  public void onWritabilityChanged(boolean writable) {
    gate.set(ReadGate.OUTPUT, !writable);
    context.execute(() -> writability.changed(writable));
  }

  /** Any thread: completes once the output sent so far leaves room for more (see {@link Writability}). */
  CompletableFuture<Void> whenWritable() {
    CompletableFuture<Void> writable = new CompletableFuture<>();
    context.execute(() -> writability.await(writable));
    return writable;
  }

  @Override
  public void onReadIdle() {
    context.execute(this::readIdle);
  }

  @Override
  public void onClosed(Throwable cause) {
    context.execute(() -> closed(cause));
  }

  /** Runs {@code task} in this connection's context: here if the caller may and the context is idle. */
  void post(Runnable task) {
    if (context.inContext() || Thread.currentThread() == ioThread) {
      context.execute(task);
    } else {
      context.executeHere(task);
    }
  }

  /**
   * Runs {@code task}, which may run user code (a value's state getters), in this connection's context, never on
   * the I/O thread: here if the caller may and the context is idle.
   */
  void postUserCode(Runnable task) {
    if (context.inContext() || Thread.currentThread() == ioThread) {
      context.executeAway(task);
    } else {
      context.executeAwayHere(task);
    }
  }

  /** Runs {@code task} in this connection's context, always handed over (never on the calling thread). */
  void postAsync(Runnable task) {
    context.execute(task);
  }

  /** Bytes received so far; any thread. */
  long bytesReceived() {
    return received;
  }

  LogContext logContext() {
    return logContext;
  }

  public ReadGate gate() {
    return gate;
  }

  /** In the context: closes the link because of {@code cause}, which the broker reports as the reason. */
  void fail(Throwable cause) {
    if (failure == null) {
      failure = cause;
      log.warn("closing connection with {}: {}", link.remoteAddress(),
          cause instanceof ProtocolException ? cause.getMessage() : cause.toString());
    }
    link.close(cause);
  }

  // ---- in the context from here on

  /** Closes the link for {@code cause}, which is no fault of the peer's (a shutdown), reporting it as the reason. */
  void closeFor(Throwable cause) {
    if (failure == null) {
      failure = cause;
      log.debug("closing connection with {}: {}", link.remoteAddress(), cause.toString());
    }
    link.close();
  }

  private void begin() {
    String agreed = link.negotiatedSerializer();
    try {
      if (agreed != null) {
        String name = base(agreed);
        SerializerProvider provider = dialects.values().stream().filter(p -> p.name().equals(name)).findFirst()
            .orElseThrow(() -> new ProtocolException("the transport agreed on serializer '" + agreed
                + "', which this side does not accept"));
        framed = true;
        speak(provider, provider.dialects().get(0), !name.equals(agreed));
        return;
      }
      handshake = new DialectHandshake.Reader(!server);
      if (server) {
        link.send(DialectHandshake.offer(withExtensions(new ArrayList<>(dialects.keySet()))));
      }
    } catch (RuntimeException e) {
      fail(e);
    }
  }

  private void read(byte[] bytes) {
    try {
      if (failure == null && !closed) {
        decode(ByteBuffer.wrap(bytes));
      }
    } catch (RuntimeException | Error e) {
      fail(e);
    } finally {
      gate.inboxChanged(-bytes.length);
    }
  }

  private void decode(ByteBuffer bytes) {
    if (broker == null) {
      if (handshake == null) {
        throw new ProtocolException("bytes received before the connection started");
      }
      List<String> names = handshake.feed(bytes);
      if (names == null) {
        return;
      }
      handshake = null;
      if (server) {
        accept(names.get(0));
      } else {
        choose(names);
      }
      if (broker == null) {
        return; // refused by the server
      }
    }
    if (bytes.hasRemaining()) {
      decoder.feed(bytes);
    }
    if (framed && (decoder.inMessage() || broker.inMessage())) {
      // on a framed link one frame is one whole message: a frame that stops inside one is broken, not split
      throw new ProtocolException("a frame ended in the middle of a message (one message per frame)");
    }
  }

  private void accept(String chosen) {
    String dialect = base(chosen);
    SerializerProvider provider = dialects.get(dialect);
    if (provider == null) {
      throw new ProtocolException("the client chose dialect '" + chosen + "', which was not offered "
          + withExtensions(new ArrayList<>(dialects.keySet())));
    }
    speak(provider, dialect, !dialect.equals(chosen));
  }

  private void choose(List<String> offered) {
    if (offered.equals(List.of(ConnectionAcceptor.REFUSED))) {
      ConnectionRefusedException refused = new ConnectionRefusedException("the server at " + link.remoteAddress()
          + " refused the connection: it holds as many as it takes (maxConnections); try again later");
      completeLater(() -> ready.completeExceptionally(refused));
      failure = refused;
      link.close();
      return;
    }
    for (String name : offered) {
      String dialect = base(name);
      SerializerProvider provider = dialects.get(dialect);
      if (provider != null) {
        link.send(DialectHandshake.choice(name));
        speak(provider, dialect, !dialect.equals(name));
        return;
      }
    }
    ProtocolException refused = new ProtocolException("the server offers dialects " + offered
        + "; this client accepts only " + dialects.keySet() + " (PbClient.builder().serializers(...))");
    completeLater(() -> ready.completeExceptionally(refused));
    throw refused;
  }

  /** {@code name} without the extensions suffix. */
  private static String base(String name) {
    return name.endsWith(EXTENSIONS) ? name.substring(0, name.length() - EXTENSIONS.length()) : name;
  }

  private void speak(SerializerProvider provider, String dialect, boolean extensions) {
    dialects = null; // chosen: an idle connection keeps no handshake table
    BrokerImpl made = new BrokerImpl(this, link, provider.name(), dialect,
        provider.newEncoder(dialect, config.limits()), config, extensions);
    decoder = provider.newDecoder(dialect, config.limits(), made.tokenSink());
    broker = made;
    log.debug("{}: speaking {} (dialect {}{})", link.remoteAddress(), provider.name(), dialect,
        extensions ? ", PBJ extensions" : "");
    made.messages().version();
    made.flush(); // the version goes out before anyone is told the broker is ready
    completeLater(() -> ready.complete(made));
  }

  /**
   * The peer has been silent for the keepalive time. A PBJ peer is pinged and has the keepalive timeout to show
   * any sign of life; a Twisted peer cannot be asked (the socket's own keepalive probes are all it gets). Silence
   * while this side stopped reading is this side's doing, and does not count.
   */
  private void readIdle() {
    if (broker == null || closed || failure != null || pingOutstanding || !broker.extensions() || !gate.isOpen()) {
      return;
    }
    long n = ++pings;
    long receivedBefore = received;
    long pausesBefore = gate.pauses();
    pingOutstanding = true;
    broker.messages().ping(n);
    long timeout = config.keepalive().timeout().toNanos();
    Timers.schedule(() -> context.execute(() -> {
      pingOutstanding = false;
      if (received == receivedBefore && gate.pauses() == pausesBefore && gate.isOpen() && !closed) {
        ConnectionLostException silent = new ConnectionLostException("no sign of life from " + link.remoteAddress()
            + " within " + config.keepalive().timeout().toMillis() + " ms of a keepalive ping", null);
        fail(silent);
        broker.connectionLost(silent); // now: the link's close may wait for output a dead peer never takes
      }
    }), timeout);
  }

  /** When the context runs out of work: what it produced goes out together. */
  private void idle() {
    if (broker != null) {
      broker.flush();
    }
  }

  private void closed(Throwable cause) {
    if (closed) {
      return;
    }
    closed = true;
    Throwable reason = failure != null ? failure : cause;
    writability.lost(new ConnectionLostException("connection with " + link.remoteAddress() + " closed"
        + (reason == null ? "" : ": " + reason), reason));
    if (failure == null && cause instanceof ProtocolException) {
      log.warn("closed connection with {}: {}", link.remoteAddress(), cause.getMessage());
    } else if (failure == null && cause != null) {
      log.debug("connection with {} failed", link.remoteAddress(), cause);
    } else if (cause == null && decoder != null && (decoder.inMessage() || broker.inMessage())) {
      log.warn("connection with {} closed in the middle of a message", link.remoteAddress());
    }
    if (broker == null) {
      ConnectionLostException lost = new ConnectionLostException("connection with " + link.remoteAddress()
          + " closed before the dialect was chosen" + (reason == null ? "" : ": " + reason), reason);
      completeLater(() -> ready.completeExceptionally(lost));
    } else {
      broker.connectionLost(reason);
    }
  }

  /** Completes a future on the executor: its callbacks are user code and must not run in the context. */
  private void completeLater(Runnable completion) {
    Workers.runOn(config.executor(), completion);
  }
}
