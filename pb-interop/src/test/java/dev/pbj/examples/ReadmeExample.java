package dev.pbj.examples;

import static java.util.concurrent.TimeUnit.SECONDS;

import dev.pbj.Avatar;
import dev.pbj.Broker;
import dev.pbj.CacheObserver;
import dev.pbj.CacheObservers;
import dev.pbj.Cacheable;
import dev.pbj.Copyable;
import dev.pbj.RemoteCache;
import dev.pbj.PbError;
import dev.pbj.Referenceable;
import dev.pbj.Remote;
import dev.pbj.RemoteException;
import dev.pbj.RemoteReference;
import dev.pbj.core.CopyRegistry;
import dev.pbj.core.PbClient;
import dev.pbj.core.PbServer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.ExecutionException;

/** The example shown in the README, kept compiling and running by {@link ReadmeExampleTest}. */
final class ReadmeExample {
  private ReadmeExample() {}

  // README:begin
  /** A server object: its @Remote methods are what peers (Java or Twisted) may call. */
  public static class Greeter implements Referenceable {
    @Remote
    public String greet(String name) {
      return "hello, " + name;
    }

    @Remote
    public void fail(String why) {
      throw new PbError(why); // a Twisted caller sees pb.Error
    }

    @Remote
    public Counter counter() {
      return new Counter(); // sent by reference: the caller gets a RemoteReference
    }
  }

  public static class Counter implements Referenceable {
    private long value;

    @Remote
    public synchronized long increment() {
      return ++value;
    }
  }

  static List<Object> run() throws Exception {
    List<Object> seen = new ArrayList<>();
    try (PbServer server = PbServer.builder().root(new Greeter()).listen("tcp://127.0.0.1:0").build().start();
        PbClient client = PbClient.builder().build()) {
      Broker broker = client.connect(server.uri(0)).get(10, SECONDS);
      RemoteReference root = broker.rootObject();
      seen.add(root.callRemote("greet", "PB").get(10, SECONDS));            // "hello, PB"
      try {
        root.callRemote("fail", "nope").get(10, SECONDS);
      } catch (ExecutionException e) {
        RemoteException error = (RemoteException) e.getCause();           // error.isPbError() is true
        seen.add(error.remoteMessage());                                    // "nope"
      }
      try (RemoteReference counter = root.callRemote(RemoteReference.class, "counter").get(10, SECONDS)) {
        counter.callRemote("increment").get(10, SECONDS);
        seen.add(counter.callRemote("increment").get(10, SECONDS));         // 2L; close() releases it
      }
    }
    return seen;
  }
  // README:end

  // README:flavors-begin
  /** Sent by copy: the peer receives the state and builds its own registered type. */
  public record Point(long x, long y) implements Copyable {
    @Override
    public String typeToCopy() {
      return "pbj.demo.Point"; // the name a Twisted peer registers with setUnjellyableForClass
    }
  }

  /** Sent once to each peer, then kept up to date through one observer per peer. */
  public static class Scoreboard implements Cacheable {
    private final CacheObservers observers = new CacheObservers();
    private final AtomicLong score = new AtomicLong();

    @Override
    public String typeToCopy() {
      return "example.Scoreboard";
    }

    @Override
    public Object getStateToCacheAndObserveFor(Avatar perspective, CacheObserver observer) {
      observers.add(observer);
      return Map.of("score", score.get());
    }

    @Override
    public void stoppedObserving(Avatar perspective, CacheObserver observer) {
      observers.remove(observer);
    }

    void goal() {
      long now = score.incrementAndGet();
      observers.callRemote("scored", now); // runs ScoreboardCache.scored on each peer; encoded once for all
    }
  }

  /** The peer's replica of a Scoreboard; the owner's observer calls its @Remote methods, in order. */
  public static class ScoreboardCache extends RemoteCache {
    final CompletableFuture<Long> firstGoal = new CompletableFuture<>();
    volatile long score;

    @Override
    public void setCopyableState(Object state) {
      score = (Long) ((Map<?, ?>) state).get("score");
    }

    @Remote
    public void scored(long now) {
      score = now;
      firstGoal.complete(now);
    }
  }

  public static class Game implements Referenceable {
    final Scoreboard board = new Scoreboard();

    @Remote
    public Point kickOff() {
      return new Point(0, 0);
    }

    @Remote
    public Scoreboard scoreboard() {
      return board;
    }

    @Remote
    public void goal() {
      board.goal();
    }
  }

  static List<Object> runFlavors() throws Exception {
    // both sides register what they build from the wire; nothing else is ever instantiated
    CopyRegistry types = CopyRegistry.builder().register("pbj.demo.Point", Point.class)
        .registerCache("example.Scoreboard", ScoreboardCache::new).build();
    try (PbServer server = PbServer.builder().root(new Game()).copies(types).listen("tcp://127.0.0.1:0").build()
            .start();
        PbClient client = PbClient.builder().copies(types).build()) {
      RemoteReference game = client.connect(server.uri(0)).get(10, SECONDS).rootObject();
      Point kickOff = game.callRemote(Point.class, "kickOff").get(10, SECONDS);           // a new Point(0, 0)
      try (ScoreboardCache board = game.callRemote(ScoreboardCache.class, "scoreboard").get(10, SECONDS)) {
        game.callRemote("goal").get(10, SECONDS);
        return List.of(kickOff, board.firstGoal.get(10, SECONDS));                         // close() releases it
      }
    }
  }
  // README:flavors-end
}
