package dev.pbj.bench.e2e;

import dev.pbj.Avatar;
import dev.pbj.CacheObserver;
import dev.pbj.CacheObservers;
import dev.pbj.Cacheable;
import dev.pbj.Referenceable;
import dev.pbj.Remote;
import dev.pbj.RemoteReference;
import java.util.List;
import java.util.concurrent.CompletionStage;

/** The server's root in the end-to-end benchmarks: the demo contract's echo, callback, room and say. */
public final class BenchRoot implements Referenceable {
  /** The cacheable's type name on the wire. */
  public static final String ROOM_TYPE = "pbj.bench.Room";

  private final Room room = new Room();

  /** Returns {@code x}; runs on the server's executor (the default). */
  @Remote
  public Object echo(Object x) {
    return x;
  }

  /** Returns {@code x}; declared non-blocking, so it runs on the I/O thread without a hand-off. */
  @Remote(value = "echoDirect", nonBlocking = true)
  public Object echoDirect(Object x) {
    return x;
  }

  /** Calls {@code ref.got(x)} and answers with what that returns, releasing the reference first. */
  @Remote
  public CompletionStage<Object> callback(RemoteReference ref, Object x) {
    return ref.callRemote("got", x).whenComplete((value, error) -> ref.close());
  }

  /** The shared cacheable; each connection that asks observes it. */
  @Remote
  public Room room() {
    return room;
  }

  /** Tells every observer of the room {@code said(text)}, a call of its own to each (encoded once per observer). */
  @Remote
  public void say(String text) {
    room.say(text);
  }

  /** Tells every observer of the room {@code said(text)} as one update (its text encoded once per serializer). */
  @Remote
  public void sayOnce(String text) {
    room.sayOnce(text);
  }

  /** Tells every observer of the room {@code said(text)} as one update that asks no answer (encoded once). */
  @Remote
  public void sayOneWay(String text) {
    room.sayOneWay(text);
  }

  /** A cacheable whose only change is a message said, pushed to every observer. */
  public static final class Room implements Cacheable {
    private final CacheObservers observers = new CacheObservers();

    @Override
    public String typeToCopy() {
      return ROOM_TYPE;
    }

    @Override
    public Object getStateToCacheAndObserveFor(Avatar perspective, CacheObserver observer) {
      observers.add(observer);
      return List.of();
    }

    @Override
    public void stoppedObserving(Avatar perspective, CacheObserver observer) {
      observers.remove(observer);
    }

    /** What a cacheable did before {@link CacheObservers}' updates: each observer called by itself. */
    void say(String text) {
      for (CacheObserver observer : observers) {
        observer.callRemote("said", text);
      }
    }

    void sayOnce(String text) {
      observers.callRemote("said", text);
    }

    void sayOneWay(String text) {
      observers.send("said", text);
    }

    int observerCount() {
      return observers.size();
    }
  }
}
