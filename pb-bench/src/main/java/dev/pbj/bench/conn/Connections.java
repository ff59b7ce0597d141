package dev.pbj.bench.conn;

import dev.pbj.Broker;
import dev.pbj.Limits;
import dev.pbj.core.PbClient;
import dev.pbj.core.PbServer;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Many connections on one PBJ server, the clients in a JVM of their own (so each process stays under the
 * machine's 20,000 open files and the server's heap is its own): the server's heap per connection, the rate the
 * connections were made at (all idle), and then the latency of the active ones calling {@code echo} while the rest
 * stay idle.
 *
 * <p>{@code java -cp pb-bench/target/benchmarks.jar dev.pbj.bench.conn.Connections [N] [tcp|ws] [ACTIVE]
 * [WARMUP_S] [MEASURE_S]} (default 15,000 over TCP, 1,000 active, each with one call in flight: 5 s of warm-up,
 * then 10 s measured). Besides its sentence it prints one line for programs ({@link #RESULT}), which the report's
 * connections pass reads.
 */
public final class Connections {
  /**
   * The first word of the line for programs, then: transport, connections held, server heap bytes per idle
   * connection, connections made per second, active clients, calls measured, seconds measured, median, p99 and
   * p99.9 latency in microseconds ({@code -} for none).
   */
  public static final String RESULT = "RESULT";

  private Connections() {}

  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 15_000;
    String scheme = args.length > 1 ? args[1] : "tcp";
    int active = args.length > 2 ? Integer.parseInt(args[2]) : 1_000;
    int warmupSeconds = args.length > 3 ? Integer.parseInt(args[3]) : 5;
    int measureSeconds = args.length > 4 ? Integer.parseInt(args[4]) : 10;
    Limits limits = Limits.builder().maxConnections(n + 100).build();
    try (PbServer server = PbServer.builder().root(new IdleConnections.Root()).limits(limits)
        .listen(scheme + "://127.0.0.1:0" + (scheme.startsWith("ws") ? "/pb" : "")).build().start()) {
      long before = usedHeap();
      Process clients = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
          "-Xmx2g", "-cp", System.getProperty("java.class.path"), Clients.class.getName(), server.uri(0).toString(),
          Integer.toString(n), Integer.toString(active), Integer.toString(warmupSeconds),
          Integer.toString(measureSeconds)).redirectError(ProcessBuilder.Redirect.INHERIT).start();
      try (BufferedReader lines = new BufferedReader(new InputStreamReader(clients.getInputStream(),
          StandardCharsets.UTF_8)); OutputStream stop = clients.getOutputStream()) {
        String connected = lines.readLine(); // "CONNECTED <seconds>"
        if (connected == null || !connected.startsWith("CONNECTED ")) {
          throw new IllegalStateException("the clients failed: " + connected);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (server.connections().size() < n && System.nanoTime() < deadline) {
          Thread.sleep(10);
        }
        long after = usedHeap(); // all of them idle: what the server holds per connection
        stop.write('\n'); // now the active ones call
        stop.flush();
        String latency = lines.readLine(); // "LATENCY calls p50 p99 p999" in microseconds
        double seconds = Double.parseDouble(connected.substring("CONNECTED ".length()));
        int held = server.connections().size();
        double perConnection = (after - before) / (double) n;
        System.out.printf("%s: %,d connections held (%,d on the server), %,.0f bytes of server heap each, made at "
            + "%,.0f/s; %s%n", scheme, n, held, perConnection, n / seconds,
            describe(latency, active, warmupSeconds, measureSeconds));
        String[] f = latency != null && latency.startsWith("LATENCY ") ? latency.split(" ") : null;
        System.out.printf(java.util.Locale.ROOT, "%s %s %d %.0f %.1f %d %s %d %s %s %s%n", RESULT, scheme, held,
            perConnection, n / seconds, Math.min(active, n), f == null ? "-" : f[1], measureSeconds,
            f == null ? "-" : f[2], f == null ? "-" : f[3], f == null ? "-" : f[4]);
        stop.close();
        clients.waitFor(60, TimeUnit.SECONDS);
      } finally {
        clients.destroy();
      }
    }
  }

  private static String describe(String latency, int active, int warmupSeconds, int measureSeconds) {
    if (latency == null || !latency.startsWith("LATENCY ")) {
      return "no latency figures (" + latency + ")";
    }
    String[] f = latency.split(" ");
    return String.format("%,d active clients, one call each in flight: %,d calls in %d s (after %d s of warm-up), "
        + "latency median %s µs, p99 %s µs, p99.9 %s µs", active, Long.parseLong(f[1]), measureSeconds,
        warmupSeconds, f[2], f[3], f[4]);
  }

  private static long usedHeap() throws InterruptedException {
    Runtime runtime = Runtime.getRuntime();
    for (int i = 0; i < 4; i++) {
      System.gc();
      Thread.sleep(200);
    }
    return runtime.totalMemory() - runtime.freeMemory();
  }

  /** Source addresses the clients' TCP connections come from in turn: 127.0.1.1 to 127.0.1.SOURCES. */
  static final int SOURCES = 16;

  /** The clients' process: N connections through one {@link PbClient}, the first ACTIVE of them calling. */
  public static final class Clients {
    private Clients() {}

    public static void main(String[] args) throws Exception {
      String uri = args[0];
      int n = Integer.parseInt(args[1]);
      int active = Integer.parseInt(args[2]);
      long warmupNanos = TimeUnit.SECONDS.toNanos(Integer.parseInt(args[3]));
      long activeNanos = TimeUnit.SECONDS.toNanos(Integer.parseInt(args[4]));
      URI target = URI.create(uri);
      // over TCP, from SOURCES addresses of 127.0.0.0/8 in turn (each with its own ephemeral ports); the JDK's
      // WebSocket client on Java 17 cannot choose one
      boolean bind = target.getScheme().equals("tcp");
      try (PbClient client = PbClient.builder().build()) {
        List<Broker> brokers = new ArrayList<>(n);
        long started = System.nanoTime();
        List<CompletableFuture<Broker>> pending = new ArrayList<>();
        for (int i = 0; i < n; i++) {
          InetAddress from = bind ? InetAddress.getByAddress(new byte[] {127, 0, 1, (byte) (1 + i % SOURCES)}) : null;
          pending.add(client.connect(target, from));
          if (pending.size() == 256) { // a bounded backlog of connects under way
            for (CompletableFuture<Broker> future : pending) {
              brokers.add(future.get(60, TimeUnit.SECONDS));
            }
            pending.clear();
          }
        }
        for (CompletableFuture<Broker> future : pending) {
          brokers.add(future.get(60, TimeUnit.SECONDS));
        }
        System.out.println("CONNECTED " + (System.nanoTime() - started) / 1e9);
        System.out.flush();
        if (System.in.read() < 0) { // the server measures its heap with every connection idle, then says go
          return;
        }
        long[] samples = new long[4_000_000];
        AtomicInteger count = new AtomicInteger();
        AtomicBoolean running = new AtomicBoolean(true);
        CompletableFuture<Void> done = new CompletableFuture<>();
        AtomicInteger stopped = new AtomicInteger();
        long measureFrom = System.nanoTime() + warmupNanos;
        long end = measureFrom + activeNanos;
        for (int i = 0; i < Math.min(active, n); i++) {
          Broker broker = brokers.get(i);
          callLoop(broker, i, samples, count, measureFrom, end, () -> {
            if (stopped.incrementAndGet() == Math.min(active, n)) {
              done.complete(null);
            }
          });
        }
        done.get((warmupNanos + activeNanos) / 1_000_000_000L + 60, TimeUnit.SECONDS);
        running.set(false);
        int taken = Math.min(count.get(), samples.length);
        long[] sorted = Arrays.copyOf(samples, taken);
        Arrays.sort(sorted);
        System.out.println("LATENCY " + count.get() + " " + micros(sorted, 0.5) + " " + micros(sorted, 0.99) + " "
            + micros(sorted, 0.999));
        System.out.flush();
        System.in.read(); // until the server's side is done measuring
      }
    }

    /** One call in flight on {@code broker} until {@code end}, the round trips sent from {@code from} kept. */
    private static void callLoop(Broker broker, int id, long[] samples, AtomicInteger count, long from, long end,
        Runnable finished) {
      long sent = System.nanoTime();
      if (sent > end) {
        finished.run();
        return;
      }
      broker.rootObject().callRemote("echo", id).whenComplete((answer, error) -> {
        long took = System.nanoTime() - sent;
        if (error != null) {
          System.err.println("call failed: " + error);
          finished.run();
          return;
        }
        if (sent >= from) {
          int at = count.getAndIncrement();
          if (at < samples.length) {
            samples[at] = took;
          }
        }
        callLoop(broker, id, samples, count, from, end, finished);
      });
    }

    private static String micros(long[] sorted, double quantile) {
      if (sorted.length == 0) {
        return "-";
      }
      return String.format("%.0f", sorted[(int) Math.min(sorted.length - 1, sorted.length * quantile)] / 1000.0);
    }
  }
}
