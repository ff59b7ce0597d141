package dev.pbj.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.pbj.Avatar;
import dev.pbj.CacheObserver;
import dev.pbj.CacheObservers;
import dev.pbj.CacheUpdate;
import dev.pbj.Cacheable;
import dev.pbj.Copyable;
import dev.pbj.DeadReferenceException;
import dev.pbj.Kwargs;
import dev.pbj.Referenceable;
import dev.pbj.Remote;
import dev.pbj.RemoteCache;
import dev.pbj.Tuple;
import dev.pbj.core.CopyRegistry;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * One update to many observers through {@link CacheObservers}: every observer hears each update once and in order,
 * the bytes on each connection are those of a call of its own, plain arguments are encoded once per serializer,
 * anything a perspective may change is encoded per observer, and a stopped observer is dropped without holding up
 * the rest. Each observer is a connection of its own (a {@link BrokerPair} per observer, on one server root).
 */
@ParameterizedClass(name = "{0}")
@MethodSource("dev.pbj.core.internal.BrokerPair#setups")
class CacheFanoutTest {
  private static final int OBSERVERS = 3;
  private static final String TYPE = "test.FanRoom";

  @Parameter
  BrokerPair.Setup setup;

  /** A cacheable that broadcasts through {@link CacheObservers}, or calls each observer itself. */
  public static final class FanRoom implements Cacheable {
    final CacheObservers observers = new CacheObservers();
    final LinkedBlockingQueue<CacheObserver> stopped = new LinkedBlockingQueue<>();
    /** Whether a stopped observer is left in the set, for the broadcast to find. */
    volatile boolean keepStopped;

    @Override
    public String typeToCopy() {
      return TYPE;
    }

    @Override
    public Object getStateToCacheAndObserveFor(Avatar perspective, CacheObserver observer) {
      observers.add(observer);
      return Map.of();
    }

    @Override
    public void stoppedObserving(Avatar perspective, CacheObserver observer) {
      if (!keepStopped) {
        observers.remove(observer);
      }
      stopped.add(observer);
    }

    List<CompletableFuture<Object>> broadcast(Object... args) {
      return observers.callRemote("got", args);
    }

    /** What a cacheable did before {@link CacheObservers}: a call of its own to each observer. */
    List<CompletableFuture<Object>> callEach(Object... args) {
      List<CompletableFuture<Object>> answers = new ArrayList<>();
      for (CacheObserver observer : observers) {
        answers.add(observer.callRemote("got", args));
      }
      return answers;
    }
  }

  public static final class Root implements Referenceable {
    final FanRoom room = new FanRoom();

    @Remote
    public FanRoom room() {
      return room;
    }
  }

  /** None, which a queue cannot hold. */
  private static final Object NONE = "(None)";

  /** A replica that queues what it got (with the keywords {@code k} and {@code v}, if given). */
  public static final class FanCache extends RemoteCache {
    final LinkedBlockingQueue<Object> got = new LinkedBlockingQueue<>();

    @Override
    public void setCopyableState(Object state) {}

    @Remote
    public String got(Object value) {
      got.add(value == null ? NONE : value);
      return "ok";
    }

    @Remote
    public String got(Object value, Object k, Object v) {
      got.add(List.of(value, Map.of("k", k, "v", v)));
      return "ok";
    }
  }

  /** A copy whose state is asked for each connection's perspective, so it must be written per connection. */
  public static final class Badge implements Copyable {
    final AtomicInteger asked = new AtomicInteger();

    @Override
    public String typeToCopy() {
      return "test.FanBadge";
    }

    @Override
    public Object getStateToCopyFor(Avatar perspective) {
      asked.incrementAndGet();
      return Map.of("holder", perspective == null ? "nobody" : perspective.toString());
    }
  }

  private static final CopyRegistry TYPES = CopyRegistry.builder().registerCache(TYPE, FanCache::new)
      .registerFactory("test.FanBadge", state -> ((Map<?, ?>) state).get("holder")).build();

  /** Observers of one room, each on a connection of its own; closing releases the caches, then the pairs. */
  private final class Observers implements AutoCloseable {
    final Root root = new Root();
    final RecordingSerializer recorder;
    final List<BrokerPair> pairs = new ArrayList<>();
    final List<FanCache> caches = new ArrayList<>();

