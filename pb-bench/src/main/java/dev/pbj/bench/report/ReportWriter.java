package dev.pbj.bench.report;

import dev.pbj.bench.codec.Message;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.jfree.data.category.DefaultCategoryDataset;

/**
 * Writes {@code report.md} and the PNG charts from one run's {@link Results}. Every expected figure that has no
 * result is written as "—" and listed as missing, so a broken benchmark shows.
 */
public final class ReportWriter {
  static final String LATENCY = "PbjLatencyBenchmark.echo";
  static final String THROUGHPUT = "PbjThroughputBenchmark.call";
  static final String PIPELINED = "PbjPipelinedBenchmark.calls";
  /** Connections the heap goal of the scale issue is set for (the machine's open-file limit allows 20,000). */
  private static final int GOAL_CONNECTIONS = 15_000;
  static final String CALLBACK = "PbjCallbackBenchmark.callback";
  static final String FANOUT = "PbjFanoutBenchmark.update";
  static final String PEER_LATENCY = "PeerLatencyBenchmark.echo";
  static final String PEER_THROUGHPUT = "PeerThroughputBenchmark.call";
  static final String RMI_CALLBACK = "RmiCallbackBenchmark.callback";
  static final String FLOOR = "FloorThroughputBenchmark.calls";
  static final String SERVERS = "ServerThroughputBenchmark.calls";
  static final String WS_FLOOR = "WebSocketFloorBenchmark.calls";
  static final String WS_LATENCY_FLOOR = "WebSocketLatencyFloorBenchmark.echo";
  static final String WS_FLOOR_LABEL = "Undertow WebSocket echo, 2 processes (ws floor)";
  static final String WS_LATENCY_FLOOR_LABEL = "Undertow WebSocket echo, blocking caller (ws latency floor)";
  static final String CODEC = "CodecBenchmark.";
  static final List<String> PEERS = List.of("netty", "grpc", "rmi");
  /** The peers whose throughput is measured the way PBJ's is (the raw Netty floor is measured its own way). */
  static final List<String> THROUGHPUT_PEERS = List.of("grpc", "rmi");
  static final List<String> INFLIGHT = List.of("1", "16", "128");
  private static final String NONE = "—";
  static final String FLOOR_LABEL = "Netty echo, 2 processes (floor)";

  private final Results results;
  private final RunInfo info;
  private final List<String> codecs;
  private final StringBuilder md = new StringBuilder();
  private final List<String> missing = new ArrayList<>();

  private ReportWriter(Results results, RunInfo info) {
    this.results = results;
    this.info = info;
    this.codecs = new ArrayList<>(info.serializers());
    this.codecs.add("kryo");
  }

  /**
   * Writes {@code report.md} and the charts into {@code dir}.
   *
   * @return the expected figures that have no result (empty when every benchmark ran)
   */
  public static List<String> write(Results results, RunInfo info, Path dir) throws IOException {
    Files.createDirectories(dir);
    ReportWriter writer = new ReportWriter(results, info);
    writer.document(dir, !info.pinnedSerializers().isEmpty());
    Files.writeString(dir.resolve("report.md"), writer.md, StandardCharsets.UTF_8);
    return writer.missing;
  }

  private void document(Path dir, boolean pinnedExpected) throws IOException {
    line("# PBJ benchmark report");
    line("");
    line("Profile **" + info.profile() + "**, started " + info.started() + ", took " + info.seconds() + " s. "
        + info.machine() + ". Load average (1 min): " + fmt(info.loadBefore()) + " at the start, "
        + fmt(info.loadAfter()) + " at the end.");
    line("");
    for (String setting : info.settings()) {
      line("- " + setting);
    }
    line("");
    line("Everything runs over 127.0.0.1 with server and client in one JVM (JMH fork), so they share its cores, "
        + "except the throughput floors (raw Netty, and the Undertow WebSocket echo with its blocking caller) and "
        + "the servers driven by the independent PB wire client, whose server is a process of its own; \"pinned\" runs that whole JVM (and any server process it starts) on one CPU "
        + "(`taskset -c 0`). Allocation is JMH's `-prof gc` "
        + "`gc.alloc.rate.norm`: bytes allocated by all threads of the JVM per operation, so for a round trip it "
        + "counts client, server and transport together. **On a machine shared with other work these numbers "
        + "are noise; compare ratios within one run, and rerun with `--full` on a quiet machine before quoting "
        + "them.**");
    line("");
    targets(pinnedExpected);
    latency(false);
    if (pinnedExpected) {
      latency(true);
    }
    throughput(false);
    if (pinnedExpected) {
      throughput(true);
    }
    servers();
    connections();
    flavors();
    codecs();
    twisted();
    suggestions();
    charts(dir, pinnedExpected);
    notMeasured();
  }

  // ---- targets ----

