package dev.pbj.core.internal.endpoint;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pbj.Broker;
import dev.pbj.Referenceable;
import dev.pbj.Remote;
import dev.pbj.TrustedProxies;
import dev.pbj.core.PbClient;
import dev.pbj.core.PbServer;
import dev.pbj.core.internal.connection.Connection;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A WebSocket server behind a real nginx (Debian's, started here on loopback) that connects to it from 127.0.0.2
 * and forwards the client's address, host and scheme: believed from a trusted proxy, for the peer address and the
 * Origin check, and ignored from any other.
 */
class NginxTest {
  private static final Path NGINX = Path.of("/usr/sbin/nginx");
  private static final String PROXY_SOURCE = "127.0.0.2";

  @TempDir
  Path dir;
  private Process nginx;
  private final List<AutoCloseable> open = new ArrayList<>();

  /** Answers the address it believes is calling. */
  public static final class WhoRoot implements Referenceable {
    private final Broker broker;

    WhoRoot(Broker broker) {
      this.broker = broker;
    }

    @Remote
    public String who() {
      return broker.remoteAddress().toString();
    }
  }

  @AfterEach
  void stop() throws Exception {
    if (nginx != null) {
      nginx.destroy();
      nginx.waitFor(10, TimeUnit.SECONDS);
    }
    for (AutoCloseable closeable : open) {
      closeable.close();
    }
  }

  private static void requireNginx() {
    if (!Files.isExecutable(NGINX)) {
      String hint = "nginx is missing: apt-get install -y nginx";
      if ("true".equals(System.getenv("CI"))) {
        throw new AssertionError(hint + " (.ci/run installs it)");
      }
      Assumptions.abort(hint);
    }
  }

  private PbServer server(TrustedProxies trusted) {
    PbServer server = PbServer.builder().rootFactory(WhoRoot::new).trustedProxies(trusted)
        .listen("ws://127.0.0.1:0/pb").build().start();
    open.add(server);
    return server;
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  /** nginx on a free port, proxying /pb to {@code backend} the way the README's configuration does. */
  private int startNginx(int backend) throws Exception {
    requireNginx();
    int port = freePort();
    Files.createDirectories(dir.resolve("temp"));
    String config = """
        daemon off;
        master_process off;
        worker_processes 1;
        pid %1$s/nginx.pid;
        error_log %1$s/error.log warn;
        events { worker_connections 256; }
        http {
          access_log off;
          client_body_temp_path %1$s/temp;
          proxy_temp_path %1$s/temp;
          fastcgi_temp_path %1$s/temp;
          uwsgi_temp_path %1$s/temp;
          scgi_temp_path %1$s/temp;
          map $http_upgrade $connection_upgrade { default upgrade; '' close; }
          server {
            listen 127.0.0.1:%2$d;
            location /pb {
              proxy_pass http://127.0.0.1:%3$d;
              proxy_bind %4$s;
              proxy_http_version 1.1;
              proxy_set_header Upgrade $http_upgrade;
              proxy_set_header Connection $connection_upgrade;
              proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
              proxy_set_header X-Forwarded-Host $http_host;
              proxy_set_header X-Forwarded-Proto $scheme;
              proxy_read_timeout 60s;
            }
          }
        }
        """.formatted(dir, port, backend, PROXY_SOURCE);
    Path file = dir.resolve("nginx.conf");
    Files.writeString(file, config);
    nginx = new ProcessBuilder(NGINX.toString(), "-p", dir.toString(), "-e", dir.resolve("error.log").toString(),
        "-c", file.toString()).redirectErrorStream(true).redirectOutput(dir.resolve("nginx.out").toFile()).start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (true) {
      try (Socket probe = new Socket("127.0.0.1", port)) {
        return port;
      } catch (IOException notYet) {
        assertThat(nginx.isAlive()).as("nginx exited: %s", Files.readString(dir.resolve("nginx.out"))).isTrue();
        assertThat(System.nanoTime()).as("nginx not listening on %d", port).isLessThan(deadline);
        Thread.sleep(20);
      }
    }
  }

  private static String who(int port) throws Exception {
    try (PbClient client = PbClient.builder().build()) {
      Broker broker = client.connect("ws://127.0.0.1:" + port + "/pb").get(10, TimeUnit.SECONDS);
      return (String) broker.rootObject().callRemote("who").get(10, TimeUnit.SECONDS);
    }
  }

  /** The status line of a WebSocket upgrade through nginx from a page at {@code origin}, Host {@code host}. */
  private static String upgrade(int port, String host, String origin) throws Exception {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(10_000);
      socket.getOutputStream().write(("GET /pb HTTP/1.1\r\nHost: " + host + "\r\nUpgrade: websocket\r\n"
          + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
          + "Sec-WebSocket-Protocol: banana\r\nOrigin: " + origin + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      return new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII))
          .readLine();
    }
  }

  @Test
  void behindATrustedProxyTheClientsAddressAndTheBrowsersHostCount() throws Exception {
    PbServer server = server(TrustedProxies.of(PROXY_SOURCE));
    int port = startNginx(server.addresses().get(0).getPort());
    // the client connects from 127.0.0.1; nginx reaches the server from 127.0.0.2
    assertThat(who(port)).startsWith("/127.0.0.1:");
    // a page served by the site behind the proxy may open a socket; another site's may not
    assertThat(upgrade(port, "app.example:" + port, "http://app.example:" + port)).contains(" 101 ");
    assertThat(upgrade(port, "app.example:" + port, "http://evil.example")).contains(" 403 ");
  }

  @Test
  void fromAnUntrustedProxyTheForwardedHeadersAreIgnored() throws Exception {
    PbServer server = server(TrustedProxies.of("127.0.0.3"));
    int port = startNginx(server.addresses().get(0).getPort());
    assertThat(who(port)).as("the proxy's own address").startsWith("/" + PROXY_SOURCE + ":");
    // the Host the server sees is nginx's upstream one, not the page's: the page is refused
    assertThat(upgrade(port, "app.example:" + port, "http://app.example:" + port)).contains(" 403 ");
  }
}
