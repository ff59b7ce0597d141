package dev.pbj.interop;

import dev.pbj.Broker;
import dev.pbj.Bytes;
import dev.pbj.FrozenSet;
import dev.pbj.Remote;
import dev.pbj.RemoteReference;
import dev.pbj.Tuple;
import dev.pbj.cli.demo.DemoRoot;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The demo root plus what interop tests need to observe the server side: the same methods the Twisted script
 * {@code demo_server.py} serves, so one set of checks runs against either. One instance per connection; the
 * connections of one server share a {@link dev.pbj.cli.demo.DemoWorld}.
 */
public class InteropRoot extends DemoRoot {
  private RemoteReference held;

  /** A root for one connection of a server whose connections share {@code world} (one room, one board). */
  public InteropRoot(dev.pbj.cli.demo.DemoWorld world) {
    super(world);
  }

  @Remote("room_observers")
  public int roomObservers() {
    return world().room().observerCount();
  }

  @Remote("is_room")
  public boolean isRoom(Object candidate) {
    return candidate == world().room();
  }
  /** Completed by tests to answer {@link #gate()} calls. */
  static final CompletableFuture<Object> GATE = new CompletableFuture<>();

  @Remote
  public int exported(Broker caller) {
    return caller.stats().localObjects();
  }

  @Remote
  public CompletionStage<Object> never() {
    return new CompletableFuture<>();
  }

  @Remote
  public CompletionStage<Object> gate() {
    return GATE;
  }

  @Remote
  public CompletionStage<Object> disconnect(Broker caller) {
    caller.close();
    return new CompletableFuture<>();
  }

  @Remote
  public boolean identity(Object a, Object b) {
    return a == b;
  }

  @Remote
  public synchronized void hold(RemoteReference reference) {
    if (held != null) {
      held.close();
    }
    held = reference;
  }

  @Remote
  public synchronized RemoteReference held() {
    return held;
  }

  @Remote
  public synchronized void release() {
    if (held != null) {
      held.close();
      held = null;
    }
  }

  @Remote
  public Map<String, Object> types() {
    Map<String, Object> types = new LinkedHashMap<>();
    types.put("none", null);
    types.put("true", true);
    types.put("false", false);
    types.put("int", 42L);
    types.put("neg", -7L);
    types.put("big", BigInteger.TWO.pow(100));
    types.put("bigneg", BigInteger.TWO.pow(70).negate());
    types.put("int31", 1L << 31);
    types.put("negint31", -(1L << 31));
    types.put("float", 2.5);
    types.put("negzero", -0.0);
    types.put("inf", Double.POSITIVE_INFINITY);
    types.put("bytes", Bytes.of(new byte[] {0, (byte) 0xff, 'h', 'i'}));
    types.put("text", "héllo ☃");
    types.put("empty_list", new ArrayList<>());
    types.put("empty_tuple", Tuple.of());
    types.put("empty_dict", new LinkedHashMap<>());
    types.put("list", new ArrayList<>(List.of(1L, new ArrayList<>(List.of(2L, new ArrayList<>(List.of(3L)))))));
    types.put("tuple", Tuple.of(1L, "a", Bytes.ascii("b")));
    Map<Object, Object> dict = new LinkedHashMap<>();
    dict.put(Tuple.of(1L, 2L), "tuple key");
    dict.put(Bytes.ascii("k"), Arrays.asList((Object) null));
    types.put("dict", dict);
    types.put("set", new LinkedHashSet<>(List.of(1L, 2L, 3L)));
    types.put("frozenset", FrozenSet.of(4L, 5L));
    List<Object> item = new ArrayList<>(List.of(1L, 2L));
    types.put("shared", new ArrayList<>(List.of(item, item)));
    List<Object> cycle = new ArrayList<>();
    cycle.add(cycle);
    types.put("cycle", cycle);
    return types;
  }
}