  private void targets(boolean pinnedExpected) {
    line("## Targets");
    line("");
    if ("smoke".equals(info.profile())) {
      line("A smoke run (one short iteration, no warmup, no fork): these figures only prove that every benchmark "
          + "runs.");
      line("");
    } else if ("quick".equals(info.profile())) {
      line("The quick profile warms each configuration for seconds, not minutes; gRPC-java in particular is still "
          + "getting faster after ten seconds of calls on a busy two-core machine, so read the comparison with gRPC "
          + "from a `--full` run.");
      line("");
    }
    line("| target | measured | met |");
    line("|---|---|---|");
    for (boolean pinned : pinnedExpected ? new boolean[] {false, true} : new boolean[] {false}) {
      String where = pinned ? " (pinned)" : " (unpinned)";
      Optional<Figure> pbj = latencyFigure("tcp", "msgpack", "pool", pinned);
      Optional<Figure> floor = peerLatency("netty", pinned);
      target("PBJ tcp/msgpack median echo ≤ 1.5× raw Netty's" + where, pbj, floor, Figure::p50, 1.5, true, "µs");
      target("PBJ tcp/msgpack without hand-offs: median echo ≤ 1.5× raw Netty's" + where,
          latencyFigure("tcp", "msgpack", "direct", pinned), floor, Figure::p50, 1.5, true, "µs");
      target("PBJ tcp/msgpack median echo below gRPC's" + where, pbj, peerLatency("grpc", pinned), Figure::p50,
          1.0, true, "µs");
      target("PBJ tcp/msgpack median echo below RMI's" + where, pbj, peerLatency("rmi", pinned), Figure::p50, 1.0,
          true, "µs");
      target("PBJ tcp/msgpack calls/s with 128 in flight ≥ ½ the raw Netty floor's" + where,
          results.find(THROUGHPUT, pinned, "transport", "tcp", "serializer", "msgpack", "inflight", "128"),
          floor("128", pinned), Figure::score, 0.5, false, "calls/s");
    }
    if (info.transports().contains("ws")) {
      target("PBJ ws/msgpack median echo ≤ 1.5× the raw Undertow WebSocket echo's (unpinned)",
          latencyFigure("ws", "msgpack", "pool", false), wsLatencyFloor(), Figure::p50, 1.5, true, "µs");
      target("PBJ ws/msgpack calls/s with 128 in flight ≥ ½ the raw Undertow WebSocket floor's (unpinned)",
          results.find(THROUGHPUT, false, "transport", "ws", "serializer", "msgpack", "inflight", "128"),
          results.find(WS_FLOOR, false, "inflight", "128"), Figure::score, 0.5, false, "calls/s");
    }
    Optional<Figure> pbjServe = server("pbj", "128");
    target("`pbj serve` calls/s with 128 in flight, independent PB wire client, ≥ ½ a raw Netty echo's (same "
        + "client)", pbjServe, server("netty", "128"), Figure::score, 0.5, false, "calls/s");
    if (info.servers().contains("twisted")) {
      target("`pbj serve` calls/s with 128 in flight, independent PB wire client, ≥ 10× Twisted PB's server (same "
          + "client)", pbjServe, server("twisted", "128"), Figure::score, 10, false, "calls/s");
    }
    Optional<Figure> kryo = codec("roundTrip", "kryo", Message.SMALL_CALL);
    for (String serializer : info.serializers()) {
      target("small call encode+decode with " + serializer + " within 2× Kryo",
          codec("roundTrip", serializer, Message.SMALL_CALL), kryo, Figure::score, 2.0, true, "ns");
    }
    Optional<Figure> kryoCopy = codec("roundTrip", "kryo", Message.COPY10_ANSWER);
    for (String serializer : info.serializers()) {
      target("10-field copy encode+decode with " + serializer + " within 3× Kryo",
          codec("roundTrip", serializer, Message.COPY10_ANSWER), kryoCopy, Figure::score, 3.0, true, "ns");
    }
    Optional<Figure> alloc = latencyFigure("tcp", "msgpack", "pool", false);
    String allocText = alloc.filter(f -> !Double.isNaN(f.allocPerOp()))
        .map(f -> fmt(f.allocPerOp()) + " B per round trip (tcp/msgpack)").orElse(NONE);
    String allocMet = alloc.filter(f -> !Double.isNaN(f.allocPerOp()))
        .map(f -> f.allocPerOp() < 2048 ? "yes" : "**no**").orElse(NONE);
    line("| allocation per small-call round trip (client + server) under 2 KB | " + allocText + " | " + allocMet
        + " |");
    String allocSpeedMet = alloc.filter(f -> !Double.isNaN(f.allocPerOp()))
        .map(f -> f.allocPerOp() <= 1024 ? "yes" : "**no**").orElse(NONE);
    line("| allocation per small-call round trip (client + server) ≤ 1 KB (the speed issue's goal) | " + allocText
        + " | " + allocSpeedMet + " |");
    for (ConnectionsRun.Outcome c : results.connections()) {
      if (c.error() != null) {
        line("| server heap per idle " + c.transport() + " connection ≤ 8 KiB | not measured: " + c.error()
            + " | — |");
      } else {
        // the goal is for 15,000 connections: with fewer, the server's fixed costs weigh more on each
        String met = c.connections() < GOAL_CONNECTIONS ? "(the goal is at 15,000: `--full`)"
            : c.heapPerConnection() <= 8192 ? "yes" : "**no**";
        line("| server heap per idle " + c.transport() + " connection ≤ 8 KiB with 15,000 held (" + count(
            c.connections()) + " held) | " + fmt(c.heapPerConnection()) + " B | " + met + " |");
      }
    }
    TwistedRun.Outcome twisted = results.twisted();
    if (twisted != null && twisted.error() == null) {
      for (String serializer : info.serializers()) {
        Optional<Figure> pbj = latencyFigure("tcp", serializer, "pool", false);
        Optional<Figure> rate = results.find(THROUGHPUT, false, "transport", "tcp", "serializer", serializer,
            "inflight", "128");
        Double twistedRate = twisted.callsPerSecond().get(128);
        line("| speed-up over Twisted PB " + twisted.version() + " (tcp/" + serializer + ") | median latency "
            + pbj.map(f -> ratio(twisted.medianMicros() / f.p50())).orElse(NONE) + ", calls/s at 128 in flight "
            + rate.filter(f -> twistedRate != null).map(f -> ratio(f.score() / twistedRate)).orElse(NONE)
            + " | (reference) |");
      }
    } else {
      line("| speed-up over Twisted PB | not measured: " + (twisted == null ? "skipped" : twisted.error())
          + " | — |");
    }
    line("");
  }

