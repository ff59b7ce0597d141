package dev.pbj.bench;

import dev.pbj.bench.codec.Codec;
import dev.pbj.bench.codec.Message;
import dev.pbj.bench.report.Results;
import dev.pbj.bench.report.ReportWriter;
import dev.pbj.bench.report.RunInfo;
import dev.pbj.bench.report.ConnectionsRun;
import dev.pbj.bench.report.TwistedRun;
import dev.pbj.bench.wire.ServerProcess;
import dev.pbj.core.ProviderRegistry;
import dev.pbj.spi.SerializerProvider;
import dev.pbj.spi.TransportProvider;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;

/**
 * Runs pb-bench and writes the report: {@code java -jar pb-bench/target/benchmarks.jar [options]}.
 *
 * <pre>
 *   --quick          the default: about four minutes on two cores
 *   --full           longer iterations, two forks, every pinned configuration (tens of minutes)
 *   --smoke          one short iteration of everything in this JVM (what the test suite runs)
 *   --out DIR        where report.md and the charts go (default: target/report beside the jar)
 *   --no-pinned      skip the pass pinned to one CPU
 *   --no-twisted     skip the Twisted PB reference
 *   --python PATH    the Python with Twisted (default: $PBJ_PYTHON, else /usr/bin/python3)
 *   --pbj-jar PATH   the pbj.jar whose {@code serve} the wire client drives (default: pb-cli/target/pbj.jar of this
 *                    source tree, else pb-cli's Main from this class path)
 *   jmh ARGS…        run JMH's own command line instead, e.g. {@code jmh -l} or {@code jmh CodecBenchmark -prof gc}
 * </pre>
 *
 * JMH passes with {@code -prof gc}: the codecs; the end-to-end benchmarks and their peers; the throughput floor
 * (raw Netty, server in a process of its own) and the servers under the independent PB wire client ({@code pbj
 * serve}, Twisted PB, a raw Netty echo, each in a process of its own); and the key configurations again in a JVM
 * pinned to CPU 0 ({@code taskset -c 0}). Then the Twisted script, then {@code report.md} and the PNG charts.
 */
public final class Report {

  /** How long to measure. */
  public enum Profile {
    SMOKE(new Timing(0, 0, 0, 1, 50), new Timing(0, 0, 0, 1, 50), new Timing(0, 0, 0, 1, 50),
        new Timing(0, 0, 0, 1, 50), List.of("--calls", "50", "--warmup", "10", "--seconds", "0.2"),
        new ConnectionsRun.Size(40, 4, 0, 1)),
    QUICK(new Timing(1, 5, 200, 2, 300), new Timing(1, 2, 500, 2, 400), new Timing(1, 2, 1000, 2, 400),
        new Timing(1, 3, 1000, 2, 1000), List.of("--calls", "2000", "--warmup", "500", "--seconds", "1"),
        new ConnectionsRun.Size(2_000, 200, 2, 4)),
    FULL(new Timing(2, 5, 1000, 5, 1000), new Timing(2, 4, 2000, 5, 2000), new Timing(2, 6, 2000, 5, 2000),
        new Timing(2, 6, 2000, 5, 2000), List.of("--calls", "20000", "--warmup", "5000", "--seconds", "5"),
        new ConnectionsRun.Size(15_000, 1_000, 5, 10));

    final Timing codecs;
    final Timing endToEnd;
    /**
     * The other stacks warm up for longer than PBJ: gRPC-java's JIT warm-up is long (on a busy two-core machine its
     * median kept falling for about ten seconds of calls), and under-warming a peer would flatter PBJ.
     */
    final Timing peers;
    /**
     * The figures the targets are read from: the pinned pass, PBJ and peers alike, and PBJ's tcp/msgpack and
     * ws/msgpack unpinned.
     * PBJ's JIT needs seconds to warm (on one CPU it competes with the benchmark), so these get the longer look.
     */
    final Timing pinned;
    final List<String> twistedArgs;
    /** The many-connections pass: one server, idle connections and a share of them calling. */
    final ConnectionsRun.Size connections;

    Profile(Timing codecs, Timing endToEnd, Timing peers, Timing pinned, List<String> twistedArgs,
        ConnectionsRun.Size connections) {
      this.codecs = codecs;
      this.endToEnd = endToEnd;
      this.peers = peers;
      this.pinned = pinned;
      this.twistedArgs = twistedArgs;
      this.connections = connections;
    }
  }

