package dev.pbj.cluster.redis;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisException;

/**
 * One shared object's changes, as an append-only log in Redis that every server applies in the same order, each
 * entry once (made by {@link RedisCluster#log}). A change is a text the object's own code gives meaning to.
 *
 * <p>In Redis, the log named {@code N} is the list {@code pbj:{N}:log} (entry {@code i}, counted from 1, is the
 * change with sequence number {@code i}, prefixed by its origin id), the key {@code pbj:{N}:epoch} (a random id
 * written with the first entry: a Redis that lost its data has a new one), and the channel {@code pbj:{N}}, on which
 * each entry is published as {@code EPOCH SEQ ORIGIN CHANGE} by the same script that appends it. The state of the
 * object is the log applied from its start, so the list grows with it.
 *
 * <p>Thread-safe. The consumer runs one entry at a time, in order; see {@link RedisCluster#log}.
 */
public final class SharedLog {
  private static final Logger log = LoggerFactory.getLogger(SharedLog.class);

  /** KEYS: epoch, list; ARGV: a fresh epoch, origin, change, channel. Returns {epoch, seq}. */
  private static final String APPEND = """
      local epoch = redis.call('GET', KEYS[1])
      if not epoch then
        epoch = ARGV[1]
        redis.call('SET', KEYS[1], epoch)
      end
      local seq = redis.call('RPUSH', KEYS[2], ARGV[2] .. ' ' .. ARGV[3])
      redis.call('PUBLISH', ARGV[4], epoch .. ' ' .. seq .. ' ' .. ARGV[2] .. ' ' .. ARGV[3])
      return {epoch, seq}
      """;

  /**
   * KEYS: epoch, list; ARGV: the epoch known here, the last sequence number applied in it. Returns {epoch, first
   * sequence number minus one, entries}: the entries after the known one in the same epoch, all of them in another,
   * and {'', 0, {}} when the log does not exist (yet, or any more).
   */
  private static final String RESYNC = """
      local epoch = redis.call('GET', KEYS[1])
      if not epoch then
        return {'', 0, {}}
      end
      local from = 0
      if epoch == ARGV[1] then
        from = tonumber(ARGV[2])
      end
      return {epoch, from, redis.call('LRANGE', KEYS[2], from, -1)}
      """;

  private final RedisCluster cluster;
  private final String name;
  final String channel;
  private final List<String> keys;
  private final Consumer<String> apply;
  private final AtomicLong origins = new AtomicLong();

  // guarded by this; changed by the cluster's thread only (receive, resync)
  private String epoch = ""; // the epoch of the entries applied, "" before any
  private long applied; // the sequence number of the last entry applied in that epoch
  private final Set<String> leftEpochs = new HashSet<>();
  // guarded by this
  private final Map<String, Pending> pending = new HashMap<>(); // by origin: this server's appends not applied yet
  private final Set<String> appliedUnanswered = new HashSet<>(); // origins applied locally, maybe in the log too

  private final Queue<Entry> toApply = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean applying = new AtomicBoolean();
  private volatile boolean synced;

  /** A change to apply, and the future of the local append it came from (or null). */
  private record Entry(String change, CompletableFuture<Boolean> appended, boolean shared) {}

  /** A local append: its future, and the epoch it was appended in once Redis answered (null before). */
  private static final class Pending {
    final String change;
    final CompletableFuture<Boolean> future = new CompletableFuture<>();
    String epoch;

    Pending(String change) {
      this.change = change;
    }
  }

  SharedLog(RedisCluster cluster, String name, Consumer<String> apply) {
    this.cluster = cluster;
    this.name = Objects.requireNonNull(name, "name");
    this.apply = Objects.requireNonNull(apply, "apply");
    if (name.isEmpty() || name.chars().anyMatch(c -> c == '{' || c == '}' || Character.isWhitespace(c))) {
      throw new IllegalArgumentException("a log name has no braces or white space and is not empty: got '" + name
          + "'");
    }
    this.channel = "pbj:{" + name + "}";
    // one hash tag: both keys in one slot, as a script's keys must be on a Redis Cluster
    this.keys = List.of(channel + ":epoch", channel + ":log");
  }