  private void target(String what, Optional<Figure> ours, Optional<Figure> theirs,
      java.util.function.ToDoubleFunction<Figure> value, double limit, boolean atMost, String unit) {
    if (ours.isEmpty() || theirs.isEmpty()) {
      line("| " + what + " | not measured | — |");
      return;
    }
    double a = value.applyAsDouble(ours.get());
    double b = value.applyAsDouble(theirs.get());
    double r = a / b;
    boolean met = atMost ? r <= limit : r >= limit;
    line("| " + what + " | " + ratio(r) + " (" + fmt(a) + " vs " + fmt(b) + " " + unit + ") | "
        + (met ? "yes" : "**no**") + " |");
  }

  // ---- latency ----

  private void latency(boolean pinned) {
    line("## Echo latency, one call at a time" + (pinned ? " — pinned to one CPU" : ""));
    line("");
    line("The caller sends `echo(\"hello\")` and waits on the future. PBJ's `pool` is its default: each "
        + "connection's I/O thread hands what it reads to the connection's serial context on a small pool, remote "
        + "methods run on the server's executor, and the caller's future is completed on the client's executor; "
        + "`no hand-off` runs the echo as a non-blocking method and completes the future without an executor. The "
        + "latency floor is a raw Netty echo of PBJ's bytes in this JVM with a blocking caller, whose write is "
        + "handed to an event loop and who is woken by the event loop that reads the answer. An RMI caller does "
        + "its blocking socket I/O on its own thread, with no hand-off at all.");
    line("");
    line("| configuration | median µs | p99 µs | alloc B/op | median × floor | × gRPC | × RMI |");
    line("|---|---:|---:|---:|---:|---:|---:|");
    Optional<Figure> floor = peerLatency("netty", pinned);
    Optional<Figure> grpc = peerLatency("grpc", pinned);
    Optional<Figure> rmi = peerLatency("rmi", pinned);
    for (String transport : transports(pinned)) {
      for (String serializer : serializers(pinned)) {
        for (String handoff : List.of("pool", "direct")) {
          Optional<Figure> f = latencyFigure(transport, serializer, handoff, pinned);
          String label = pbjLabel(transport, serializer) + ("direct".equals(handoff) ? ", no hand-off" : "");
          expect(f, label + " latency" + (pinned ? " (pinned)" : ""));
          latencyRow(label, f, floor, grpc, rmi);
        }
      }
    }
    for (String peer : PEERS) {
      Optional<Figure> f = peerLatency(peer, pinned);
      expect(f, peerLabel(peer) + " latency" + (pinned ? " (pinned)" : ""));
      latencyRow(peerLabel(peer), f, floor, grpc, rmi);
    }
    if (!pinned && info.transports().contains("ws")) {
      Optional<Figure> wsFloor = wsLatencyFloor();
      expect(wsFloor, WS_LATENCY_FLOOR_LABEL + " latency");
      latencyRow(WS_LATENCY_FLOOR_LABEL, wsFloor, floor, grpc, rmi);
      line("");
      line("Over WebSocket the floor is a raw Undertow echo (the server PBJ's WebSocket transport runs on) in a "
          + "process of its own, one binary frame of PBJ's ws/msgpack bytes at a time from a blocking caller: PBJ "
          + "ws/msgpack's median is " + ratioOf(latencyFigure("ws", "msgpack", "pool", false), wsFloor, Figure::p50)
          + " of it.");
    }
    line("");
  }

  private void latencyRow(String label, Optional<Figure> f, Optional<Figure> floor, Optional<Figure> grpc,
      Optional<Figure> rmi) {
    line("| " + label + " | " + f.map(x -> fmt(x.p50())).orElse(NONE) + " | " + f.map(x -> fmt(x.p99()))
        .orElse(NONE) + " | " + f.map(x -> fmt(x.allocPerOp())).orElse(NONE) + " | " + ratioOf(f, floor,
        Figure::p50) + " | " + ratioOf(f, grpc, Figure::p50) + " | " + ratioOf(f, rmi, Figure::p50) + " |");
  }

  // ---- throughput ----

