package dev.pbj.cli;

import dev.pbj.ProviderNotFoundException;
import dev.pbj.cli.demo.DemoRoot;
import dev.pbj.cli.demo.DemoTypes;
import dev.pbj.cli.demo.DemoWorld;
import dev.pbj.cluster.redis.RedisCluster;
import dev.pbj.core.PbServer;
import dev.pbj.core.ProviderRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * {@code pbj serve}: serves one {@link DemoRoot} with the demo portal (so the same port answers {@code login} and
 * {@code loginAnonymous}) and the demo's copy types ({@link DemoTypes}), every connection sharing one
 * {@link DemoWorld}. A {@code tls://} listener serves with the certificate and key of its {@link TlsFiles} (and with a
 * client CA, only to clients holding a certificate it signed). Prints {@code listening URI} per listener once all are
 * bound, and runs until the JVM is told
 * to stop (SIGTERM, SIGINT: a shutdown hook shuts the server down gracefully) or, with {@code --until-stdin-closes}, until
 * standard input reaches its end, which lets a parent process tie the server's life to its own. With
 * {@code --cluster redis://HOST:PORT}, the demo room is one with every server's given the same Redis
 * ({@link #joinCluster}); the cluster closes after the server, so that its users' leaving reaches the others.
 */
final class ServeCommand implements Command {
  private final List<URI> listeners;
  private final List<String> serializers;
  private final TlsFiles tls;
  private final boolean untilStdinCloses;
  /** A user's root class to serve instead of the demo's, or null. */
  private final String rootClass;
  private final List<java.nio.file.Path> classPath;
  private final Tuning tuning;

  /**
   * Options for deploying behind a proxy and at scale.
   *
   * @param proxyProtocol the proxies whose PROXY header TCP listeners take, or null: none read
   * @param trustedProxies the proxies whose forwarded headers WebSocket listeners believe, or null: nobody's
   * @param maxConnections the server's limit of connections, or null: the default
   * @param cluster the Redis through which the demo room is shared with other servers, or null: this server's alone
   */
  record Tuning(dev.pbj.TrustedProxies proxyProtocol, dev.pbj.TrustedProxies trustedProxies,
      Integer maxConnections, URI cluster) {
    void applyTo(PbServer.Builder builder) {
      if (proxyProtocol != null) {
        builder.proxyProtocol(proxyProtocol);
      }
      if (trustedProxies != null) {
        builder.trustedProxies(trustedProxies);
      }
      if (maxConnections != null) {
        builder.limits(dev.pbj.Limits.builder().maxConnections(maxConnections).build());
      }
    }
  }

  /**
   * @param tls the files of the {@code tls://} listeners; null when there is none
   * @param rootClass a user's root class to serve ({@link UserRoot}) from {@code classPath}; null: the demo
   */
  ServeCommand(List<URI> listeners, List<String> serializers, TlsFiles tls, boolean untilStdinCloses,
      String rootClass, List<java.nio.file.Path> classPath, Tuning tuning) {
    this.listeners = List.copyOf(listeners);
    this.serializers = List.copyOf(serializers);
    this.tls = tls;
    this.untilStdinCloses = untilStdinCloses;
    this.rootClass = rootClass;
    this.classPath = List.copyOf(classPath);
    this.tuning = tuning;
  }

  @Override
  public int run(InputStream in, PrintStream out, PrintStream err) {
    String missing = missingTransport();
    if (missing != null) {
      err.println("pbj serve: " + missing);
      return FAILURE;
    }
    PbServer server;
    RedisCluster cluster = tuning.cluster() == null ? null : joinCluster(tuning.cluster());
    try {
      PbServer.Builder builder = PbServer.builder();
      if (rootClass != null) {
        builder.root(UserRoot.load(rootClass, classPath)); // the user's root alone: no demo portal or types
      } else {
        DemoWorld world = cluster == null ? new DemoWorld() : new DemoWorld(cluster);
        builder.root(new DemoRoot(world)).portal(world.portal()).copies(DemoTypes.registry());
      }
      listeners.forEach(uri -> builder.listen(uri.toString()));
      if (!serializers.isEmpty()) {
        builder.serializers(serializers.toArray(String[]::new));
      }
      if (tls != null) {
        builder.tls(tls.server());
      }
      tuning.applyTo(builder);
      server = builder.build().start();
    } catch (ProviderNotFoundException | IllegalStateException | IllegalArgumentException e) {
      if (cluster != null) {
        cluster.close();
      }
      err.println("pbj serve: " + e.getMessage());
      return FAILURE;
    }

    List<String> lines = new ArrayList<>();
    for (int i = 0; i < listeners.size(); i++) {
      lines.add("listening " + server.uri(i));
    }
    return runUntilStopped(() -> {
      shutDown(server);
      if (cluster != null) {
        cluster.close(); // after the server: its users leaving the room still reach the other servers
      }
    }, lines, untilStdinCloses, in, out, "pbj-serve");
  }

  /** How long a starting server waits for Redis, to read the room so far, before it serves without. */
  static final Duration CLUSTER_JOIN = Duration.ofSeconds(5);

  /**
   * The cluster on {@code uri}, connected and the room's log read, or (Redis unreachable for
   * {@link #CLUSTER_JOIN}; the cluster has logged why) still trying: the server serves its own room meanwhile.
   */
  static RedisCluster joinCluster(URI uri) {
    RedisCluster cluster = RedisCluster.connect(uri);
    try {
      cluster.awaitConnected(CLUSTER_JOIN);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return cluster;
  }

  /** How long a stopping server lets the calls in flight finish. */
  static final Duration SHUTDOWN_GRACE = Duration.ofSeconds(10);

  /**
   * Shuts {@code server} down gracefully: no new connections or calls, the calls in flight finish within
   * {@link #SHUTDOWN_GRACE}, then it closes.
   */
  static void shutDown(PbServer server) {
    shutDown(server, SHUTDOWN_GRACE);
  }

  /** Like {@link #shutDown(PbServer)} with another grace ({@code pbj demo}'s pages hold calls open: a short one). */
  static void shutDown(PbServer server, Duration grace) {
    server.shutdown(grace);
    try {
      server.awaitTermination(grace.plusSeconds(5));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    server.close();
  }

  /**
   * Prints {@code lines} (flushed), then waits until the JVM is told to stop (a shutdown hook runs
   * {@code close}) or, with {@code untilStdinCloses}, until {@code in} reaches its end; then runs {@code close}
   * (once, whichever came first) and returns {@link #OK}. Shared by {@code serve} and {@code demo}.
   */
  static int runUntilStopped(Runnable close, List<String> lines, boolean untilStdinCloses, InputStream in,
      PrintStream out, String threadName) {
    CompletableFuture<Void> stop = new CompletableFuture<>();
    AtomicBoolean closed = new AtomicBoolean();
    Runnable closeOnce = () -> {
      if (closed.compareAndSet(false, true)) {
        close.run();
      }
    };
    Thread shutdownHook = new Thread(() -> {
      closeOnce.run();
      stop.complete(null);
    }, threadName + "-shutdown");
    Runtime.getRuntime().addShutdownHook(shutdownHook);
    try {
      lines.forEach(out::println);
      out.flush();
      if (untilStdinCloses) {
        Thread watcher = new Thread(() -> {
          drain(in);
          stop.complete(null);
        }, threadName + "-stdin");
        watcher.setDaemon(true);
        watcher.start();
      }
      stop.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException e) {
      throw new AssertionError("stop never fails", e);
    } finally {
      try {
        Runtime.getRuntime().removeShutdownHook(shutdownHook);
      } catch (IllegalStateException shuttingDown) {
        // the hook is running, or has run, and closes the server
      }
      closeOnce.run();
    }
    return OK;
  }

  /** Why a listener's transport is missing, or null when every one is on the class path. */
  private String missingTransport() {
    for (URI uri : listeners) {
      try {
        ProviderRegistry.getDefault().transport(uri.getScheme());
      } catch (ProviderNotFoundException e) {
        return uri.getScheme().equals("ws")
            ? "--ws needs the WebSocket transport, which is not available yet: this build of pbj does not "
                + "include dev.pbj:pb-transport-websocket"
            : e.getMessage();
      }
    }
    return null;
  }

  private static void drain(InputStream in) {
    byte[] buffer = new byte[4096];
    try {
      while (in.read(buffer) >= 0) {
        // discard: only the end matters
      }
    } catch (IOException e) {
      // a broken standard input counts as closed
    }
  }
}
