package dev.pbj.examples.browser;

import dev.pbj.PbError;
import dev.pbj.Referenceable;
import dev.pbj.Remote;
import dev.pbj.RemoteReference;
import dev.pbj.core.PbServer;
import dev.pbj.core.ProviderRegistry;
import dev.pbj.websocket.WebSocketTransportProvider;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletionStage;
import java.util.stream.Stream;

/**
 * A web page that talks PB to Java: one WebSocket port serves the page ({@code web/} beside this file), the
 * JavaScript client pbj-client (pb-js's {@code src/}, copied beside the page by the build) and the PB endpoint
 * {@code /pb}, whose root is a {@link Desk}. The page calls the desk and shows each answer.
 *
 * <p>Run it with {@code mvn -q -pl examples compile exec:java -Dexec.mainClass=dev.pbj.examples.browser.BrowserApp
 * [-Dexec.args=127.0.0.1:8803]} and open the {@code open http://…/} address it prints; it serves until its standard
 * input ends (Ctrl-D). Thread-safe; close stops the server and its transport.
 */
public final class BrowserApp implements AutoCloseable {
  /** Where the page is on the class path (the build copies {@code web/} and pbj-client there). */
  static final String WEB = "dev/pbj/examples/browser/web/";

  private final WebSocketTransportProvider transport;
  private final PbServer server;

  private BrowserApp(WebSocketTransportProvider transport, PbServer server) {
    this.transport = transport;
    this.server = server;
  }

  /** Serves the app on {@code hostAndPort} ({@code 127.0.0.1:0}: an ephemeral port). */
  public static BrowserApp start(String hostAndPort) throws IOException {
    WebSocketTransportProvider.Builder webSocket = WebSocketTransportProvider.builder();
    Map<String, byte[]> site = site(BrowserApp.class.getClassLoader());
    site.forEach((path, body) -> webSocket.staticResource(path, contentType(path), body));
    webSocket.staticResource("/", contentType("index.html"), site.get("/index.html"));
    WebSocketTransportProvider transport = webSocket.build();
    try {
      // this provider, with its pages, in place of the plain one ServiceLoader finds for ws://
      ProviderRegistry registry = ProviderRegistry.builder().addTransport(transport)
          .loadServices(BrowserApp.class.getClassLoader()).build();
      PbServer server = PbServer.builder().registry(registry).root(new Desk())
          .listen("ws://" + hostAndPort + "/pb").build().start();
      return new BrowserApp(transport, server);
    } catch (RuntimeException e) {
      transport.close();
      throw e;
    }
  }

  /** The page's address, {@code http://HOST:PORT/}. */
  public URI page() {
    URI ws = server.uri(0);
    return URI.create("http://" + ws.getHost() + ":" + ws.getPort() + "/");
  }

  @Override
  public void close() {
    server.close();
    transport.close();
  }

  public static void main(String[] args) throws IOException {
    try (BrowserApp app = start(args.length > 0 ? args[0] : "127.0.0.1:8803")) {
      System.out.println("open " + app.page());
      System.in.transferTo(OutputStream.nullOutputStream()); // serve until stdin ends
    }
  }

  /** The root object the page calls. Stateless, so one serves every page. */
  public static final class Desk implements Referenceable {
    /** A greeting, to show that text goes both ways. */
    @Remote
    public String greet(String name) {
      return "hello, " + name + ", from Java " + Runtime.version().feature();
    }

    /** The sum of two integers. */
    @Remote
    public long add(long a, long b) {
      return Math.addExact(a, b); // an overflow is an ArithmeticException: the page sees a remote error
    }

    /** A new counter for the caller: it stays in Java, the page holds a reference. */
    @Remote
    public Counter counter() {
      return new Counter();
    }

    /** Calls back an object of the page and tells what it said. */
    @Remote
    public CompletionStage<String> askPage(RemoteReference page) {
      // the answer goes out once the page has answered; no thread waits for it
      return page.callRemote(String.class, "favouriteColour")
          .thenApply(colour -> "the page's favourite colour is " + colour);
    }

    /** Integer division; dividing by zero is refused with a {@link PbError}, which the page's promise rejects with. */
    @Remote
    public long divide(long a, long b) {
      if (b == 0) {
        throw new PbError("cannot divide " + a + " by zero");
      }
      return a / b;
    }
  }

  /** A counter on the server; each page that asks gets its own. */
  public static final class Counter implements Referenceable {
    private long value;

    /** Adds one and answers the new value. */
    @Remote
    public synchronized long increment() {
      return ++value;
    }
  }

  /**
   * The page's files, request path → bytes: everything under {@link #WEB} in the class path entry of
   * {@code loader} (a folder, or a jar when the app is packaged) that holds {@code index.html}.
   */
  static Map<String, byte[]> site(ClassLoader loader) throws IOException {
    URL index = loader.getResource(WEB + "index.html");
    if (index == null) {
      throw new IOException(WEB + "index.html is not on the class path (the build copies browser-app/web there)");
    }
    Map<String, byte[]> files = new TreeMap<>();
    try {
      URI uri = index.toURI();
      if (uri.getScheme().equals("jar")) {
        try (FileSystem jar = FileSystems.newFileSystem(uri, Map.of())) {
          read(jar.provider().getPath(uri).getParent(), files);
        }
      } else {
        read(Path.of(uri).getParent(), files);
      }
    } catch (URISyntaxException e) {
      throw new IOException("cannot read the page at " + index, e);
    }
    return files;
  }

  private static void read(Path folder, Map<String, byte[]> files) throws IOException {
    try (Stream<Path> walk = Files.walk(folder)) {
      for (Path file : (Iterable<Path>) walk.filter(Files::isRegularFile)::iterator) {
        files.put("/" + folder.relativize(file).toString().replace('\\', '/'), Files.readAllBytes(file));
      }
    }
  }

  /** Module scripts must be served as JavaScript, or browsers refuse them. */
  static String contentType(String path) {
    String name = path.toLowerCase(Locale.ROOT);
    return name.endsWith(".html") ? "text/html; charset=utf-8"
        : name.endsWith(".js") ? "text/javascript; charset=utf-8"
        : name.endsWith(".css") ? "text/css; charset=utf-8"
        : "application/octet-stream";
  }
}