  private void throughput(boolean pinned) {
    line("## Throughput, calls per second with 1, 16 and 128 in flight" + (pinned ? " — pinned to one CPU" : ""));
    line("");
    line("One connection (PBJ, Netty, gRPC) answers in order; RMI makes each concurrent call on its own thread and "
        + "connection. PBJ, gRPC and RMI are driven alike: a JMH thread sends each call when a slot is free and the "
        + "answer frees it. The floor is the most raw Netty does with the same bytes (PBJ's tcp/msgpack frame for "
        + "`echo(\"hello\")`): the echo server in a process of its own writes each frame back as a message and "
        + "flushes once per read; the client writes the next frames from its event loop as answers arrive, "
        + "flushing once per read, and one JMH operation waits for 1,000 of its answers. The byte echo below it "
        + "writes back each buffer as read, with no per-message work: with many calls in flight that is a "
        + "byte-copying bound, not an RPC one. The floor's allocation counts its client only (the server is "
        + "another process). The rows \"each answer's callback sends the next\" drive PBJ as the floor is driven "
        + "(`PbjPipelinedBenchmark`: the callback runs on the client's executor; one operation waits for 1,000 "
        + "answers), without a wake-up of the JMH thread per call.");
    line("");
    line("| configuration | 1 | 16 | 128 | alloc B/op at 128 | 128 × floor |");
    line("|---|---:|---:|---:|---:|---:|");
    Optional<Figure> floor = floor("128", pinned);
    // label, benchmark, parameters; in flight values expected unpinned; whether 128 is expected pinned
    List<ThroughputRow> rows = new ArrayList<>();
    for (String transport : transports(pinned)) {
      for (String serializer : serializers(pinned)) {
        rows.add(new ThroughputRow(pbjLabel(transport, serializer), THROUGHPUT, INFLIGHT, true, "transport",
            transport, "serializer", serializer));
      }
    }
    if (!pinned) {
      for (String transport : transports(false)) {
        for (String serializer : serializers(false)) {
          rows.add(new ThroughputRow(pbjLabel(transport, serializer) + ", each answer's callback sends the next",
              PIPELINED, List.of("16", "128"), false, "transport", transport, "serializer", serializer));
        }
      }
    }
    rows.add(new ThroughputRow(FLOOR_LABEL, FLOOR, INFLIGHT, true, "echo", "frames"));
    rows.add(new ThroughputRow("Netty byte echo, 2 processes (no per-message work)", FLOOR, List.of("128"), false,
        "echo", "bytes"));
    if (!pinned && info.transports().contains("ws")) {
      rows.add(new ThroughputRow(WS_FLOOR_LABEL, WS_FLOOR, INFLIGHT, false));
    }
    for (String peer : THROUGHPUT_PEERS) {
      rows.add(new ThroughputRow(peerLabel(peer), PEER_THROUGHPUT, INFLIGHT, false, "peer", peer));
    }
    for (ThroughputRow row : rows) {
      if (pinned && !row.pinned128() && INFLIGHT.stream().allMatch(n -> row.find(results, n, pinned).isEmpty())) {
        continue; // not part of this profile's pinned pass
      }
      StringBuilder cells = new StringBuilder("| " + row.label());
      Optional<Figure> at128 = Optional.empty();
      for (String inflight : INFLIGHT) {
        Optional<Figure> f = row.find(results, inflight, pinned);
        // the quick profile pins PBJ and the floor at 128 in flight; the full one more
        boolean expected = pinned ? row.pinned128() && "128".equals(inflight) : row.inflight().contains(inflight);
        if (expected || f.isPresent()) {
          expect(f, row.label() + " throughput " + inflight + " in flight" + (pinned ? " (pinned)" : ""));
        }
        cells.append(" | ").append(f.map(x -> fmt(x.score())).orElse(NONE));
        if ("128".equals(inflight)) {
          at128 = f;
        }
      }
      cells.append(" | ").append(at128.map(x -> fmt(x.allocPerOp())).orElse(NONE));
      cells.append(" | ").append(ratioOf(at128, floor, Figure::score)).append(" |");
      line(cells.toString());
    }
    if (!pinned && info.transports().contains("ws")) {
      Optional<Figure> wsFloor = results.find(WS_FLOOR, false, "inflight", "128");
      line("");
      line("Over WebSocket the floor is a raw Undertow echo (the server PBJ's WebSocket transport runs on) in a "
          + "process of its own, driven like the Netty floor by a raw client that writes pre-masked binary frames "
          + "of PBJ's ws/msgpack bytes from its event loop: PBJ ws/msgpack at 128 in flight does "
          + ratioOf(results.find(THROUGHPUT, false, "transport", "ws", "serializer", "msgpack", "inflight", "128"),
              wsFloor, Figure::score) + " of it.");
    }
    line("");
  }

  /** A row of the throughput table: a benchmark's figures at each number in flight. */
  private record ThroughputRow(String label, String benchmark, List<String> inflight, boolean pinned128,
      String... params) {
    Optional<Figure> find(Results results, String calls, boolean pinned) {
      String[] query = java.util.Arrays.copyOf(params, params.length + 2);
      query[params.length] = "inflight";
      query[params.length + 1] = calls;
      return results.find(benchmark, pinned, query);
    }
  }

  // ---- servers under the independent PB wire client ----

