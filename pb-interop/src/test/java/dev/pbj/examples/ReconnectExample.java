package dev.pbj.examples;

import static java.util.concurrent.TimeUnit.SECONDS;

import dev.pbj.Avatar;
import dev.pbj.ConnectionEvent;
import dev.pbj.ConnectionState;
import dev.pbj.Reconnect;
import dev.pbj.Remote;
import dev.pbj.RemoteReference;
import dev.pbj.core.KeptConnection;
import dev.pbj.core.PbClient;
import dev.pbj.core.PbServer;
import dev.pbj.cred.InMemoryPasswordChecker;
import dev.pbj.cred.Portal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

/** The README's reconnecting-client example, kept compiling and running by {@link ReconnectExampleTest}. */
final class ReconnectExample {
  private ReconnectExample() {}

  /** What alice's login answers. */
  public static final class User implements Avatar {
    private final String name;

    User(String name) {
      this.name = name;
    }

    @Remote
    public String whoami() {
      return name;
    }
  }

  /** A server with a portal on {@code port} (0: any), retrying the bind while the old socket lingers. */
  static PbServer serve(int port) throws InterruptedException {
    Portal portal = new Portal((id, mind) -> CompletableFuture.completedFuture(new User(id)),
        InMemoryPasswordChecker.builder().user("alice", "wonderland").build());
    for (int tries = 0; ; tries++) {
      try {
        return PbServer.builder().portal(portal).listen("tcp://127.0.0.1:" + port).build().start();
      } catch (IllegalStateException e) {
        if (tries == 100) {
          throw e;
        }
        Thread.sleep(20);
      }
    }
  }

  /** The answers the example saw, and the states its listener was told. */
  record Seen(List<Object> answers, List<ConnectionState> states) {}

  static Seen run() throws Exception {
    PbServer server = serve(0);
    int port = server.addresses().get(0).getPort();
    List<Object> seen = new ArrayList<>();
    List<ConnectionState> states = new CopyOnWriteArrayList<>();
    try (PbClient client = PbClient.builder().build()) {
      // README:reconnect-begin
      Reconnect options = Reconnect.builder()
          .initialDelay(Duration.ofMillis(100)).maxDelay(Duration.ofSeconds(30))  // exponential, jittered, capped
          .login("alice", "wonderland", null)                                   // done again on every connection
          .whileDisconnected(Reconnect.WhileDisconnected.WAIT)                  // calls wait for the next one
          .build();
      try (KeptConnection kept = client.keepConnected("tcp://127.0.0.1:" + port, options)) {
        kept.addListener(event -> states.add(event.state()));   // CONNECTING, CONNECTED, DISCONNECTED, …
        RemoteReference alice = kept.avatar();                  // one handle, whichever connection is current
        kept.awaitConnected(Duration.ofSeconds(10));
        seen.add(alice.callRemote("whoami").get(10, SECONDS));  // "alice"

        CompletableFuture<ConnectionEvent> lost = new CompletableFuture<>();
        kept.addListener(event -> {
          if (event.state() == ConnectionState.DISCONNECTED) {
            lost.complete(event);
          }
        });
        server.close();                                         // the server goes away …
        lost.get(10, SECONDS);                                  // (a call sent before the client saw it would fail)
        server = serve(port);                                   // … and comes back on the same port
        RemoteReference patient = alice.withDeadline(Duration.ofSeconds(10));   // bounds the wait, too
        seen.add(patient.callRemote("whoami").get(10, SECONDS));  // "alice" again: reconnected, logged in
      }
      // README:reconnect-end
    } finally {
      server.close();
    }
    return new Seen(seen, states);
  }
}