  /** The name every server gives this log. */
  public String name() {
    return name;
  }

  /**
   * Appends {@code change} to the log; every server's consumer gets it once. Without Redis (or if Redis does not
   * answer), the change is applied here at once, for this server's observers only, and never sent later.
   *
   * @return completes once the change is applied here: {@code true} if it went through Redis (every connected
   *     server applies it, and the others when they reconnect), {@code false} if it was applied here only (it may
   *     still have reached Redis, when the connection broke during the append: then it is not applied here twice)
   */
  public CompletableFuture<Boolean> append(String change) {
    Objects.requireNonNull(change, "change");
    String origin = cluster.node + "." + origins.incrementAndGet();
    Pending mine = new Pending(change);
    synchronized (this) {
      pending.put(origin, mine);
    }
    try {
      Object reply = cluster.eval(APPEND, keys,
          List.of(java.util.UUID.randomUUID().toString(), origin, change, channel));
      String appendedIn = (String) ((List<?>) reply).get(0);
      boolean lost;
      synchronized (this) {
        // applied already (the entry came back first) unless still pending
        lost = pending.containsKey(origin) && leftEpochs.contains(appendedIn);
        if (lost) {
          pending.remove(origin);
        } else if (pending.containsKey(origin)) {
          mine.epoch = appendedIn;
        }
      }
      if (lost) {
        // appended to a Redis that has since lost its data, before this server read it back: only here now
        toApply.add(new Entry(change, mine.future, false));
      }
    } catch (RedisCluster.NotConnected e) {
      applyHereOnly(origin, mine, false);
    } catch (JedisConnectionException e) {
      // no answer: it may be in the log (and even back already); if it turns up there, it is not applied again
      applyHereOnly(origin, mine, true);
    } catch (JedisException e) {
      // Redis refused the script (out of memory, a read-only replica ...): it did not run
      log.warn("Redis at {} refused an append to log {}: {}; applied on this server only", cluster.uri(), name,
          e.getMessage());
      applyHereOnly(origin, mine, false);
    } catch (ClassCastException | IndexOutOfBoundsException e) {
      // the script ran but its answer is not {epoch, seq}: as good as no answer
      log.warn("Redis at {} answered an append to log {} with something else: {}", cluster.uri(), name, e.toString());
      applyHereOnly(origin, mine, true);
    }
    drain();
    return mine.future;
  }

  /** Queues a change that did not (surely, or maybe) reach Redis, unless it came back from Redis already. */
  private void applyHereOnly(String origin, Pending mine, boolean maybeInLog) {
    synchronized (this) {
      if (pending.remove(origin) == null) {
        return; // it did reach Redis, and came back before the failure did: applied once already
      }
      if (maybeInLog) {
        appliedUnanswered.add(origin);
      }
    }
    toApply.add(new Entry(mine.change, mine.future, false));
  }

  /** True once this log was read from Redis since the cluster last (re)connected. */
  public boolean synced() {
    return synced;
  }

  /** The epoch and sequence number of the last entry from Redis applied here, as {@code EPOCH:SEQ}. */
  public synchronized String position() {
    return epoch + ":" + applied;
  }

  @Override
  public String toString() {
    return "SharedLog(" + name + " at " + position() + ")";
  }

  void unsynced() {
    synced = false;
  }

  /** On the cluster's thread, once subscribed: applies what Redis has that this server has not. */
  void resync() {
    String knownEpoch;
    long knownApplied;
    synchronized (this) {
      knownEpoch = epoch;
      knownApplied = applied;
    }
    List<?> reply = (List<?>) cluster.eval(RESYNC, keys, List.of(knownEpoch, Long.toString(knownApplied)));
    String redisEpoch = (String) reply.get(0);
    long from = (Long) reply.get(1);
    List<?> entries = (List<?>) reply.get(2);
    synchronized (this) {
      if (redisEpoch.isEmpty()) {
        // Redis has no such log now: if it had ours, it lost it
        if (!epoch.isEmpty()) {
          leaveEpoch();
        }
      } else {
        for (int i = 0; i < entries.size(); i++) {
          String entry = (String) entries.get(i);
          int space = entry.indexOf(' ');
          if (space < 0) {
            // not written by this module's script: its place counts, its text is nobody's change
            log.warn("log {}: entry {} in Redis is not ORIGIN CHANGE: skipped", name, from + 1 + i);
            offer(redisEpoch, from + 1 + i, "", null);
          } else {
            offer(redisEpoch, from + 1 + i, entry.substring(0, space), entry.substring(space + 1));
          }
        }
      }
    }
    synced = true;
    drain();
  }