    Observers(int count) throws Exception {
      // in memory, the pairs' encoders are recorded; a real transport finds its serializer by name
      recorder = setup.inMemory() ? new RecordingSerializer(setup.serializer()) : null;
      BrokerPair.Setup used = recorder == null ? setup : new BrokerPair.Setup(setup.transport(), recorder);
      try {
        for (int i = 0; i < count; i++) {
          BrokerPair pair = BrokerPair.open(used, root, TYPES, null);
          pairs.add(pair);
          caches.add((FanCache) pair.client.rootObject().callRemote("room").get(10, TimeUnit.SECONDS));
        }
      } catch (Exception | Error e) {
        pairs.forEach(this::dropQuietly);
        throw e;
      }
    }

    /** Each cache's next value, in observer order. */
    List<Object> next() throws InterruptedException {
      List<Object> values = new ArrayList<>();
      for (FanCache cache : caches) {
        Object value = cache.got.poll(10, TimeUnit.SECONDS);
        assertThat(value).as("an update reached %s", cache).isNotNull();
        values.add(value);
      }
      return values;
    }

    @Override
    public void close() throws Exception {
      for (FanCache cache : caches) {
        cache.close();
      }
      BrokerPair.eventually(() -> root.room.stopped.size() == caches.size());
      for (BrokerPair pair : pairs) {
        pair.close(); // checks both sides' tables are at rest
      }
    }

    private void dropQuietly(BrokerPair pair) {
      try {
        pair.drop();
      } catch (Exception ignored) {
        // the construction's own failure is the one reported
      }
    }
  }

  private static List<Object> answers(List<CompletableFuture<Object>> futures) throws Exception {
    List<Object> answers = new ArrayList<>();
    for (CompletableFuture<Object> future : futures) {
      answers.add(future.get(10, TimeUnit.SECONDS));
    }
    return answers;
  }

  /** Plain values of every kind Jelly carries, a shared and a cyclic container among them. */
  private static List<Object[]> plainUpdates() {
    List<Object> shared = new ArrayList<>(List.of(1L, "one"));
    List<Object> cyclic = new ArrayList<>();
    cyclic.add(cyclic);
    Map<Object, Object> map = new LinkedHashMap<>();
    map.put("a", 1L);
    map.put(Tuple.of(2L, 3L), List.of(true, false));
    return List.of(
        new Object[] {"hello"},
        new Object[] {42L},
        new Object[] {new BigInteger("123456789012345678901234567890")},
        new Object[] {1.5},
        new Object[] {null},
        new Object[] {"copy"}, // a vocabulary word in banana's pb dialect
        new Object[] {new byte[] {1, 2, 3}},
        new Object[] {List.of(shared, shared)},
        new Object[] {cyclic},
        new Object[] {map},
        new Object[] {"with keywords", Kwargs.of("k", 1L, "v", List.of("x"))});
  }

  @Test
  void everyObserverGetsEachUpdateOnceInOrder() throws Exception {
    try (Observers observers = new Observers(OBSERVERS)) {
      for (int i = 0; i < 20; i++) {
        assertThat(answers(observers.root.room.broadcast("update " + i))).containsOnly("ok").hasSize(OBSERVERS);
      }
      for (int i = 0; i < 20; i++) {
        assertThat(observers.next()).containsOnly("update " + i);
      }
      for (FanCache cache : observers.caches) {
        assertThat(cache.got).isEmpty();
      }
    }
  }

  @Test
  void plainValuesArriveAsSent() throws Exception {
    try (Observers observers = new Observers(OBSERVERS)) {
      for (Object[] update : plainUpdates()) {
        answers(observers.root.room.broadcast(update));
        List<Object> got = observers.next();
        if (update.length == 2) {
          assertThat(got).containsOnly(List.of(update[0], Map.of("k", 1L, "v", List.of("x"))));
        } else if (update[0] instanceof byte[]) {
          got.forEach(value -> assertThat(value).isEqualTo(dev.pbj.Bytes.of(new byte[] {1, 2, 3})));
        } else if (update[0] != null && update[0].getClass() == ArrayList.class
            && ((List<?>) update[0]).get(0) == update[0]) {
          got.forEach(value -> assertThat(((List<?>) value).get(0)).isSameAs(value)); // still a cycle
        } else {
          assertThat(got).containsOnly(update[0] == null ? NONE : update[0]);
        }
      }
    }
  }

