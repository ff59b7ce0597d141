package dev.pbj.core.internal.reconnect;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pbj.Avatar;
import dev.pbj.ConnectionEvent;
import dev.pbj.Referenceable;
import dev.pbj.Remote;
import dev.pbj.core.PbServer;
import dev.pbj.cred.AllowAnonymousAccess;
import dev.pbj.cred.InMemoryPasswordChecker;
import dev.pbj.cred.Portal;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * A real PbServer that a test can kill and start again on the same port, serving a small root and a portal
 * (alice/wonderland, anonymous) whose logins it records; and {@link Events}, a listener recording what a kept
 * connection announced.
 */
final class KeptServer implements AutoCloseable {
  /** The root: {@code echo}, a {@code counter} handed out by reference, {@code hold} that answers when released. */
  public static final class Root implements Referenceable {
    final CountDownLatch holding = new CountDownLatch(1);
    final CompletableFuture<String> release = new CompletableFuture<>();

    @Remote
    public Object echo(Object x) {
      return x;
    }

    @Remote
    public Counter counter() {
      return new Counter();
    }

    @Remote
    public CompletableFuture<String> hold() {
      holding.countDown();
      return release;
    }
  }

  public static final class Counter implements Referenceable {
    private long value;

    @Remote
    public synchronized long increment() {
      return ++value;
    }
  }

  /** What a login answers. */
  public static final class User implements Avatar {
    final String name;

    User(String name) {
      this.name = name;
    }

    @Remote
    public String whoami() {
      return name.isEmpty() ? "anonymous" : name;
    }
  }

  final String scheme;
  final Root root = new Root();
  /** Every login the portal granted, in order: the user name, "" for anonymous. */
  final List<String> logins = new CopyOnWriteArrayList<>();
  private final Portal portal = new Portal((id, mind) -> {
    logins.add(id);
    return CompletableFuture.completedFuture(new User(id));
  }, InMemoryPasswordChecker.builder().user("alice", "wonderland").build(), new AllowAnonymousAccess());
  private volatile PbServer server;
  final int port;

  KeptServer(String scheme) {
    this.scheme = scheme;
    this.server = bind(0);
    this.port = server.addresses().get(0).getPort();
  }

  String uri() {
    return scheme + "://127.0.0.1:" + port + "/pb";
  }

  PbServer server() {
    return server;
  }

  /** Closes the server, every connection with it: what a crash looks like to its clients. */
  void kill() {
    server.close();
  }

  /** Serves again on the same port, retrying the bind for up to 10 s while the old socket lingers. */
  void restart() throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (true) {
      try {
        server = bind(port);
        return;
      } catch (IllegalStateException e) {
        if (System.nanoTime() > deadline) {
          throw new AssertionError("could not listen on port " + port + " again within 10 s", e);
        }
        Thread.sleep(20); // a bounded retry of the bind, not a wait for the code under test
      }
    }
  }

  private PbServer bind(int onPort) {
    return PbServer.builder().root(root).portal(portal).listen(scheme + "://127.0.0.1:" + onPort + "/pb").build()
        .start();
  }

  @Override
  public void close() {
    root.release.complete("closed");
    server.close();
  }

  /** A listener that records each event, and lets a test wait for one. */
  static final class Events implements Consumer<ConnectionEvent> {
    final List<ConnectionEvent> seen = new CopyOnWriteArrayList<>();
    private final BlockingQueue<ConnectionEvent> unread = new LinkedBlockingQueue<>();

    @Override
    public void accept(ConnectionEvent event) {
      seen.add(event);
      unread.add(event);
    }

    /** Waits up to 10 s for the next event matching {@code wanted}, skipping others. */
    ConnectionEvent await(Predicate<ConnectionEvent> wanted) throws InterruptedException {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (true) {
        ConnectionEvent next = unread.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        assertThat(next).as("an awaited event within 10 s; seen so far: %s", summary()).isNotNull();
        if (wanted.test(next)) {
          return next;
        }
      }
    }

    /** The states seen with their attempts, e.g. {@code CONNECTING:1 DISCONNECTED:1 CONNECTING:2 CONNECTED:2}. */
    String summary() {
      return seen.stream().map(e -> e.state() + ":" + e.attempt()).collect(Collectors.joining(" "));
    }

    static Duration total(List<ConnectionEvent> events) {
      return events.stream().map(ConnectionEvent::retryDelay).filter(d -> d != null).reduce(Duration.ZERO,
          Duration::plus);
    }
  }
}
