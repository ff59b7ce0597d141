package dev.pbj.bench.conn;

import dev.pbj.Referenceable;
import dev.pbj.Remote;
import dev.pbj.core.PbServer;
import dev.pbj.core.internal.wire.DialectHandshake;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;

/**
 * Many idle connections on one PBJ server: the server's heap per connection once each has chosen its dialect (a
 * broker made), and the rate they were accepted at. The clients are raw sockets in the same JVM, bound to source
 * addresses spread over 127.0.0.0/8, so the figure includes their small share too: an upper bound for the server's.
 *
 * <p>{@code java -cp pb-bench/target/benchmarks.jar dev.pbj.bench.conn.IdleConnections [N]} (default 8,000: with
 * both ends in one process, 16,000 of the machine's 20,000 open files).
 */
public final class IdleConnections {
  private IdleConnections() {}

  /**
   * The server's root: never called by the idle connections; {@link Connections}' active ones call {@code echo},
   * which runs in each connection's context (on its I/O thread), so the figure is the connections' cost.
   */
  public static final class Root implements Referenceable {
    @Remote(nonBlocking = true)
    public Object echo(Object x) {
      return x;
    }
  }

  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 8_000;
    try (PbServer server = PbServer.builder().root(new Root()).listen("tcp://127.0.0.1:0").build().start()) {
      int port = server.addresses().get(0).getPort();
      List<Socket> sockets = new ArrayList<>(n + 50);
      for (int i = 0; i < 50; i++) { // classes loaded and pools started before the measure
        sockets.add(open(port, i));
      }
      awaitConnections(server, 50);
      long before = usedHeap();
      long started = System.nanoTime();
      for (int i = 50; i < 50 + n; i++) {
        sockets.add(open(port, i));
      }
      awaitConnections(server, 50 + n);
      double seconds = (System.nanoTime() - started) / 1e9;
      long after = usedHeap();
      System.out.printf("%,d idle connections: %,.0f bytes of heap each (server and raw clients), accepted at "
          + "%,.0f/s (each with its dialect chosen)%n", n, (after - before) / (double) n, n / seconds);
      for (Socket socket : sockets) {
        socket.close();
      }
    }
  }

  private static void awaitConnections(PbServer server, int count) throws InterruptedException {
    long deadline = System.nanoTime() + 120_000_000_000L;
    while (server.connections().size() < count) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(server.connections().size() + " of " + count + " connections after 120 s");
      }
      Thread.sleep(10);
    }
  }

  private static long usedHeap() throws InterruptedException {
    Runtime runtime = Runtime.getRuntime();
    for (int i = 0; i < 4; i++) {
      System.gc();
      Thread.sleep(200);
    }
    return runtime.totalMemory() - runtime.freeMemory();
  }

  /** A raw client from 127.0.0.(2 + i % 200) that reads the server's offer and chooses banana's "pb". */
  private static Socket open(int port, int i) throws IOException {
    Socket socket = new Socket();
    socket.bind(new InetSocketAddress("127.0.0." + (2 + i % 200), 0));
    socket.connect(new InetSocketAddress("127.0.0.1", port));
    socket.setSoTimeout(30_000);
    if (socket.getInputStream().read(new byte[256]) < 0) {
      throw new IOException("the server closed connection " + i);
    }
    socket.getOutputStream().write(DialectHandshake.choice("pb"));
    return socket;
  }
}
