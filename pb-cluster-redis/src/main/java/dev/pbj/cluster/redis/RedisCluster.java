package dev.pbj.cluster.redis;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.JedisPubSub;
import redis.clients.jedis.exceptions.JedisConnectionException;

/**
 * One server's link to the Redis that several servers share, and the {@link SharedLog}s carried over it.
 *
 * <p>It holds two connections: one for commands (the appends and resyncs of its logs, one at a time) and one
 * subscribed to every log's channel, read by the cluster's own thread. When either breaks, or Redis stops answering
 * its heartbeat, the cluster is {@linkplain #connected() disconnected}: it says so once in the log, its logs apply
 * their own server's changes locally, and it reconnects with exponential backoff (with jitter, up to
 * {@link Builder#maxBackoff}); back, it resubscribes and resynchronises every log from Redis before it reports
 * itself connected again.
 *
 * <p>Thread-safe. {@link #close()} ends the connections and the thread; close it after the server whose objects use
 * it, so that their last changes (members leaving) still reach the others.
 */
public final class RedisCluster implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(RedisCluster.class);

  /**
   * What the cluster knows of its link to Redis.
   *
   * @param connected subscribed and every log resynchronised: changes reach the other servers
   * @param outages how many times the link was lost (an unreachable Redis at start counts as one)
   * @param lastFailure why the link was last lost or refused, or null if it never was
   */
  public record Status(boolean connected, long outages, String lastFailure) {}

  private final URI uri;
  private final HostAndPort address;
  private final JedisClientConfig commandConfig;
  private final JedisClientConfig subscriberConfig;
  private final long minBackoffNanos;
  private final long maxBackoffNanos;
  private final long heartbeatNanos;
  /** This server's part of every origin id: unique per cluster instance, never reused. */
  final String node = UUID.randomUUID().toString();
  private final String controlChannel = "pbj:cluster:" + node;
  /** Logs by channel. */
  private final Map<String, SharedLog> logs = new ConcurrentHashMap<>();

  private final Object commandLock = new Object();
  private Jedis commands; // guarded by commandLock; null while disconnected
  private final Object subscriptionLock = new Object();
  private Jedis subscriberConnection; // guarded by subscriptionLock
  private Subscription subscription; // guarded by subscriptionLock

  private final Object connectedSignal = new Object();
  private volatile boolean connected;
  private volatile boolean closed;
  private final CountDownLatch closing = new CountDownLatch(1);
  private final AtomicLong outages = new AtomicLong();
  private final AtomicLong pongs = new AtomicLong(); // the heartbeat's answers, for tests
  private volatile String lastFailure;
  private boolean inOutage; // supervisor thread only: this outage was reported
  private long lostAtNanos; // supervisor thread only
  private final Thread supervisor;
  private final ScheduledExecutorService heartbeat;

  private RedisCluster(Builder builder) {
    this.uri = builder.uri;
    this.address = new HostAndPort(uri.getHost(), uri.getPort() < 0 ? 6379 : uri.getPort());
    int timeoutMillis = Math.toIntExact(builder.commandTimeout.toMillis());
    // RESP2, never negotiated: what every Redis since 2.6 (scripts) speaks, and a subscription on its own connection
    // is all this needs of pub/sub
    this.commandConfig = DefaultJedisClientConfig.builder().connectionTimeoutMillis(timeoutMillis)
        .socketTimeoutMillis(timeoutMillis).autoNegotiateProtocol(false).clientName("pbj-cmd-" + node).build();
    this.subscriberConfig = DefaultJedisClientConfig.builder().connectionTimeoutMillis(timeoutMillis)
        .socketTimeoutMillis(timeoutMillis).autoNegotiateProtocol(false).clientName("pbj-sub-" + node).build();
    this.minBackoffNanos = builder.minBackoff.toNanos();
    this.maxBackoffNanos = builder.maxBackoff.toNanos();
    this.heartbeatNanos = builder.heartbeat.toNanos();
    this.supervisor = new Thread(this::run, "pbj-redis-cluster");
    this.supervisor.setDaemon(true);
    this.heartbeat = Executors.newSingleThreadScheduledExecutor(task -> {
      Thread thread = new Thread(task, "pbj-redis-heartbeat");
      thread.setDaemon(true);
      return thread;
    });
  }

  /** A cluster on {@code redis://HOST:PORT} with the default timeouts; it starts connecting at once. */
  public static RedisCluster connect(URI uri) {
    return builder(uri).build();
  }

  /** Options for a cluster on {@code redis://HOST:PORT} (port 6379 when none is given). */
  public static Builder builder(URI uri) {
    return new Builder(uri);
  }

  /**
   * The log named {@code name} (the same name on every server means the same log), whose entries {@code apply}
   * receives once each, in the log's order: first those already in Redis, then each new one, from any server. It
   * runs on the cluster's thread, or on the thread of a local {@link SharedLog#append}, one entry at a time: keep it
   * short, and do not wait in it for another entry. One log per name per cluster.
   *
   * @throws IllegalStateException if this cluster already has a log of that name, or is closed
   */
  public SharedLog log(String name, Consumer<String> apply) {
    SharedLog sharedLog = new SharedLog(this, name, apply);
    synchronized (subscriptionLock) {
      if (closed) {
        throw new IllegalStateException("the cluster on " + uri + " is closed");
      }
      if (logs.putIfAbsent(sharedLog.channel, sharedLog) != null) {
        throw new IllegalStateException("the cluster on " + uri + " already has a log named " + name);
      }
      // once the control channel is confirmed, the subscription takes new logs here; before, it takes every log
      // in the map when it is
      if (subscription != null && subscription.confirmed) {
        setConnected(false); // until this log too is read: connected means every log is
        subscription.subscribe(sharedLog.channel);
      }
    }
    return sharedLog;
  }

  /** True while subscribed with every log resynchronised: changes made now reach the other servers. */
  public boolean connected() {
    return connected;
  }

  /** The link's state now. */
  public Status status() {
    return new Status(connected, outages.get(), lastFailure);
  }

  /** Waits at most {@code timeout} until {@link #connected()}; returns whether it is. */
  public boolean awaitConnected(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (connectedSignal) {
      while (!connected && !closed) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        TimeUnit.NANOSECONDS.timedWait(connectedSignal, left);
      }
      return connected;
    }
  }

  /** How many heartbeats Redis has answered (tests: a healthy link is never cut). */
  long pongs() {
    return pongs.get();
  }

  /** The Redis this cluster uses. */
  public URI uri() {
    return uri;
  }

  /** Ends both connections and the cluster's threads (waiting up to 5 s for them); logs apply locally after. */
  @Override
  public void close() {
    synchronized (subscriptionLock) {
      if (closed) {
        return;
      }
      closed = true;
      closing.countDown();
      if (subscriberConnection != null) {
        cut(subscriberConnection); // the subscriber thread's read ends at once, whatever Redis is doing
      }
    }
    heartbeat.shutdownNow();
    try {
      supervisor.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    synchronized (commandLock) {
      quietlyClose(commands);
      commands = null;
    }
    setConnected(false);
  }

  @Override
  public String toString() {
    return "RedisCluster(" + uri + (connected ? ", connected)" : ", disconnected)");
  }

  RedisCluster start() {
    supervisor.start();
    heartbeat.scheduleWithFixedDelay(this::beat, heartbeatNanos, heartbeatNanos, TimeUnit.NANOSECONDS);
    return this;
  }

  /** There is no command connection now: the caller's change stays local. */
  static final class NotConnected extends RuntimeException {
    NotConnected() {
      super("not connected to Redis", null, false, false);
    }
  }

  /**
   * Runs a script on the command connection.
   *
   * @throws NotConnected when there is no connection (the script surely did not run)
   * @throws redis.clients.jedis.exceptions.JedisException when it failed (it may have run, if the connection broke)
   */
  Object eval(String script, List<String> keys, List<String> args) {
    synchronized (commandLock) {
      if (commands == null) {
        throw new NotConnected();
      }
      try {
        return commands.eval(script, keys, args);
      } catch (JedisConnectionException e) {
        // the subscription may still look fine: restart the whole session so that a resync follows
        quietlyClose(commands);
        commands = null;
        synchronized (subscriptionLock) {
          if (subscriberConnection != null) {
            cut(subscriberConnection);
          }
        }
        throw e;
      }
    }
  }

  /** The supervisor: one session at a time, each a subscription that lasts until the link breaks. */
  private void run() {
    long backoff = minBackoffNanos;
    while (!closed) {
      Subscription session = new Subscription();
      Jedis command = null;
      Jedis subscriber = null;
      String failure = null;
      try {
        command = new Jedis(address, commandConfig);
        command.ping();
        subscriber = new Jedis(address, subscriberConfig);
        synchronized (commandLock) {
          commands = command;
        }
        synchronized (subscriptionLock) {
          if (closed) {
            break;
          }
          subscriberConnection = subscriber;
          subscription = session;
        }
        // returns when close() disconnects, throws when the link breaks; onSubscribe resyncs the logs
        subscriber.subscribe(session, controlChannel);
      } catch (RuntimeException e) {
        failure = describe(e);
      } finally {
        if (!closed) {
          // first: whoever sees connected() false finds the loss reported and counted
          reportLoss(failure == null ? "the connection ended" : failure);
        }
        setConnected(false);
        synchronized (commandLock) {
          if (commands == command) {
            commands = null;
          }
        }
        synchronized (subscriptionLock) {
          subscription = null;
          subscriberConnection = null;
        }
        quietlyClose(command);
        quietlyClose(subscriber);
        logs.values().forEach(SharedLog::unsynced);
      }
      if (closed) {
        break;
      }
      if (session.confirmed) {
        backoff = minBackoffNanos; // it worked for a while: start again gently
      }
      long delay = backoff / 2 + ThreadLocalRandom.current().nextLong(backoff / 2 + 1);
      backoff = Math.min(maxBackoffNanos, backoff * 2);
      try {
        closing.await(delay, TimeUnit.NANOSECONDS);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  private void reportLoss(String failure) {
    lastFailure = failure;
    if (!inOutage) {
      inOutage = true;
      lostAtNanos = System.nanoTime();
      outages.incrementAndGet();
      log.warn("Redis at {} is unreachable ({}): this server's shared objects serve their own observers only, "
          + "and its changes reach no other server, until it is back; retrying", uri, failure);
    } else {
      log.debug("Redis at {} still unreachable: {}", uri, failure);
    }
  }

  /** Called on the supervisor thread once subscribed and every log resynchronised. */
  private void reportConnected() {
    if (inOutage) {
      inOutage = false;
      log.info("Redis at {} is back after {} ms; every shared log resynchronised", uri,
          TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - lostAtNanos));
    }
    setConnected(true); // last: whoever waits for it finds the line logged
  }

  private void setConnected(boolean value) {
    synchronized (connectedSignal) {
      connected = value;
      connectedSignal.notifyAll();
    }
  }

  /** Pings the subscription; a link silent for three beats is cut, so that the supervisor reconnects. */
  private void beat() {
    // never throws: a scheduled task that throws is never run again, and the next silent Redis would go unnoticed
    try {
      beatOnce();
    } catch (RuntimeException e) {
      log.debug("Redis at {}: heartbeat failed: {}", uri, e.toString());
    }
  }

  private void beatOnce() {
    synchronized (subscriptionLock) {
      Subscription session = subscription;
      if (session == null || !session.confirmed || subscriberConnection == null) {
        return;
      }
      if (System.nanoTime() - session.lastHeard > 3 * heartbeatNanos) {
        log.debug("Redis at {} silent for three heartbeats: reconnecting", uri);
        cut(subscriberConnection);
        return;
      }
      try {
        session.ping();
      } catch (RuntimeException e) {
        log.debug("Redis at {}: the heartbeat's ping failed: {}", uri, e.toString());
        cut(subscriberConnection);
      }
    }
  }

  /** Closes a connection's socket, so that a thread reading it stops at once; never throws. */
  private static void cut(Jedis connection) {
    try {
      connection.disconnect();
    } catch (RuntimeException e) {
      // its flush failed (the link is broken already); the socket is closed all the same
    }
  }

  private void allSyncedCheck() {
    synchronized (subscriptionLock) { // against log() adding one that is not read yet
      for (SharedLog sharedLog : logs.values()) {
        if (!sharedLog.synced()) {
          return;
        }
      }
      reportConnected();
    }
  }

  private static String describe(RuntimeException e) {
    Throwable cause = e;
    while (cause.getCause() != null && cause.getCause() != cause) {
      cause = cause.getCause();
    }
    String message = e.getMessage();
    return cause == e || cause.getMessage() == null ? message : message + ": " + cause.getMessage();
  }

  private static void quietlyClose(Jedis jedis) {
    if (jedis != null) {
      try {
        jedis.close();
      } catch (RuntimeException e) {
        // already broken: nothing to release
      }
    }
  }

  /** One session's subscription; its callbacks run on the supervisor thread. */
  private final class Subscription extends JedisPubSub {
    /** The control channel is subscribed (guarded by subscriptionLock for writes). */
    volatile boolean confirmed;
    volatile long lastHeard = System.nanoTime();

    @Override
    public void onSubscribe(String channel, int subscribedChannels) {
      lastHeard = System.nanoTime();
      if (channel.equals(controlChannel)) {
        synchronized (subscriptionLock) { // against log(): a log is subscribed here or there, never missed
          confirmed = true;
          if (logs.isEmpty()) {
            reportConnected();
          } else {
            subscribe(logs.keySet().toArray(String[]::new));
          }
        }
        return;
      }
      SharedLog sharedLog = logs.get(channel);
      if (sharedLog != null) {
        // subscribed first, read second: an entry published in between comes twice and is applied once
        sharedLog.resync();
        allSyncedCheck();
      }
    }

    @Override
    public void onMessage(String channel, String message) {
      lastHeard = System.nanoTime();
      SharedLog sharedLog = logs.get(channel);
      if (sharedLog != null) {
        sharedLog.receive(message);
      }
    }

    @Override
    public void onPong(String pattern) {
      lastHeard = System.nanoTime();
      pongs.incrementAndGet();
    }
  }

  /** Options of a {@link RedisCluster}; {@link #build()} starts it. Not thread-safe. */
  public static final class Builder {
    private final URI uri;
    private Duration commandTimeout = Duration.ofSeconds(2);
    private Duration minBackoff = Duration.ofMillis(100);
    private Duration maxBackoff = Duration.ofSeconds(5);
    private Duration heartbeat = Duration.ofSeconds(5);

    private Builder(URI uri) {
      Objects.requireNonNull(uri, "uri");
      boolean plain = uri.getPath() == null || uri.getPath().isEmpty() || uri.getPath().equals("/");
      if (!"redis".equals(uri.getScheme()) || uri.getHost() == null || !plain || uri.getQuery() != null
          || uri.getUserInfo() != null) {
        throw new IllegalArgumentException("a Redis address is redis://HOST:PORT: got " + uri);
      }
      this.uri = uri;
    }

    /** How long a connect or a command may take before the link counts as lost (default 2 s). */
    public Builder commandTimeout(Duration timeout) {
      this.commandTimeout = positive(timeout, "commandTimeout");
      return this;
    }

    /** The first wait before reconnecting (default 100 ms); it doubles at each failure, up to {@link #maxBackoff}. */
    public Builder minBackoff(Duration backoff) {
      this.minBackoff = positive(backoff, "minBackoff");
      return this;
    }

    /** The longest wait between two reconnection attempts (default 5 s). */
    public Builder maxBackoff(Duration backoff) {
      this.maxBackoff = positive(backoff, "maxBackoff");
      return this;
    }

    /** How often the subscription is pinged (default 5 s); silent for three, the link is cut and remade. */
    public Builder heartbeat(Duration interval) {
      this.heartbeat = positive(interval, "heartbeat");
      return this;
    }

    /** The cluster, already connecting (on its own thread: this never waits for Redis). */
    public RedisCluster build() {
      if (maxBackoff.compareTo(minBackoff) < 0) {
        throw new IllegalArgumentException("maxBackoff (" + maxBackoff + ") is shorter than minBackoff ("
            + minBackoff + ")");
      }
      return new RedisCluster(this).start();
    }

    private static Duration positive(Duration value, String name) {
      if (value == null || value.isNegative() || value.isZero()) {
        throw new IllegalArgumentException(name + " must be positive: got " + value);
      }
      return value;
    }
  }
}