  private void servers() {
    line("## Servers under an independent PB wire client");
    line("");
    line("Each server runs in a process of its own and is driven by the same client, which shares no code with "
        + "PBJ's: raw Netty, the dialect handshake done by hand (it picks `pb` from the server's list and sends "
        + "`(version 6)`), then `(message <id> \"root\" \"echo\" 1 (tuple \"hello\") (dictionary))` in banana with "
        + "ids counting up, written from its event loop as answers arrive (one flush per read), with a banana "
        + "scanner of its own counting the `answer`s. The raw Netty echo writes each call back as a message (found "
        + "as a top-level banana expression) and the client counts it as its answer: the same client work with "
        + "almost no server work. Unpinned; calls per second.");
    line("");
    String twistedName = results.twisted() != null && results.twisted().error() == null
        ? "Twisted PB " + results.twisted().version() + " (`pb.Root`, `remote_echo`)" : "Twisted PB (`pb.Root`, "
        + "`remote_echo`)";
    line("| server | 1 | 16 | 128 | 128 × raw Netty echo | 128 × Twisted |");
    line("|---|---:|---:|---:|---:|---:|");
    Optional<Figure> netty = server("netty", "128");
    Optional<Figure> twisted = server("twisted", "128");
    for (String name : List.of("pbj", "twisted", "netty")) {
      String label = switch (name) {
        case "pbj" -> "`pbj serve`";
        case "twisted" -> twistedName;
        default -> "raw Netty echo of banana messages";
      };
      if (!info.servers().contains(name)) {
        line("| " + label + " | not measured (see below) | — | — | — | — |");
        continue;
      }
      StringBuilder cells = new StringBuilder("| " + label);
      for (String inflight : INFLIGHT) {
        Optional<Figure> f = server(name, inflight);
        expect(f, label + " under the wire client, " + inflight + " in flight");
        cells.append(" | ").append(f.map(x -> fmt(x.score())).orElse(NONE));
      }
      Optional<Figure> at128 = server(name, "128");
      cells.append(" | ").append(ratioOf(at128, netty, Figure::score));
      cells.append(" | ").append(ratioOf(at128, twisted, Figure::score)).append(" |");
      line(cells.toString());
    }
    line("");
  }

  // ---- callbacks and caches ----

  private void flavors() {
    line("## Referenceable callback and Cacheable fan-out");
    line("");
    line("Callback: the client passes a Referenceable, the server calls it back, releases it and answers (four "
        + "messages and a decref). Fan-out: one `say` makes the server's Cacheable push `said(text)` to 100 "
        + "observing connections; the operation ends when all 100 ran it. The room sends one `CacheUpdate` to all "
        + "(its text encoded once per serializer); the last column is the same with a call of its own to each "
        + "observer (encoded per observer, as before `CacheObservers`).");
    line("");
    line("| configuration | callback median µs | callback p99 µs | fan-out to 100 median µs | fan-out p99 µs | "
        + "updates delivered/s | fan-out encoded per observer, median µs |");
    line("|---|---:|---:|---:|---:|---:|---:|");
    for (String transport : info.transports()) {
      for (String serializer : info.serializers()) {
        String label = pbjLabel(transport, serializer);
        Optional<Figure> callback = results.find(CALLBACK, false, "transport", transport, "serializer", serializer);
        Optional<Figure> fanout = results.find(FANOUT, false, "transport", transport, "serializer", serializer,
            "encoding", "once");
        Optional<Figure> each = results.find(FANOUT, false, "transport", transport, "serializer", serializer,
            "encoding", "each");
        expect(callback, label + " callback");
        expect(fanout, label + " fan-out");
        expect(each, label + " fan-out encoded per observer");
        line("| " + label + " | " + callback.map(f -> fmt(f.p50())).orElse(NONE) + " | "
            + callback.map(f -> fmt(f.p99())).orElse(NONE) + " | " + fanout.map(f -> fmt(f.p50())).orElse(NONE)
            + " | " + fanout.map(f -> fmt(f.p99())).orElse(NONE) + " | "
            + fanout.map(f -> fmt(100 * 1e6 / f.score())).orElse(NONE) + " | "
            + each.map(f -> fmt(f.p50())).orElse(NONE) + " |");
      }
    }
    Optional<Figure> rmi = results.find(RMI_CALLBACK, false);
    expect(rmi, "RMI callback");
    line("| RMI (exported callback object) | " + rmi.map(f -> fmt(f.p50())).orElse(NONE) + " | "
        + rmi.map(f -> fmt(f.p99())).orElse(NONE) + " | cannot: no cache/observer primitive | — | — |");
    line("| Netty echo (floor) | cannot: no objects or references | — | cannot | — | — |");
    line("| gRPC | cannot: no object references to call back (a bidirectional stream would be a different "
        + "protocol) | — | cannot: no replicated objects (server streaming to 100 clients would be a different "
        + "design) | — | — |");
    line("");
  }

  // ---- codecs ----