  /** JMH's forks, warmup and measurement iterations (count and milliseconds each). */
  record Timing(int forks, int warmups, int warmupMillis, int iterations, int iterationMillis) {
    String describe() {
      return (forks == 0 ? "in this JVM" : forks + " fork" + (forks > 1 ? "s" : "")) + ", "
          + (warmups == 0 ? "no warmup" : warmups + "×" + warmupMillis + " ms warmup") + ", " + iterations + "×"
          + iterationMillis + " ms measured";
    }
  }

  /**
   * What to run.
   *
   * @param out the report directory
   * @param pinned whether to run the pass pinned to one CPU (needs {@code taskset}; not in smoke runs)
   * @param twisted whether to run the Twisted reference
   * @param python the Python interpreter that has Twisted
   * @param pbjJar the {@code pbj.jar} to serve from, or null to find it (see {@link ServerProcess#pbjServe()})
   */
  public record Settings(Profile profile, Path out, boolean pinned, boolean twisted, String python, Path pbjJar) {
  }

  /**
   * What a run produced.
   *
   * @param report the Markdown file
   * @param missing expected figures with no result (benchmarks that failed)
   * @param notes what was left out and why (providers not on the class path, Twisted missing …)
   */
  public record Outcome(Path report, List<String> missing, List<String> notes) {
  }

  private static final List<String> SERIALIZERS = List.of("banana", "msgpack");
  private static final List<String> TRANSPORTS = List.of("tcp", "ws");
  private static final String PBJ_E2E = "dev\\.pbj\\.bench\\.e2e\\..*";
  private static final String PEERS = "dev\\.pbj\\.bench\\.peers\\..*";
  private static final String FLOOR = "dev\\.pbj\\.bench\\.wire\\.FloorThroughputBenchmark\\..*";
  private static final String SERVERS = "dev\\.pbj\\.bench\\.wire\\.ServerThroughputBenchmark\\..*";
  private static final String WS_FLOOR = "dev\\.pbj\\.bench\\.wire\\.WebSocket(Floor|LatencyFloor)Benchmark\\..*";

  private Report() {}

  public static void main(String[] args) throws Exception {
    if (args.length > 0 && "jmh".equals(args[0])) {
      org.openjdk.jmh.Main.main(Arrays.copyOfRange(args, 1, args.length));
      return;
    }
    Settings settings = parse(args);
    Outcome outcome = run(settings);
    System.out.println();
    System.out.println("report: " + outcome.report().toAbsolutePath());
    outcome.notes().forEach(note -> System.out.println("not measured: " + note));
    outcome.missing().forEach(missing -> System.out.println("NO RESULT: " + missing));
    System.exit(outcome.missing().isEmpty() ? 0 : 1);
  }

