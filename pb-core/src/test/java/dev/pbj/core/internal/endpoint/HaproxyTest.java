package dev.pbj.core.internal.endpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pbj.Broker;
import dev.pbj.Referenceable;
import dev.pbj.Remote;
import dev.pbj.TrustedProxies;
import dev.pbj.core.PbClient;
import dev.pbj.core.PbServer;
import dev.pbj.core.internal.connection.BrokerImpl;
import dev.pbj.core.internal.wire.DialectHandshake;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Servers behind a real HAProxy (Debian's {@code haproxy}, started here on loopback) that sends the PROXY protocol,
 * v2 to one server and v1 to the other: each sees the client's own address and port; and the refusals, tried with
 * a raw socket: a header from an untrusted address, a malformed one, none at all.
 */
class HaproxyTest {
  private static final Path HAPROXY = Path.of("/usr/sbin/haproxy");

  @TempDir
  Path dir;
  private Process haproxy;
  private final List<AutoCloseable> open = new java.util.ArrayList<>();

  /** Answers who it is and who it believes is calling. */
  public static final class WhoRoot implements Referenceable {
    private final String name;
    private final Broker broker;

    WhoRoot(String name, Broker broker) {
      this.name = name;
      this.broker = broker;
    }

    @Remote
    public List<String> who() {
      return List.of(name, broker.remoteAddress().toString());
    }
  }

  @AfterEach
  void stop() throws Exception {
    if (haproxy != null) {
      haproxy.destroy();
      haproxy.waitFor(10, TimeUnit.SECONDS);
    }
    for (AutoCloseable closeable : open) {
      closeable.close();
    }
  }

  private static void requireHaproxy() {
    if (!Files.isExecutable(HAPROXY)) {
      String hint = "HAProxy is missing: apt-get install -y haproxy";
      if ("true".equals(System.getenv("CI"))) {
        throw new AssertionError(hint + " (.ci/run installs it)");
      }
      Assumptions.abort(hint);
    }
  }

  private PbServer server(String name, TrustedProxies proxies, java.util.function.Consumer<Broker> onConnect) {
    PbServer server = PbServer.builder().rootFactory(broker -> new WhoRoot(name, broker)).proxyProtocol(proxies)
        .onConnect(onConnect).listen("tcp://127.0.0.1:0").build().start();
    open.add(server);
    return server;
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  /** Starts HAProxy listening on a free port, balancing over {@code servers}, each line a server's options. */
  private int startHaproxy(List<String> servers) throws Exception {
    int port = freePort();
    StringBuilder config = new StringBuilder("""
        global
          maxconn 200
        defaults
          mode tcp
          timeout connect 5s
          timeout client 60s
          timeout server 60s
        frontend pb
          bind 127.0.0.1:%d
          default_backend pbj
        backend pbj
          balance roundrobin
        """.formatted(port));
    for (int i = 0; i < servers.size(); i++) {
      config.append("  server s").append(i).append(' ').append(servers.get(i)).append('\n');
    }
    Path file = dir.resolve("haproxy.cfg");
    Files.writeString(file, config);
    haproxy = new ProcessBuilder(HAPROXY.toString(), "-db", "-f", file.toString())
        .redirectErrorStream(true).redirectOutput(dir.resolve("haproxy.log").toFile()).start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (true) { // listening once a connection is taken
      try (Socket probe = new Socket("127.0.0.1", port)) {
        return port;
      } catch (IOException notYet) {
        assertThat(haproxy.isAlive()).as("haproxy exited: %s", Files.readString(dir.resolve("haproxy.log")))
            .isTrue();
        assertThat(System.nanoTime()).as("haproxy not listening on %d", port).isLessThan(deadline);
        Thread.sleep(20);
      }
    }
  }

  @Test
  void serversBehindHaproxySeeTheClientsOwnAddressOverV1AndV2() throws Exception {
    requireHaproxy();
    PbServer a = server("a", TrustedProxies.loopback(), broker -> {});
    PbServer b = server("b", TrustedProxies.loopback(), broker -> {});
    int port = startHaproxy(List.of("127.0.0.1:" + a.addresses().get(0).getPort() + " send-proxy-v2",
        "127.0.0.1:" + b.addresses().get(0).getPort() + " send-proxy"));
    Set<String> reached = new HashSet<>();
    try (PbClient client = PbClient.builder().build()) {
      for (int i = 0; i < 4; i++) {
        BrokerImpl broker = (BrokerImpl) client.connect("tcp://127.0.0.1:" + port).get(10, TimeUnit.SECONDS);
        @SuppressWarnings("unchecked")
        List<Object> who = (List<Object>) broker.rootObject().callRemote("who").get(10, TimeUnit.SECONDS);
        // the client's own end of its connection to HAProxy, which HAProxy's own connection to the server is not
        assertThat(who.get(1)).as("the address server %s believes", who.get(0))
            .isEqualTo(broker.link().localAddress().toString());
        reached.add((String) who.get(0));
        broker.close();
      }
    }
    assertThat(reached).containsExactlyInAnyOrder("a", "b");
  }

  @Test
  void aConnectionFromAnUntrustedAddressIsRefusedThoughItsHeaderIsValid() throws Exception {
    CompletableFuture<Broker> connected = new CompletableFuture<>();
    PbServer server = server("x", TrustedProxies.of("10.9.9.9"), connected::complete);
    try (Socket socket = new Socket("127.0.0.1", server.addresses().get(0).getPort())) {
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      out.write("PROXY TCP4 203.0.113.7 127.0.0.1 4242 8789\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      // closed at once, the header unread: an end of stream, or a reset when the header had already arrived
      assertThat(readOrReset(socket)).as("the server closes without a word").isEqualTo(-1);
    }
    try (PbClient client = PbClient.builder().build()) {
      assertThatThrownBy(() -> client.connect(server.uri(0)).get(10, TimeUnit.SECONDS))
          .isInstanceOf(ExecutionException.class);
    }
    assertThat(connected).isNotDone();
  }

  @Test
  void aTrustedProxysHeaderNamesTheClientAndAMalformedOneIsRefused() throws Exception {
    CompletableFuture<Broker> connected = new CompletableFuture<>();
    PbServer server = server("x", TrustedProxies.loopback(), connected::complete);
    int port = server.addresses().get(0).getPort();
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      out.write("PROXY TCP4 203.0.113.7 127.0.0.1 4242 8789\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = socket.getInputStream();
      assertThat(in.read()).as("the server's dialect offer, once the header is read").isNotEqualTo(-1);
      out.write(DialectHandshake.choice("pb"));
      out.flush();
      Broker broker = connected.get(10, TimeUnit.SECONDS);
      assertThat(broker.remoteAddress()).isEqualTo(new InetSocketAddress("203.0.113.7", 4242));
    }
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(10_000);
      socket.getOutputStream().write("PROXY TCP9 what\r\n".getBytes(StandardCharsets.US_ASCII));
      socket.getOutputStream().flush();
      assertThat(socket.getInputStream().read()).as("a malformed header is refused").isEqualTo(-1);
    }
    try (Socket socket = new Socket("127.0.0.1", port)) { // a client that skips the proxy: no header
      socket.setSoTimeout(10_000);
      socket.getOutputStream().write("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      socket.getOutputStream().flush();
      assertThat(socket.getInputStream().read()).as("bytes that are no header are refused").isEqualTo(-1);
    }
  }

  /** The next byte, or -1 at the end of the stream or when the peer reset the connection. */
  private static int readOrReset(Socket socket) throws java.io.IOException {
    try {
      return socket.getInputStream().read();
    } catch (java.net.SocketException reset) {
      assertThat(reset).hasMessageContaining("reset");
      return -1;
    }
  }
}