  private void codecs() {
    line("## Codecs: one PB message encoded, decoded, and both");
    line("");
    line("PBJ's serializers are driven under Jelly exactly as the broker writes and reads a message (so the figures "
        + "include Jelly); Kryo encodes the same content as registered plain Java classes. ns/op and bytes "
        + "allocated per operation.");
    line("");
    line("| message | codec | wire bytes | encode ns | decode ns | encode+decode ns | × Kryo | alloc B encode | "
        + "alloc B decode | alloc B both |");
    line("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|");
    for (Message message : Message.values()) {
      Optional<Figure> kryo = codec("roundTrip", "kryo", message);
      for (String codec : codecs) {
        Optional<Figure> encode = codec("encode", codec, message);
        Optional<Figure> decode = codec("decode", codec, message);
        Optional<Figure> both = codec("roundTrip", codec, message);
        expect(encode, codec + " encode " + message);
        expect(decode, codec + " decode " + message);
        expect(both, codec + " encode+decode " + message);
        Integer wire = results.wireBytes(codec, message);
        String size = wire == null ? NONE : String.format(Locale.ROOT, "%,d", wire);
        line("| " + message.description() + " | " + codec + " | " + size + " | "
            + encode.map(f -> fmt(f.score())).orElse(NONE) + " | " + decode.map(f -> fmt(f.score())).orElse(NONE)
            + " | " + both.map(f -> fmt(f.score())).orElse(NONE) + " | "
            + ("kryo".equals(codec) ? "1" : ratioOf(both, kryo, Figure::score)) + " | "
            + encode.map(f -> fmt(f.allocPerOp())).orElse(NONE) + " | "
            + decode.map(f -> fmt(f.allocPerOp())).orElse(NONE) + " | "
            + both.map(f -> fmt(f.allocPerOp())).orElse(NONE) + " |");
      }
    }
    line("");
  }

  // ---- Twisted ----

  private void connections() {
    if (results.connections().isEmpty()) {
      return;
    }
    line("## Many connections");
    line("");
    line("One PBJ server (`dev.pbj.bench.conn.Connections`, a JVM of its own) holds the connections of a client JVM "
        + "(one `PbClient`, one event loop group); heap is the server's after GC with every connection idle, over "
        + "its heap before the first; then the first of them call `echo`, one call each in flight, while the rest "
        + "stay idle. The 15,000 of `--full` are what the machine's 20,000 open files per process allow.");
    line("");
    line("| transport | connections | server heap each (idle) | made per second | calling | calls/s | median µs | "
        + "p99 µs |");
    line("|---|---:|---:|---:|---:|---:|---:|---:|");
    for (ConnectionsRun.Outcome c : results.connections()) {
      if (c.error() != null) {
        line("| " + c.transport() + " | not measured: " + c.error() + " | | | | | | |");
        continue;
      }
      line("| " + c.transport() + " | " + count(c.connections()) + " | " + fmt(c.heapPerConnection()) + " B | "
          + fmt(c.madePerSecond()) + " | " + count(c.active()) + " | " + fmt(c.callsPerSecond()) + " | "
          + fmt(c.medianMicros()) + " | " + fmt(c.p99Micros()) + " |");
    }
    line("");
  }

  private void twisted() {
    line("## Twisted PB, the reference");
    line("");
    TwistedRun.Outcome t = results.twisted();
    if (t == null || t.error() != null) {
      line("Not measured: " + (t == null ? "skipped (--no-twisted)" : t.error()) + ".");
      line("");
      return;
    }
    line("`twisted_echo_bench.py`: Twisted " + t.version() + " (Debian's python3-twisted), server and client in "
        + "separate processes over 127.0.0.1 (so Twisted gets a core for each side), the same echo loop. "
        + "Speed-up = Twisted's figure over PBJ's (latency) or PBJ's over Twisted's (calls/s), unpinned.");
    line("");
    line("| configuration | median µs | p99 µs | calls/s (1) | calls/s (16) | calls/s (128) | median speed-up | "
        + "calls/s speed-up at 128 |");
    line("|---|---:|---:|---:|---:|---:|---:|---:|");
    line("| Twisted PB " + t.version() + " | " + fmt(t.medianMicros()) + " | " + fmt(t.p99Micros()) + " | "
        + fmt(t.callsPerSecond().getOrDefault(1, Double.NaN)) + " | "
        + fmt(t.callsPerSecond().getOrDefault(16, Double.NaN)) + " | "
        + fmt(t.callsPerSecond().getOrDefault(128, Double.NaN)) + " | 1 | 1 |");
    for (String transport : info.transports()) {
      for (String serializer : info.serializers()) {
        Optional<Figure> lat = latencyFigure(transport, serializer, "pool", false);
        StringBuilder row = new StringBuilder("| " + pbjLabel(transport, serializer) + " | "
            + lat.map(f -> fmt(f.p50())).orElse(NONE) + " | " + lat.map(f -> fmt(f.p99())).orElse(NONE));
        Optional<Figure> at128 = Optional.empty();
        for (String inflight : INFLIGHT) {
          Optional<Figure> f = results.find(THROUGHPUT, false, "transport", transport, "serializer", serializer,
              "inflight", inflight);
          row.append(" | ").append(f.map(x -> fmt(x.score())).orElse(NONE));
          if ("128".equals(inflight)) {
            at128 = f;
          }
        }
        Double twisted128 = t.callsPerSecond().get(128);
        row.append(" | ").append(lat.map(f -> ratio(t.medianMicros() / f.p50())).orElse(NONE));
        row.append(" | ").append(at128.filter(f -> twisted128 != null).map(f -> ratio(f.score() / twisted128))
            .orElse(NONE)).append(" |");
        line(row.toString());
      }
    }
    line("");
  }

  // ---- observations ----