  @Test
  void sharedEncodingSendsTheBytesOfCallsOfTheirOwnAndEncodesOnce() throws Exception {
    assumeTrue(setup.inMemory(), "the encoders are recorded in memory; the bytes are the transport's to carry");
    List<List<String>> each;
    try (Observers observers = new Observers(OBSERVERS)) {
      for (Object[] update : plainUpdates()) {
        answers(observers.root.room.callEach(update));
        observers.next();
      }
      assertThat(observers.recorder.runsEncoded).hasValue(0);
      each = observers.recorder.sortedTranscripts();
    }
    try (Observers observers = new Observers(OBSERVERS)) {
      for (Object[] update : plainUpdates()) {
        answers(observers.root.room.broadcast(update));
        observers.next();
      }
      // one encoding per update for all the observers: every pair encodes alike
      assertThat(observers.recorder.runsEncoded).hasValue(plainUpdates().size());
      assertThat(observers.recorder.sortedTranscripts()).isEqualTo(each);
    }
  }

  @Test
  void perspectiveDependentCopyIsEncodedForEachObserver() throws Exception {
    try (Observers observers = new Observers(OBSERVERS)) {
      Badge badge = new Badge();
      answers(observers.root.room.broadcast(badge));
      assertThat(observers.next()).containsOnly("nobody");
      assertThat(badge.asked).hasValue(OBSERVERS); // asked on each connection, for its perspective
      if (observers.recorder != null) {
        assertThat(observers.recorder.runsEncoded).hasValue(0);
      }
      // a plain value beside it does not make it shareable
      answers(observers.root.room.broadcast(List.of("plain", badge)));
      assertThat(observers.next()).containsOnly(List.of("plain", "nobody"));
      assertThat(badge.asked).hasValue(2 * OBSERVERS);
      if (observers.recorder != null) {
        assertThat(observers.recorder.runsEncoded).hasValue(0);
      }
    }
  }

  @Test
  void stoppedObserverIsDroppedAndTheOthersStillHear() throws Exception {
    try (Observers observers = new Observers(OBSERVERS)) {
      FanRoom room = observers.root.room;
      room.keepStopped = true;
      FanCache gone = observers.caches.remove(1);
      gone.close();
      CacheObserver stopped = room.stopped.poll(10, TimeUnit.SECONDS);
      assertThat(stopped).isNotNull();
      assertThat(room.observers.snapshot()).contains(stopped).hasSize(OBSERVERS);
      List<CompletableFuture<Object>> answers = room.broadcast("after");
      Throwable failure = assertThatThrownBy(() -> answers.get(1).get(10, TimeUnit.SECONDS))
          .isInstanceOf(ExecutionException.class).actual().getCause();
      assertThat(failure).isInstanceOf(DeadReferenceException.class);
      assertThat(answers.get(0).get(10, TimeUnit.SECONDS)).isEqualTo("ok");
      assertThat(answers.get(2).get(10, TimeUnit.SECONDS)).isEqualTo("ok");
      assertThat(observers.next()).containsOnly("after");
      BrokerPair.eventually(() -> room.observers.size() == OBSERVERS - 1);
      assertThat(room.observers.snapshot()).doesNotContain(stopped);
      room.keepStopped = false;
      room.stopped.clear();
      // the closing below waits for the two remaining caches to stop
    }
  }

  @Test
  void oneWayUpdateAsksNoAnswer() throws Exception {
    try (Observers observers = new Observers(OBSERVERS)) {
      FanRoom room = observers.root.room;
      // each future completes once its call is sent: no answer is waited for, none is pending
      assertThat(answers(room.observers.send("got", "quiet"))).containsOnlyNulls().hasSize(OBSERVERS);
      assertThat(observers.next()).containsOnly("quiet");
      answers(room.broadcast("answered")); // then an answered one, after it in order
      assertThat(observers.next()).containsOnly("answered");
      for (BrokerPair pair : observers.pairs) {
        assertThat(pair.server.stats().pendingCalls()).isZero();
      }
      if (observers.recorder != null) {
        assertThat(observers.recorder.runsEncoded).hasValue(2);
      }
    }
  }

  @Test
  void updateMadeOnAFixedListOfObservers() throws Exception {
    try (Observers observers = new Observers(OBSERVERS)) {
      FanRoom room = observers.root.room;
      List<CacheObserver> first = room.observers.snapshot().subList(0, 1);
      assertThat(answers(room.observers.callRemote(first, new CacheUpdate("got", "only the first"))))
          .containsExactly("ok");
      assertThat(observers.caches.get(0).got.poll(10, TimeUnit.SECONDS)).isEqualTo("only the first");
      answers(room.broadcast("all"));
      assertThat(observers.next()).containsOnly("all");
      assertThat(Arrays.asList(observers.caches.get(1).got.toArray(), observers.caches.get(2).got.toArray()))
          .allSatisfy(left -> assertThat(left).isEmpty());
    }
  }
}
