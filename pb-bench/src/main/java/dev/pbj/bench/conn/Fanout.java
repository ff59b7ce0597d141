package dev.pbj.bench.conn;

import dev.pbj.Broker;
import dev.pbj.Limits;
import dev.pbj.Referenceable;
import dev.pbj.Remote;
import dev.pbj.RemoteCache;
import dev.pbj.RemoteReference;
import dev.pbj.bench.e2e.BenchRoot;
import dev.pbj.core.CopyRegistry;
import dev.pbj.core.PbClient;
import dev.pbj.core.PbServer;
import dev.pbj.core.ProviderRegistry;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One Cacheable update fanned out to N observing connections, the observers in a client JVM of their own (10,000
 * connections each side would pass one process's 20,000 open files): the time from asking the server for the
 * update until the last observer ran it, and the bytes the server encoded for it, with the room calling each
 * observer by itself ({@code each}: every observer's arguments jellied and encoded for it) and with one
 * {@code CacheUpdate} to all ({@code once}: encoded once per serializer), and the same asking no answer
 * ({@code oneWay}: half the messages). The three take turns update by update in one run, so a noisy machine weighs
 * on all alike. Beside the time, the CPU time the server's threads spent per update (which a shared machine
 * disturbs less).
 *
 * <p>{@code java -cp pb-bench/target/benchmarks.jar dev.pbj.bench.conn.Fanout [N] [tcp|ws] [banana|msgpack]
 * [WARMUP] [UPDATES] [TEXT]} (default 10,000 over TCP with banana, 10 warm-up updates and 40 measured of each kind,
 * each saying {@code "hello"}; TEXT, a number, says that many characters instead).
 * The server's bytes are counted by {@link CountingSerializer} around the serializer.
 */
public final class Fanout {
  private Fanout() {}

  /** The server's root: the benchmark's room, and what its encoders have made so far. */
  public static final class Root implements Referenceable {
    private final BenchRoot bench = new BenchRoot();
    private final CountingSerializer counting;

    Root(CountingSerializer counting) {
      this.counting = counting;
    }

    @Remote
    public BenchRoot.Room room() {
      return bench.room();
    }

    @Remote
    public void say(String text) {
      bench.say(text);
    }

    @Remote
    public void sayOnce(String text) {
      bench.sayOnce(text);
    }

    @Remote
    public void sayOneWay(String text) {
      bench.sayOneWay(text);
    }

    @Remote
    public long bytesEncoded() {
      return counting.bytesEncoded();
    }

    /**
     * The CPU time the server's live threads have used so far (to the nanosecond, where the process's own figure
     * counts in 10 ms ticks): steadier than latency on a machine shared with others. Its pools' threads live on.
     */
    @Remote
    public long cpuNanos() {
      ThreadMXBean threads = ManagementFactory.getThreadMXBean();
      long total = 0;
      for (long id : threads.getAllThreadIds()) {
        long nanos = threads.getThreadCpuTime(id);
        if (nanos > 0) {
          total += nanos;
        }
      }
      return total;
    }
  }

  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
    String scheme = args.length > 1 ? args[1] : "tcp";
    String serializer = args.length > 2 ? args[2] : "banana";
    int warmup = args.length > 3 ? Integer.parseInt(args[3]) : 10;
    int updates = args.length > 4 ? Integer.parseInt(args[4]) : 40;
    String text = args.length > 5 ? "x".repeat(Integer.parseInt(args[5])) : "hello";
    CountingSerializer counting = new CountingSerializer(ProviderRegistry.getDefault().serializer(serializer));
    ProviderRegistry registry = ProviderRegistry.builder().loadServices(Fanout.class.getClassLoader())
        .addSerializer(counting).build();
    Limits limits = Limits.builder().maxConnections(n + 100).build();
    try (PbServer server = PbServer.builder().registry(registry).root(new Root(counting)).limits(limits)
        .serializers(serializer)
        .listen(scheme + "://127.0.0.1:0" + (scheme.startsWith("ws") ? "/pb" : "")).build().start()) {
      Process clients = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
          "-Xmx2g", "-cp", System.getProperty("java.class.path"), Observers.class.getName(),
          server.uri(0).toString(), Integer.toString(n), serializer, Integer.toString(warmup),
          Integer.toString(updates), text).redirectError(ProcessBuilder.Redirect.INHERIT).start();
      try (BufferedReader lines = new BufferedReader(new InputStreamReader(clients.getInputStream(),
          StandardCharsets.UTF_8))) {
        String line;
        while ((line = lines.readLine()) != null) {
          System.out.println(scheme + "/" + serializer + ", " + n + " observers, " + text.length() + "-character text: "
              + line);
        }
        if (!clients.waitFor(60, TimeUnit.SECONDS) || clients.exitValue() != 0) {
          throw new IllegalStateException("the observers' process failed");
        }
      } finally {
        clients.destroy();
      }
    }
  }

  /** The observers' process: N connections, each observing the room, and connection 0 asking for the updates. */
  public static final class Observers {
    private static final long ROUND_SECONDS = 120;
    private static volatile Round round;

    private Observers() {}

    /** A connection's replica of the room: counts what it is told. */
    public static final class RoomCache extends RemoteCache {
      @Override
      public void setCopyableState(Object state) {}

      @Remote
      public void said(String text) {
        round.arrived();
      }
    }

    public static void main(String[] args) throws Exception {
      String uri = args[0];
      int n = Integer.parseInt(args[1]);
      String serializer = args[2];
      int warmup = Integer.parseInt(args[3]);
      int updates = Integer.parseInt(args[4]);
      String text = args[5];
      CopyRegistry copies = CopyRegistry.builder().registerCache(BenchRoot.ROOM_TYPE, RoomCache::new).build();
      try (PbClient client = PbClient.builder().serializers(serializer).copies(copies).build()) {
        long started = System.nanoTime();
        List<Broker> brokers = inBatches(n, i -> client.connect(uri));
        List<RoomCache> caches = inBatches(n, i -> brokers.get(i).rootObject().callRemote(RoomCache.class, "room"));
        System.out.printf("%,d connections observing the room after %.1f s%n", caches.size(),
            (System.nanoTime() - started) / 1e9);
        RemoteReference root = brokers.get(0).rootObject();
        // what asking for the count costs by itself (its own answer), taken off each update's count
        long asked = bytesEncoded(root);
        long overhead = bytesEncoded(root) - asked;
        String[] methods = {"say", "sayOnce", "sayOneWay"};
        String[] kinds = {"encoded per observer", "encoded once", "encoded once, no answers"};
        int modes = methods.length;
        long[][] nanos = new long[modes][updates];
        long[][] bytes = new long[modes][updates];
        long[][] cpu = new long[modes][updates];
        for (int r = 0; r < modes * (warmup + updates); r++) {
          int mode = r % modes;
          long before = bytesEncoded(root);
          long cpuBefore = cpuNanos(root);
          Round next = new Round(n);
          round = next;
          long start = System.nanoTime();
          CompletableFuture<Object> said = root.callRemote(methods[mode], text);
          next.done.get(ROUND_SECONDS, TimeUnit.SECONDS);
          long took = System.nanoTime() - start;
          said.get(ROUND_SECONDS, TimeUnit.SECONDS);
          long cpuAfter = cpuNanos(root);
          long after = bytesEncoded(root);
          int measured = r / modes - warmup;
          if (measured >= 0) {
            nanos[mode][measured] = took;
            bytes[mode][measured] = after - before - overhead;
            cpu[mode][measured] = cpuAfter - cpuBefore;
          }
        }
        for (int mode = 0; mode < modes; mode++) {
          long[] sorted = nanos[mode].clone();
          Arrays.sort(sorted);
          long[] b = bytes[mode].clone();
          Arrays.sort(b);
          long[] c = cpu[mode].clone();
          Arrays.sort(c);
          System.out.printf("%-9s (%s) last observer has it after: median %.2f ms, p99 %.2f ms (of %d updates); "
              + "server CPU per update: median %.2f ms; server bytes encoded per update: %,d (%.1f per observer)%n",
              methods[mode], kinds[mode], quantile(sorted, 0.5) / 1e6, quantile(sorted, 0.99) / 1e6, updates,
              quantile(c, 0.5) / 1e6, b[b.length / 2], b[b.length / 2] / (double) n);
        }
        // the caches stay reachable (and observing) until here
        System.out.flush();
        caches.clear();
      }
    }

    private static long bytesEncoded(RemoteReference root) throws Exception {
      return ((Number) root.callRemote("bytesEncoded").get(ROUND_SECONDS, TimeUnit.SECONDS)).longValue();
    }

    private static long cpuNanos(RemoteReference root) throws Exception {
      return ((Number) root.callRemote("cpuNanos").get(ROUND_SECONDS, TimeUnit.SECONDS)).longValue();
    }

    private static long quantile(long[] sorted, double q) {
      return sorted[(int) Math.min(sorted.length - 1, Math.ceil(sorted.length * q) - 1)];
    }

    /** Starts {@code n} steps with at most 256 under way at once; returns their results in order. */
    private static <T> List<T> inBatches(int n, java.util.function.IntFunction<CompletableFuture<T>> step)
        throws Exception {
      List<T> results = new ArrayList<>(n);
      List<CompletableFuture<T>> pending = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        pending.add(step.apply(i));
        if (pending.size() == 256 || i == n - 1) {
          for (CompletableFuture<T> future : pending) {
            results.add(future.get(60, TimeUnit.SECONDS));
          }
          pending.clear();
        }
      }
      return results;
    }

    /** One fan-out: done when every observer was told. */
    private static final class Round {
      final AtomicInteger remaining;
      final CompletableFuture<Void> done = new CompletableFuture<>();

      Round(int observers) {
        remaining = new AtomicInteger(observers);
      }

      void arrived() {
        if (remaining.decrementAndGet() == 0) {
          done.complete(null);
        }
      }
    }
  }
}
