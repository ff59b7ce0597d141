package dev.pbj.examples;

import static java.util.concurrent.TimeUnit.SECONDS;

import dev.pbj.Broker;
import dev.pbj.CallInterceptor;
import dev.pbj.CallRejectedException;
import dev.pbj.Referenceable;
import dev.pbj.Remote;
import dev.pbj.core.PbClient;
import dev.pbj.core.PbServer;
import dev.pbj.core.ProviderRegistry;
import dev.pbj.metrics.PbjMetrics;
import dev.pbj.websocket.UpgradeRefusedException;
import dev.pbj.websocket.WebSocketTransportProvider;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The README's interceptors, upgrade authentication and metrics example, run by {@link InterceptorExampleTest}. */
final class InterceptorExample {
  private InterceptorExample() {}

  /** The served object. */
  public static final class Files implements Referenceable {
    @Remote
    public String read(String name) {
      return "contents of " + name;
    }

    @Remote
    public String delete(String name) {
      return "deleted " + name;
    }
  }

  /** What the example saw: answers, the refusal, the meters' counts. */
  record Seen(List<String> answers, String refusal, double readsMetered, double rejectedMetered) {}

  static Seen run() throws Exception {
    List<String> answers = new ArrayList<>();
    String refusal;
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    Map<String, String> tokens = Map.of("t0ken-alice", "alice", "t0ken-bob", "bob");
    // README:interceptors-begin
    // Who may connect: a bearer token on the WebSocket upgrade (after the Origin check).
    WebSocketTransportProvider webSocket = WebSocketTransportProvider.builder()
        .upgradeAuthenticator(request -> request.bearerToken().map(tokens::get)
            .orElseThrow(() -> UpgradeRefusedException.unauthorized("a valid bearer token is required")))
        .build();
    // What each may call: an inbound interceptor, which sees the identity the upgrade established.
    CallInterceptor onlyAliceDeletes = (call, next) -> {
      if (call.method().equals("delete") && !call.broker().peerIdentity().equals(Optional.of("alice"))) {
        throw new CallRejectedException("only alice may delete");
      }
      return next.proceed();
    };
    PbjMetrics metrics = PbjMetrics.of(registry);             // pb-metrics-micrometer
    PbServer server = PbServer.builder()
        .registry(ProviderRegistry.builder().addTransport(webSocket)    // before the defaults it replaces
            .loadServices(PbServer.class.getClassLoader()).build())
        .root(new Files()).listen("ws://127.0.0.1:0/pb")
        .interceptInbound(metrics.inbound())                  // outermost: it also times refused calls
        .interceptInbound(onlyAliceDeletes)
        .onConnect(metrics::track)
        .build().start();
    // README:interceptors-end
    try (server; webSocket) {
      for (String token : List.of("t0ken-alice", "t0ken-bob")) {
        try (WebSocketTransportProvider clientSide = WebSocketTransportProvider.builder()
                .upgradeHeader("Authorization", "Bearer " + token).build();
            PbClient client = PbClient.builder().registry(ProviderRegistry.builder().addTransport(clientSide)
                .loadServices(PbClient.class.getClassLoader()).build()).build()) {
          Broker broker = client.connect(server.uri(0)).get(10, SECONDS);
          answers.add((String) broker.rootObject().callRemote("read", "notes.txt").get(10, SECONDS));
          answers.add(broker.rootObject().callRemote("delete", "notes.txt")
              .handle((answer, error) -> error == null ? (String) answer : error.getMessage())
              .get(10, SECONDS));
        }
      }
      try (PbClient anonymous = PbClient.builder().registry(ProviderRegistry.builder()
          .loadServices(PbClient.class.getClassLoader()).build()).build()) {
        refusal = anonymous.connect(server.uri(0)).handle((broker, error) -> String.valueOf(error)).get(10, SECONDS);
      }
    }
    return new Seen(answers, refusal,
        registry.get(PbjMetrics.CALLS).tags("method", "read", "outcome", "ok").timer().count(),
        registry.get(PbjMetrics.CALLS).tags("method", "delete", "outcome", "rejected").timer().count());
  }
}