  /** On the cluster's thread: one published entry, {@code EPOCH SEQ ORIGIN CHANGE}. */
  void receive(String message) {
    int first = message.indexOf(' ');
    int second = message.indexOf(' ', first + 1);
    int third = message.indexOf(' ', second + 1);
    if (first < 0 || second < 0 || third < 0) {
      log.warn("log {}: a published entry is not EPOCH SEQ ORIGIN CHANGE: dropped ({} chars)", name,
          message.length());
      return;
    }
    long seq;
    try {
      seq = Long.parseLong(message, first + 1, second, 10);
    } catch (NumberFormatException e) {
      log.warn("log {}: a published entry's sequence number is not a number: dropped", name);
      return;
    }
    String in = message.substring(0, first);
    boolean inOrder;
    synchronized (this) {
      // an entry of another epoch is checked against Redis itself: one stray publish must not switch the log
      inOrder = in.equals(epoch) && offer(in, seq, message.substring(second + 1, third), message.substring(third + 1));
    }
    if (inOrder) {
      drain();
    } else {
      // a new epoch (Redis lost its data while this server stayed connected), or a gap (never expected with one
      // subscription in order): the list in Redis has what is missing
      resync();
    }
  }

  /**
   * Queues entry {@code seq} of {@code in} if it is the next one (a null {@code change} only takes its place); false
   * if entries before it are missing.
   */
  private boolean offer(String in, long seq, String origin, String change) {
    assert Thread.holdsLock(this);
    if (!in.equals(epoch)) {
      if (leftEpochs.contains(in)) {
        // left because Redis had lost it, and back: its entries may be applied already or not; none is applied
        // again, as none can be told apart
        log.warn("log {}: epoch {} is back in Redis after it was gone; its entries are skipped", name, in);
        return true;
      }
      if (!epoch.isEmpty()) {
        leaveEpoch();
      }
      epoch = in;
      applied = 0;
    }
    if (seq <= applied) {
      return true; // had it: read from the list and published too
    }
    if (seq > applied + 1) {
      return false;
    }
    applied = seq;
    Pending mine = pending.remove(origin);
    if (appliedUnanswered.remove(origin) || change == null) {
      return true;
    }
    toApply.add(new Entry(change, mine == null ? null : mine.future, true));
    return true;
  }

  /**
   * The epoch of the entries applied is gone from Redis: this server's appends that Redis took in it and that did
   * not come back are applied here only.
   */
  private void leaveEpoch() {
    assert Thread.holdsLock(this);
    leftEpochs.add(epoch);
    List<String> lost = new ArrayList<>();
    pending.entrySet().removeIf(e -> {
      if (epoch.equals(e.getValue().epoch)) {
        toApply.add(new Entry(e.getValue().change, e.getValue().future, false));
        lost.add(e.getKey());
        return true;
      }
      return false;
    });
    if (!lost.isEmpty()) {
      log.warn("log {}: Redis lost {} of this server's changes before they came back; applied here only", name,
          lost.size());
    }
    epoch = "";
    applied = 0;
  }

  /** Applies the queued entries in order, one thread at a time; a thread that finds another at it leaves them. */
  private void drain() {
    while (!toApply.isEmpty() && applying.compareAndSet(false, true)) {
      try {
        Entry entry;
        while ((entry = toApply.poll()) != null) {
          try {
            apply.accept(entry.change());
          } catch (RuntimeException e) {
            log.warn("log {}: applying a change failed; the log goes on", name, e);
          }
          if (entry.appended() != null) {
            entry.appended().complete(entry.shared());
          }
        }
      } finally {
        applying.set(false);
      }
    }
  }
}
