package dev.pbj.cli.demo;

import dev.pbj.Avatar;
import dev.pbj.CacheObserver;
import dev.pbj.CacheObservers;
import dev.pbj.CacheUpdate;
import dev.pbj.Cacheable;
import dev.pbj.cluster.redis.RedisCluster;
import dev.pbj.cluster.redis.SharedLog;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The demo contract's {@code pbj.demo.Room}: the server's one shared {@link Cacheable}. Its state is
 * {@code {"topic": text, "members": [names], "messages": [texts]}}; every observing peer's replica
 * ({@link RoomCache} in Java) gets {@code said(text)}, {@code joined(name)} and {@code left(name)}.
 *
 * <p>Thread-safe. Each change and the list of observers it goes to are fixed together under the room's lock, and
 * a new observer's state is taken under the same lock, so an observer sees every change exactly once: in its
 * state or as a notification, never both. Notifications leave in the order the changes were made, but outside the
 * lock: sending one takes the connection's send lock, under which the connection may be asking this room for its
 * state.
 *
 * <p>Each change goes to its observers as one {@link CacheUpdate} through {@link CacheObservers}, so its text is
 * encoded once per serializer for all of them rather than once per observer; each peer receives the same bytes.
 *
 * <p>A room made with a {@link RedisCluster} is one room across every server given the same Redis: {@link #say},
 * {@link #join} and {@link #leave} append the change to the {@link SharedLog} {@value #LOG_NAME}, and each server
 * applies every change of that log, its own included, when it comes back from Redis, so that an observer on any
 * server sees every change once, in the log's order. Without Redis (lost, or not reached yet), a server applies its
 * own changes at once, for its own observers only. The topic is not shared: every server has its own.
 */
public final class Room implements Cacheable {
  /** The type name on the wire. */
  public static final String TYPE = "pbj.demo.Room";
  /** The topic of the room {@code pbj serve} serves. */
  public static final String DEFAULT_TOPIC = "PBJ demo room";
  /** The name of the shared log of a room made with a {@link RedisCluster}. */
  public static final String LOG_NAME = "pbj.demo.Room";

  private final String topic;
  private final List<String> members = new ArrayList<>(); // guarded by this
  private final List<String> messages = new ArrayList<>(); // guarded by this
  private final CacheObservers observers = new CacheObservers();
  private final Queue<Notice> notices = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean notifying = new AtomicBoolean();
  /** Where the changes go first, or null: this server's room alone. */
  private final SharedLog log;

  /** One change to send to the observers there were when it was made. */
  private record Notice(List<CacheObserver> to, CacheUpdate update) {}

  /** This server's room alone. */
  public Room(String topic) {
    this.topic = Objects.requireNonNull(topic, "topic");
    this.log = null;
  }

  /**
   * One room with every server given the same Redis: this room reads the shared log {@value #LOG_NAME} from
   * {@code cluster} (its state so far arrives as the cluster resynchronises) and appends its changes there.
   */
  public Room(String topic, RedisCluster cluster) {
    this.topic = Objects.requireNonNull(topic, "topic");
    // last: the log may deliver the entries so far at once, on the cluster's thread
    this.log = cluster.log(LOG_NAME, this::applyShared);
  }

  @Override
  public String typeToCopy() {
    return TYPE;
  }

  @Override
  public synchronized Object getStateToCacheAndObserveFor(Avatar perspective, CacheObserver observer) {
    observers.add(observer);
    return state();
  }

  @Override
  public void stoppedObserving(Avatar perspective, CacheObserver observer) {
    observers.remove(observer);
  }

  /** Appends {@code text} to the messages; observers get {@code said(text)}. */
  public void say(String text) {
    change(Change.SAID, Objects.requireNonNull(text, "text"));
  }

  /** Adds {@code name} to the members; observers get {@code joined(name)}. */
  public void join(String name) {
    change(Change.JOINED, Objects.requireNonNull(name, "name"));
  }

  /** Removes {@code name} from the members (once, if there); observers get {@code left(name)}. */
  public void leave(String name) {
    change(Change.LEFT, Objects.requireNonNull(name, "name"));
  }

  /** The three changes, each named as the observer's method it calls; shared as {@code "NAME TEXT"}. */
  private enum Change {
    SAID("said"), JOINED("joined"), LEFT("left");

    final String method;

    Change(String method) {
      this.method = method;
    }
  }

  private void change(Change change, String text) {
    if (log == null) {
      apply(change, text);
    } else {
      log.append(change.method + " " + text); // applied here, as everywhere, once Redis has it in order
    }
  }

  private void applyShared(String entry) {
    int space = entry.indexOf(' ');
    String method = space < 0 ? entry : entry.substring(0, space);
    for (Change change : Change.values()) {
      if (space > 0 && change.method.equals(method)) {
        apply(change, entry.substring(space + 1));
        return;
      }
    }
    // another version's change, or not a room's: this room has no use for it
    throw new IllegalArgumentException("not a change of " + TYPE + ": " + method);
  }

  private void apply(Change change, String text) {
    synchronized (this) {
      switch (change) {
        case SAID -> messages.add(text);
        case JOINED -> members.add(text);
        case LEFT -> members.remove(text);
      }
      notices.add(new Notice(observers.snapshot(), new CacheUpdate(change.method, text)));
    }
    sendNotices();
  }

  public String topic() {
    return topic;
  }

  /** The members now, in the order they joined. */
  public synchronized List<String> members() {
    return List.copyOf(members);
  }

  /** The messages now, oldest first. */
  public synchronized List<String> messages() {
    return List.copyOf(messages);
  }

  /** The state a new observer receives: {@code topic}, {@code members}, {@code messages} (fresh, mutable lists). */
  public synchronized Map<String, Object> state() {
    Map<String, Object> state = new LinkedHashMap<>();
    state.put("topic", topic);
    state.put("members", new ArrayList<>(members));
    state.put("messages", new ArrayList<>(messages));
    return state;
  }

  /** How many peers observe the room now. */
  public int observerCount() {
    return observers.size();
  }

  /**
   * Sends the queued notices in order. One thread at a time sends; a thread that finds another sending leaves its
   * notice to it. Observers whose peer is gone are dropped (by {@link CacheObservers}); other failures (the
   * replica's method failed) are the peer's business.
   */
  private void sendNotices() {
    while (!notices.isEmpty() && notifying.compareAndSet(false, true)) {
      try {
        Notice notice;
        while ((notice = notices.poll()) != null) {
          observers.callRemote(notice.to(), notice.update());
        }
      } finally {
        notifying.set(false);
      }
    }
  }

  @Override
  public String toString() {
    return "Room(" + topic + ")";
  }
}