  private void suggestions() {
    line("## What the figures suggest");
    line("");
    int count = 0;
    for (String serializer : info.serializers()) {
      Optional<Figure> pool = latencyFigure("tcp", serializer, "pool", false);
      Optional<Figure> direct = latencyFigure("tcp", serializer, "direct", false);
      if (pool.isPresent() && direct.isPresent()) {
        line("- Thread hand-offs (tcp/" + serializer + "): the default path's median is "
            + fmt(pool.get().p50() - direct.get().p50()) + " µs above the no-hand-off path ("
            + fmt(pool.get().p50()) + " vs " + fmt(direct.get().p50()) + " µs).");
        count++;
      }
      Optional<Figure> call = codec("roundTrip", serializer, Message.SMALL_CALL);
      if (pool.isPresent() && call.isPresent()) {
        double micros = 2 * call.get().score() / 1000; // the call and (roughly) its answer
        line("- Jelly + " + serializer + " for the call and its answer: about " + fmt(micros) + " µs of the "
            + fmt(pool.get().p50()) + " µs median (" + fmt(100 * micros / pool.get().p50()) + " %): the rest is "
            + "transport, dispatch and waiting.");
        count++;
      }
    }
    Optional<Figure> pbjAlloc = latencyFigure("tcp", info.serializers().isEmpty() ? "banana"
        : info.serializers().get(info.serializers().size() - 1), "pool", false);
    Optional<Figure> floorAlloc = peerLatency("netty", false);
    if (pbjAlloc.isPresent() && floorAlloc.isPresent()) {
      line("- Allocation per echo round trip: PBJ " + fmt(pbjAlloc.get().allocPerOp()) + " B, the raw Netty echo "
          + fmt(floorAlloc.get().allocPerOp()) + " B, gRPC " + peerLatency("grpc", false)
          .map(f -> fmt(f.allocPerOp())).orElse(NONE) + " B, RMI " + peerLatency("rmi", false)
          .map(f -> fmt(f.allocPerOp())).orElse(NONE) + " B.");
      count++;
    }
    Optional<Figure> ownClient = results.find(THROUGHPUT, false, "transport", "tcp", "serializer", "banana",
        "inflight", "128");
    Optional<Figure> served = server("pbj", "128");
    if (ownClient.isPresent() && served.isPresent()) {
      line("- Client or server: at 128 in flight over tcp/banana, PBJ's own client and server in one JVM did "
          + fmt(ownClient.get().score()) + " calls/s; `pbj serve` under the independent wire client (the server "
          + "alone in its process) did " + fmt(served.get().score()) + " (" + ratio(served.get().score()
          / ownClient.get().score()) + ").");
      count++;
    }
    if (count == 0) {
      line("- Nothing to compare: the figures needed are missing.");
    }
    line("");
  }

  // ---- charts ----

  private void charts(Path dir, boolean pinnedExpected) throws IOException {
    line("## Charts");
    line("");
    for (boolean pinned : pinnedExpected ? new boolean[] {false, true} : new boolean[] {false}) {
      String suffix = pinned ? "-pinned" : "";
      DefaultCategoryDataset latency = new DefaultCategoryDataset();
      for (String transport : transports(pinned)) {
        for (String serializer : serializers(pinned)) {
          for (String handoff : List.of("pool", "direct")) {
            String label = pbjLabel(transport, serializer) + ("direct".equals(handoff) ? ", no hand-off" : "");
            latencyFigure(transport, serializer, handoff, pinned).ifPresent(f -> {
              latency.addValue(f.p50(), "median", label);
              latency.addValue(f.p99(), "p99", label);
            });
          }
        }
      }
      for (String peer : PEERS) {
        peerLatency(peer, pinned).ifPresent(f -> {
          latency.addValue(f.p50(), "median", peerLabel(peer));
          latency.addValue(f.p99(), "p99", peerLabel(peer));
        });
      }
      chart(dir, "latency" + suffix, "Echo round trip, one call at a time" + (pinned ? " (pinned to one CPU)" : ""),
          "µs, log scale (lower is better)", latency, true);
      DefaultCategoryDataset throughput = new DefaultCategoryDataset();
      for (String transport : transports(pinned)) {
        for (String serializer : serializers(pinned)) {
          for (String inflight : INFLIGHT) {
            results.find(THROUGHPUT, pinned, "transport", transport, "serializer", serializer, "inflight", inflight)
                .ifPresent(f -> throughput.addValue(f.score(), inflight + " in flight",
                    pbjLabel(transport, serializer)));
          }
        }
      }
      for (String inflight : INFLIGHT) {
        floor(inflight, pinned).ifPresent(f -> throughput.addValue(f.score(), inflight + " in flight", FLOOR_LABEL));
      }
      for (String peer : THROUGHPUT_PEERS) {
        for (String inflight : INFLIGHT) {
          results.find(PEER_THROUGHPUT, pinned, "peer", peer, "inflight", inflight)
              .ifPresent(f -> throughput.addValue(f.score(), inflight + " in flight", peerLabel(peer)));
        }
      }
      chart(dir, "throughput" + suffix, "Echo calls per second" + (pinned ? " (pinned to one CPU)" : ""),
          "calls/s (higher is better)", throughput, false);
    }
    DefaultCategoryDataset servers = new DefaultCategoryDataset();
    for (String name : List.of("pbj", "twisted", "netty")) {
      String label = switch (name) {
        case "pbj" -> "pbj serve";
        case "twisted" -> "Twisted PB";
        default -> "raw Netty echo";
      };
      for (String inflight : INFLIGHT) {
        server(name, inflight).ifPresent(f -> servers.addValue(f.score(), inflight + " in flight", label));
      }
    }
    chart(dir, "servers", "Servers under an independent PB wire client", "calls/s, log scale (higher is better)",
        servers, true);
    DefaultCategoryDataset flavors = new DefaultCategoryDataset();
    for (String transport : info.transports()) {
      for (String serializer : info.serializers()) {
        String label = pbjLabel(transport, serializer);
        results.find(CALLBACK, false, "transport", transport, "serializer", serializer)
            .ifPresent(f -> flavors.addValue(f.p50(), "callback median", label));
        results.find(FANOUT, false, "transport", transport, "serializer", serializer, "encoding", "once")
            .ifPresent(f -> flavors.addValue(f.p50(), "fan-out to 100 median", label));
      }
    }
    results.find(RMI_CALLBACK, false).ifPresent(f -> flavors.addValue(f.p50(), "callback median", "RMI"));
    chart(dir, "callbacks", "Callback round trip and cache fan-out", "µs (lower is better)", flavors, false);
    DefaultCategoryDataset codecData = new DefaultCategoryDataset();
    for (Message message : Message.values()) {
      for (String codec : codecs) {
        codec("roundTrip", codec, message)
            .ifPresent(f -> codecData.addValue(f.score(), codec, message.description()));
      }
    }
    chart(dir, "codecs", "Encode + decode of one message", "ns, log scale (lower is better)", codecData, true);
    line("");
  }