  static Settings parse(String[] args) {
    Profile profile = Profile.QUICK;
    Path out = null;
    boolean pinned = true;
    boolean twisted = true;
    String python = System.getenv().getOrDefault("PBJ_PYTHON", "/usr/bin/python3");
    Path pbjJar = null;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--quick" -> profile = Profile.QUICK;
        case "--full" -> profile = Profile.FULL;
        case "--smoke" -> profile = Profile.SMOKE;
        case "--no-pinned" -> pinned = false;
        case "--no-twisted" -> twisted = false;
        case "--out" -> out = Paths.get(value(args, ++i, "--out"));
        case "--python" -> python = value(args, ++i, "--python");
        case "--pbj-jar" -> pbjJar = Paths.get(value(args, ++i, "--pbj-jar"));
        case "-h", "--help" -> {
          System.out.println("usage: java -jar benchmarks.jar [--quick | --full | --smoke] [--out DIR] "
              + "[--no-pinned] [--no-twisted] [--python PATH] [--pbj-jar PATH]\n"
              + "       java -jar benchmarks.jar jmh [JMH options]");
          System.exit(0);
        }
        default -> throw new IllegalArgumentException("unknown option " + args[i] + " (try --help)");
      }
    }
    return new Settings(profile, out != null ? out : defaultOut(), pinned, twisted, python, pbjJar);
  }

  private static String value(String[] args, int index, String option) {
    if (index >= args.length) {
      throw new IllegalArgumentException(option + " needs a value");
    }
    return args[index];
  }

  /** {@code target/report} beside {@code target/benchmarks.jar}; {@code target/report} when not run from a jar. */
  private static Path defaultOut() {
    try {
      Path code = Paths.get(Report.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      return code.getParent().resolve("report");
    } catch (URISyntaxException | RuntimeException e) {
      return Paths.get("target", "report");
    }
  }

  /** Runs every pass and writes the report. */
  public static Outcome run(Settings settings) throws IOException, RunnerException {
    Instant started = Instant.now();
    double loadBefore = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    Files.createDirectories(settings.out());
    Profile profile = settings.profile();
    Results results = new Results();

    ProviderRegistry registry = ProviderRegistry.getDefault();
    List<String> serializers = SERIALIZERS.stream().filter(name -> registry.serializers().stream()
        .map(SerializerProvider::name).anyMatch(name::equals)).toList();
    List<String> transports = TRANSPORTS.stream().filter(scheme -> registry.transports().stream()
        .map(TransportProvider::schemes).anyMatch(schemes -> schemes.contains(scheme))).toList();
    for (String missing : SERIALIZERS) {
      if (!serializers.contains(missing)) {
        results.note("serializer " + missing + ": not on the class path (dev.pbj:pb-serial-" + missing
            + "), so its rows are absent");
      }
    }
    for (String missing : TRANSPORTS) {
      if (!transports.contains(missing)) {
        results.note("transport " + missing + ": not on the class path (dev.pbj:pb-transport-websocket), so its "
            + "rows are absent");
      }
    }
    List<String> codecs = new ArrayList<>(serializers);
    codecs.add("kryo");
    for (String codec : codecs) {
      Codec c = Codec.named(codec);
      for (Message message : Message.values()) {
        results.wireBytes(codec, message, c.encode(message).length);
      }
    }

    List<String> described = new ArrayList<>();
    ChainedOptionsBuilder codecPass = options(profile.codecs, settings, "codecs")
        .include("dev\\.pbj\\.bench\\.codec\\.CodecBenchmark\\..*")
        .param("codec", codecs.toArray(String[]::new));
    described.add("codecs: " + profile.codecs.describe());
    results.add(run(codecPass), false);

    if (profile == Profile.QUICK && transports.contains("tcp") && serializers.contains("msgpack")) {
      // tcp/msgpack and ws/msgpack, the configurations the targets name, get the longer look: PBJ's JIT needs
      // seconds to warm (ws/msgpack did 20 k calls/s at 128 in flight after 2×500 ms of warm-up, 87 k after 3×2 s)
      List<String> targeted = new ArrayList<>(List.of("tcp"));
      if (transports.contains("ws")) {
        targeted.add("ws");
      }
      for (String transport : transports) {
        List<String> rest = new ArrayList<>(serializers);
        if (targeted.contains(transport)) {
          rest.remove("msgpack");
        }
        if (!rest.isEmpty()) {
          ChainedOptionsBuilder pass = options(profile.endToEnd, settings, "e2e-" + transport).include(PBJ_E2E);
          restrict(pass, rest, List.of(transport));
          results.add(run(pass), false);
        }
      }
      ChainedOptionsBuilder targets = options(profile.pinned, settings, "e2e-targets").include(PBJ_E2E);
      restrict(targets, List.of("msgpack"), targeted);
      results.add(run(targets), false);
      described.add("PBJ end to end: " + profile.endToEnd.describe() + "; " + String.join(" and ",
          targeted.stream().map(t -> t + "/msgpack").toList()) + " " + profile.pinned.describe());
    } else {
      ChainedOptionsBuilder e2ePass = options(profile.endToEnd, settings, "e2e").include(PBJ_E2E);
      restrict(e2ePass, serializers, transports);
      described.add("PBJ end to end: " + profile.endToEnd.describe());
      results.add(run(e2ePass), false);
    }

    ChainedOptionsBuilder peerPass = options(profile.peers, settings, "peers").include(PEERS);
    described.add("Netty (latency), gRPC, RMI end to end: " + profile.peers.describe());
    results.add(run(peerPass), false);

    // the throughput floor, and the byte echo beside it at 128 in flight
    results.add(run(options(profile.peers, settings, "floor").include(FLOOR).param("echo", "frames")), false);
    results.add(run(options(profile.peers, settings, "floor-bytes").include(FLOOR).param("echo", "bytes")
        .param("inflight", "128")), false);
    described.add("throughput floor (raw Netty, echo server in its own process): " + profile.peers.describe());
    if (transports.contains("ws")) {
      // the WebSocket floor: a raw Undertow echo of PBJ's ws/msgpack frames, pipelined and with a blocking caller
      results.add(run(options(profile.peers, settings, "ws-floor").include(WS_FLOOR)), false);
      described.add("WebSocket floor (raw Undertow echo in its own process; a raw client pipelining, and a blocking "
          + "caller): " + profile.peers.describe());
    }
    List<String> servers = new ArrayList<>(List.of("pbj", "netty"));
    String noTwisted = settings.twisted() ? TwistedRun.unavailable(settings.python()) : "skipped (--no-twisted)";
    if (noTwisted == null) {
      servers.add(1, "twisted");
    } else {
      results.note("Twisted PB's server under the independent PB wire client: " + noTwisted);
    }
    Path pbjJar = settings.pbjJar() != null ? settings.pbjJar() : ServerProcess.pbjJar();
    // pbj serve's JIT takes seconds to warm, as PBJ's does in the end-to-end pass: the longer look
    results.add(run(options(profile.pinned, settings, "servers").include(SERVERS)
        .param("server", servers.toArray(String[]::new))), false);
    described.add("servers under the independent PB wire client (" + String.join(", ", servers) + "; `pbj serve` "
        + (pbjJar != null ? "from " + pbjJar : "from this class path, pb-cli's Main") + "), each in its own "
        + "process: " + profile.pinned.describe());

    // many connections on one server, each transport in a JVM of its own (server) beside one for the clients
    for (String transport : transports) {
      System.out.println("# connections: " + transport + ", " + profile.connections.describe());
      results.connections(ConnectionsRun.run(transport, profile.connections,
          settings.out().resolve("connections-" + transport + ".log"), 600));
    }
    described.add("connections (`dev.pbj.bench.conn.Connections`, server and clients in JVMs of their own, the "
        + "clients' TCP connections from 16 source addresses of 127.0.0.0/8): " + profile.connections.describe());

    List<String> pinnedSerializers = List.of();
    boolean pinned = settings.pinned() && profile != Profile.SMOKE && transports.contains("tcp");
    if (settings.pinned() && profile != Profile.SMOKE && !pinned) {
      results.note("pinned pass: needs the tcp transport");
    }
    Path taskset = Stream.of("/usr/bin/taskset", "/bin/taskset").map(Paths::get).filter(Files::isExecutable)
        .findFirst().orElse(null);
    if (pinned && taskset == null) {
      results.note("pinned pass: taskset (util-linux) not found");
      pinned = false;
    }
    if (pinned) {
      // quick: the configurations the targets name (tcp/msgpack, else banana; 128 in flight); full: all of tcp
      boolean all = profile == Profile.FULL;
      pinnedSerializers = all || serializers.size() < 2 ? serializers
          : List.of(serializers.contains("msgpack") ? "msgpack" : serializers.get(0));
      String jvm = pinnedJvm(settings.out(), taskset).toString();
      ChainedOptionsBuilder pinnedPass = options(profile.pinned, settings, "e2e-pinned")
          .include("dev\\.pbj\\.bench\\.e2e\\.PbjLatencyBenchmark\\..*")
          .include("dev\\.pbj\\.bench\\.e2e\\.PbjThroughputBenchmark\\..*")
          .jvm(jvm);
      restrict(pinnedPass, pinnedSerializers, List.of("tcp"));
      ChainedOptionsBuilder pinnedPeers = options(profile.pinned, settings, "peers-pinned")
          .include("dev\\.pbj\\.bench\\.peers\\.PeerLatencyBenchmark\\..*")
          .jvm(jvm);
      ChainedOptionsBuilder pinnedFloor = options(profile.pinned, settings, "floor-pinned").include(FLOOR)
          .param("echo", "frames").jvm(jvm);
      if (!all) {
        // the throughput target compares with the floor only
        pinnedPass.param("inflight", "128");
        pinnedFloor.param("inflight", "128");
      }
      described.add("pinned to CPU 0 (`taskset -c 0`, the whole JVM and the floor's echo server): tcp/"
          + String.join(", tcp/", pinnedSerializers) + " and the peers, latency and throughput" + (all ? ""
          : " at 128 in flight (the Netty floor's only)") + ", " + profile.pinned.describe());
      results.add(run(pinnedPass), true);
      results.add(run(pinnedPeers), true);
      results.add(run(pinnedFloor), true);
      if (all) {
        results.add(run(options(profile.pinned, settings, "peers-throughput-pinned")
            .include("dev\\.pbj\\.bench\\.peers\\.PeerThroughputBenchmark\\..*").jvm(jvm)), true);
      }
    }

    if (settings.twisted()) {
      System.out.println("# Twisted PB reference: " + settings.python() + " twisted_echo_bench.py "
          + String.join(" ", profile.twistedArgs));
      results.twisted(TwistedRun.run(settings.python(), settings.out(), profile.twistedArgs, 600));
      described.add("Twisted: " + String.join(" ", profile.twistedArgs));
    }

    long seconds = ChronoUnit.SECONDS.between(started, Instant.now());
    double loadAfter = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    RunInfo info = new RunInfo(profile.name().toLowerCase(Locale.ROOT), described, serializers, transports,
        pinnedSerializers, servers, machine(), loadBefore, loadAfter, seconds,
        started.truncatedTo(ChronoUnit.SECONDS).toString());
    List<String> missing = ReportWriter.write(results, info, settings.out());
    return new Outcome(settings.out().resolve("report.md"), missing, results.notes());
  }

  private static ChainedOptionsBuilder options(Timing timing, Settings settings, String pass) {
    ChainedOptionsBuilder options = new OptionsBuilder()
        .addProfiler(GCProfiler.class)
        .shouldFailOnError(false)
        .forks(timing.forks())
        .warmupIterations(timing.warmups())
        .measurementIterations(timing.iterations())
        .measurementTime(TimeValue.milliseconds(timing.iterationMillis()))
        .timeout(TimeValue.seconds(60))
        .jvmArgs("-Xms1g", "-Xmx1g", "-Djava.awt.headless=true", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
            "-Dorg.jboss.logging.provider=slf4j")
        .result(settings.out().resolve("jmh-" + pass + ".json").toString())
        .resultFormat(ResultFormatType.JSON);
    if (timing.warmups() > 0) {
      options.warmupTime(TimeValue.milliseconds(timing.warmupMillis()));
    }
    if (settings.profile() == Profile.SMOKE) {
      options.verbosity(VerboseMode.SILENT);
    }
    // where the wire benchmarks find their servers: JMH's forks get them as arguments, an unforked run here
    Path pbjJar = settings.pbjJar();
    if (timing.forks() == 0) {
      System.setProperty(ServerProcess.PYTHON_PROPERTY, settings.python());
      if (pbjJar != null) {
        System.setProperty(ServerProcess.PBJ_JAR_PROPERTY, pbjJar.toString());
      }
    } else {
      List<String> properties = new ArrayList<>();
      properties.add("-D" + ServerProcess.PYTHON_PROPERTY + "=" + settings.python());
      if (pbjJar != null) {
        properties.add("-D" + ServerProcess.PBJ_JAR_PROPERTY + "=" + pbjJar.toAbsolutePath());
      }
      options.jvmArgsAppend(properties.toArray(String[]::new)); // one call: a second would replace the first
    }
    return options;
  }

  private static void restrict(ChainedOptionsBuilder options, List<String> serializers, List<String> transports) {
    options.param("serializer", serializers.toArray(String[]::new));
    options.param("transport", transports.toArray(String[]::new));
    // the report's fan-out is to 100 observers; 1,000 (JMH) and 10,000 (conn.Fanout) are run by hand
    options.param("observers", "100");
  }

  private static Collection<RunResult> run(ChainedOptionsBuilder options) throws RunnerException {
    return new Runner(options.build()).run();
  }

  /** A launcher JMH uses as its JVM: the same java, started under {@code taskset -c 0}. */
  private static Path pinnedJvm(Path dir, Path taskset) throws IOException {
    Path script = dir.resolve("java-pinned.sh");
    String java = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
    Files.writeString(script, "#!/bin/sh\nexec " + taskset + " -c 0 '" + java + "' \"$@\"\n");
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
    return script;
  }

  private static String machine() {
    String cpu = "unknown CPU";
    try (Stream<String> lines = Files.lines(Paths.get("/proc/cpuinfo"))) {
      cpu = lines.filter(l -> l.startsWith("model name")).map(l -> l.substring(l.indexOf(':') + 1).strip())
          .findFirst().orElse(cpu);
    } catch (IOException | RuntimeException e) {
      // not Linux: leave it unknown
    }
    return Runtime.getRuntime().availableProcessors() + " cores (" + cpu + "), " + System.getProperty("os.name")
        + " " + System.getProperty("os.version") + ", Java " + System.getProperty("java.vm.version") + " ("
        + System.getProperty("java.vm.name") + ")";
  }
}
