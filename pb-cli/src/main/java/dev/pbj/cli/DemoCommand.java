package dev.pbj.cli;

import dev.pbj.ProviderNotFoundException;
import dev.pbj.cli.demo.DemoRoot;
import dev.pbj.cli.demo.DemoTypes;
import dev.pbj.cli.demo.DemoWorld;
import dev.pbj.cluster.redis.RedisCluster;
import dev.pbj.core.PbServer;
import dev.pbj.core.ProviderRegistry;
import dev.pbj.websocket.WebSocketTransportProvider;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.URI;
import java.util.List;
import java.util.Map;

/**
 * {@code pbj demo}: the server of {@code pbj serve} (one {@link DemoRoot} on one {@link DemoWorld}, the demo portal
 * and copy types) on TCP and WebSocket at once, so that Java, Twisted and browser clients share one room, plus the
 * browser demo ({@link DemoSite}) on the WebSocket port: the chat page at {@code /} and the JavaScript client at
 * {@code /pbj-client.js}; with {@code --tls}, on a TLS listener too. Prints {@code listening tcp://…},
 * {@code listening ws://…/pb}, {@code listening tls://…} (with {@code --tls}) and {@code open http://HOST:PORT/}, then
 * runs as {@code serve} does. With {@code --cluster redis://HOST:PORT}, the room is one with every server's given the
 * same Redis ({@link dev.pbj.cli.demo.Room#Room(String, RedisCluster)}).
 */
final class DemoCommand implements Command {
  static final String DEFAULT_WS = "127.0.0.1:8790";

  private final URI tcp;
  private final URI ws;
  private final URI tls;
  private final TlsFiles tlsFiles;
  private final boolean untilStdinCloses;
  private final URI cluster;

  /**
   * @param tls a {@code tls://} listener, or null; then {@code tlsFiles} is null too
   * @param cluster the Redis through which the room is shared with other servers, or null: this server's alone
   */
  DemoCommand(URI tcp, URI ws, URI tls, TlsFiles tlsFiles, boolean untilStdinCloses, URI cluster) {
    this.tcp = tcp;
    this.ws = ws;
    this.tls = tls;
    this.tlsFiles = tlsFiles;
    this.untilStdinCloses = untilStdinCloses;
    this.cluster = cluster;
  }

  /** What the demo page's command-line hint says until the TCP address is known. */
  static final String CLI_HINT_ADDRESS = "tcp://HOST:PORT";

  @Override
  public int run(InputStream in, PrintStream out, PrintStream err) {
    Map<String, DemoSite.Resource> site;
    try {
      site = DemoSite.load(DemoCommand.class.getClassLoader());
    } catch (IOException e) {
      err.println("pbj demo: " + e.getMessage());
      return FAILURE;
    }
    WebSocketTransportProvider.Builder webSocket = WebSocketTransportProvider.builder();
    // the page's command-line hint names the TCP address, known once the server listens
    java.util.concurrent.atomic.AtomicReference<String> tcpAddress = new java.util.concurrent.atomic.AtomicReference<>(
        CLI_HINT_ADDRESS);
    site.forEach((path, resource) -> {
      if (resource.contentType().startsWith("text/html")) {
        String page = new String(resource.body(), java.nio.charset.StandardCharsets.UTF_8);
        webSocket.staticResource(path, resource.contentType(),
            () -> page.replace(CLI_HINT_ADDRESS, tcpAddress.get()).getBytes(java.nio.charset.StandardCharsets.UTF_8));
      } else {
        webSocket.staticResource(path, resource.contentType(), resource.body());
      }
    });
    WebSocketTransportProvider transport = webSocket.build();
    // the configured provider first: for a scheme, the first provider of a class wins over ServiceLoader's
    ProviderRegistry registry = ProviderRegistry.builder()
        .addTransport(transport)
        .loadServices(DemoCommand.class.getClassLoader())
        .build();
    PbServer server;
    RedisCluster shared = cluster == null ? null : ServeCommand.joinCluster(cluster);
    try {
      DemoWorld world = shared == null ? new DemoWorld() : new DemoWorld(shared);
      PbServer.Builder builder = PbServer.builder()
          .registry(registry)
          .root(new DemoRoot(world))
          .portal(world.portal())
          .copies(DemoTypes.registry())
          .listen(tcp)
          .listen(ws);
      if (tls != null) {
        builder.listen(tls).tls(tlsFiles.server());
      }
      server = builder.build().start();
    } catch (ProviderNotFoundException | IllegalStateException | IllegalArgumentException e) {
      transport.close();
      if (shared != null) {
        shared.close();
      }
      err.println("pbj demo: " + e.getMessage());
      return FAILURE;
    }
    URI wsUri = server.uri(1);
    String host = wsUri.getHost();
    if (host.equals("0.0.0.0") || host.equals("[::]") || host.equals("[0:0:0:0:0:0:0:0]")) {
      host = "127.0.0.1"; // bound to every address: this machine's loopback is one of them
    }
    List<String> lines = new java.util.ArrayList<>(List.of("listening " + server.uri(0), "listening " + wsUri));
    if (tls != null) {
      lines.add("listening " + server.uri(2));
    }
    lines.add("open http://" + host + ":" + wsUri.getPort() + "/");
    URI tcpUri = server.uri(0);
    String tcpHost = tcpUri.getHost();
    tcpAddress.set("tcp://" + (tcpHost.equals("0.0.0.0") || tcpHost.startsWith("[") && tcpHost.endsWith("::]")
        ? "127.0.0.1" : tcpHost) + ":" + tcpUri.getPort());
    return ServeCommand.runUntilStopped(() -> {
      ServeCommand.shutDown(server, java.time.Duration.ofSeconds(2));
      transport.close();
      if (shared != null) {
        shared.close(); // after the server: its users leaving the room still reach the other servers
      }
    }, lines, untilStdinCloses, in, out, "pbj-demo");
  }
}