  private void chart(Path dir, String name, String title, String axis, DefaultCategoryDataset data, boolean log)
      throws IOException {
    if (data.getColumnCount() == 0) {
      return;
    }
    Charts.bars(dir.resolve(name + ".png"), title, axis, data, log);
    line("![" + title + "](" + name + ".png)");
    line("");
  }

  private void notMeasured() {
    line("## Not measured");
    line("");
    if (results.notes().isEmpty() && missing.isEmpty()) {
      line("Everything expected was measured.");
    }
    for (String note : results.notes()) {
      line("- " + note);
    }
    for (String m : missing) {
      line("- no result (the benchmark failed; see the JMH output): " + m);
    }
    line("");
  }

  // ---- helpers ----

  private List<String> transports(boolean pinned) {
    return pinned ? info.transports().stream().filter("tcp"::equals).toList() : info.transports();
  }

  private List<String> serializers(boolean pinned) {
    return pinned ? info.pinnedSerializers() : info.serializers();
  }

  private Optional<Figure> latencyFigure(String transport, String serializer, String handoff, boolean pinned) {
    return results.find(LATENCY, pinned, "transport", transport, "serializer", serializer, "handoff", handoff);
  }

  /** The throughput floor: raw Netty echoing PBJ's frames, server in a process of its own. */
  private Optional<Figure> floor(String inflight, boolean pinned) {
    return results.find(FLOOR, pinned, "echo", "frames", "inflight", inflight);
  }

  /** The WebSocket latency floor: a blocking caller against the raw Undertow echo (unpinned). */
  private Optional<Figure> wsLatencyFloor() {
    return results.find(WS_LATENCY_FLOOR, false);
  }

  /** A server under the independent PB wire client (unpinned). */
  private Optional<Figure> server(String name, String inflight) {
    return results.find(SERVERS, false, "server", name, "inflight", inflight);
  }

  private Optional<Figure> peerLatency(String peer, boolean pinned) {
    return results.find(PEER_LATENCY, pinned, "peer", peer);
  }

  private Optional<Figure> codec(String op, String codec, Message message) {
    return results.find(CODEC + op, false, "codec", codec, "message", message.name());
  }

  private void expect(Optional<Figure> figure, String what) {
    if (figure.isEmpty()) {
      missing.add(what);
    }
  }

  static String pbjLabel(String transport, String serializer) {
    return "PBJ " + transport + "/" + serializer;
  }

  static String peerLabel(String peer) {
    return switch (peer) {
      case "netty" -> "Netty echo, blocking caller (latency floor)";
      case "grpc" -> "gRPC unary";
      case "rmi" -> "Java RMI";
      default -> peer;
    };
  }

  private static String ratioOf(Optional<Figure> a, Optional<Figure> b,
      java.util.function.ToDoubleFunction<Figure> value) {
    if (a.isEmpty() || b.isEmpty()) {
      return NONE;
    }
    return ratio(value.applyAsDouble(a.get()) / value.applyAsDouble(b.get()));
  }

  static String ratio(double r) {
    if (Double.isNaN(r) || Double.isInfinite(r)) {
      return NONE;
    }
    return String.format(Locale.ROOT, r >= 10 ? "%.0f×" : "%.2f×", r);
  }

  private static String count(int n) {
    return String.format(Locale.ROOT, "%,d", n);
  }

  static String fmt(double v) {
    if (Double.isNaN(v)) {
      return NONE;
    }
    double a = Math.abs(v);
    if (a >= 1000) {
      return String.format(Locale.ROOT, "%,.0f", v);
    }
    if (a >= 100) {
      return String.format(Locale.ROOT, "%.0f", v);
    }
    if (a >= 10) {
      return String.format(Locale.ROOT, "%.1f", v);
    }
    return String.format(Locale.ROOT, "%.2f", v);
  }

  private void line(String text) {
    md.append(text).append('\n');
  }
}
