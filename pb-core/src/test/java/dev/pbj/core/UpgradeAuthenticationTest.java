package dev.pbj.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pbj.Broker;
import dev.pbj.CallRejectedException;
import dev.pbj.Referenceable;
import dev.pbj.Remote;
import dev.pbj.websocket.UpgradeAuthenticator;
import dev.pbj.websocket.UpgradeRefusedException;
import dev.pbj.websocket.UpgradeRequest;
import dev.pbj.websocket.WebSocketTransportProvider;
import dev.pbj.websocket.WebSocketUpgradeException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The WebSocket upgrade's authentication hook with real Undertow servers and JDK clients: bearer tokens, query
 * tokens, cookies, refusals with their status, the identity reaching the broker and interceptors.
 */
class UpgradeAuthenticationTest {
  private static final Map<String, String> TOKENS = Map.of("s3cret", "alice", "banned", "mallory");

  /** Says who calls it. */
  public static final class WhoAmI implements Referenceable {
    @Remote
    public String whoami(Broker broker) {
      return String.valueOf(broker.peerIdentity().orElse("nobody"));
    }
  }

  private final AtomicReference<UpgradeRequest> lastRequest = new AtomicReference<>();
  private final UpgradeAuthenticator byToken = request -> {
    lastRequest.set(request);
    Optional<String> token = request.bearerToken().or(() -> Optional.ofNullable(request.cookies().get("session")));
    if (token.isEmpty()) {
      throw UpgradeRefusedException.unauthorized("no token");
    }
    String user = TOKENS.get(token.get());
    if (user == null) {
      throw UpgradeRefusedException.unauthorized("unknown token");
    }
    if (user.equals("mallory")) {
      throw UpgradeRefusedException.forbidden(user + " may not connect");
    }
    if (request.header("X-Fail").isPresent()) {
      throw new IllegalStateException("authenticator bug");
    }
    return user;
  };

  private WebSocketTransportProvider serverTransport;
  private PbServer server;

  @BeforeEach
  void start() {
    serverTransport = WebSocketTransportProvider.builder().upgradeAuthenticator(byToken).build();
    ProviderRegistry.Builder registry = ProviderRegistry.builder().addTransport(serverTransport);
    ProviderRegistry.getDefault().serializers().forEach(registry::addSerializer);
    server = PbServer.builder().registry(registry.build()).root(new WhoAmI()).listen("ws://127.0.0.1:0/pb")
        .interceptInbound((call, next) -> {
          if (call.method().equals("whoami") && !"alice".equals(call.broker().peerIdentity().orElse(null))) {
            throw new CallRejectedException("only alice");
          }
          return next.proceed();
        })
        .build().start();
  }

  @AfterEach
  void stop() {
    server.close();
    serverTransport.close();
  }

  /** Connects with a client transport configured by {@code client}, to the server's URI with {@code suffix}. */
  private <T> T withClient(UnaryOperator<WebSocketTransportProvider.Builder> client, String suffix,
      ClientAction<T> action) throws Exception {
    WebSocketTransportProvider transport = client.apply(WebSocketTransportProvider.builder()).build();
    ProviderRegistry.Builder registry = ProviderRegistry.builder().addTransport(transport);
    ProviderRegistry.getDefault().serializers().forEach(registry::addSerializer);
    try (PbClient pbClient = PbClient.builder().registry(registry.build()).build()) {
      return action.run(pbClient.connect(server.uri(0) + suffix));
    } finally {
      transport.close();
    }
  }

  @FunctionalInterface
  private interface ClientAction<T> {
    T run(CompletableFuture<Broker> connecting) throws Exception;
  }

  private static String whoami(CompletableFuture<Broker> connecting) throws Exception {
    return (String) connecting.get(10, TimeUnit.SECONDS).rootObject().callRemote("whoami").get(10, TimeUnit.SECONDS);
  }

  private static WebSocketUpgradeException refusal(CompletableFuture<Broker> connecting) {
    Throwable cause = assertThatThrownBy(() -> connecting.get(10, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class).actual().getCause();
    assertThat(cause).isInstanceOf(WebSocketUpgradeException.class);
    return (WebSocketUpgradeException) cause;
  }

  @Test
  void aBearerTokenInTheAuthorizationHeaderBecomesThePeersIdentity() throws Exception {
    assertThat(this.<String>withClient(b -> b.upgradeHeader("Authorization", "Bearer s3cret"), "", connecting -> {
      String answer = whoami(connecting);
      assertThat(server.connections()).singleElement()
          .satisfies(broker -> assertThat(broker.peerIdentity()).contains("alice"));
      assertThat(connecting.get().peerIdentity()).isEmpty(); // the JDK client reports none of the server
      return answer;
    })).isEqualTo("alice");
    assertThat(lastRequest.get().path()).isEqualTo("/pb");
    assertThat(lastRequest.get().header("authorization")).contains("Bearer s3cret");
    assertThat(lastRequest.get().remoteAddress().toString()).contains("127.0.0.1");
    assertThat(lastRequest.get().tlsPeer()).isEmpty();
  }

  @Test
  void aPageMaySendItsTokenAsAQueryParameterOrACookie() throws Exception {
    assertThat(withClient(b -> b, "?access_token=s3cret&x=1", UpgradeAuthenticationTest::whoami))
        .isEqualTo("alice");
    assertThat(lastRequest.get().queryParameters()).containsEntry("x", List.of("1"));
    assertThat(withClient(b -> b.upgradeHeader("Cookie", "theme=dark; session=s3cret"), "",
        UpgradeAuthenticationTest::whoami)).isEqualTo("alice");
    assertThat(lastRequest.get().cookies()).containsEntry("theme", "dark").containsEntry("session", "s3cret");
  }

  @Test
  void refusalsCarryTheirStatusAndTheServerGoesOn() throws Exception {
    WebSocketUpgradeException none = withClient(b -> b, "", UpgradeAuthenticationTest::refusal);
    assertThat(none.status()).isEqualTo(401);
    assertThat(none).hasMessageContaining("no token");
    WebSocketUpgradeException unknown = withClient(b -> b.upgradeHeader("Authorization", "Bearer guess"), "",
        UpgradeAuthenticationTest::refusal);
    assertThat(unknown.status()).isEqualTo(401);
    WebSocketUpgradeException banned = withClient(b -> b.upgradeHeader("Authorization", "Bearer banned"), "",
        UpgradeAuthenticationTest::refusal);
    assertThat(banned.status()).isEqualTo(403);
    assertThat(banned).hasMessageContaining("mallory may not connect");
    WebSocketUpgradeException broken = withClient(
        b -> b.upgradeHeader("Authorization", "Bearer s3cret").upgradeHeader("X-Fail", "1"), "",
        UpgradeAuthenticationTest::refusal);
    assertThat(broken.status()).isEqualTo(500);
    assertThat(broken).hasMessageNotContaining("authenticator bug"); // the server's internals stay inside
    assertThat(server.connections()).isEmpty();
    assertThat(withClient(b -> b.upgradeHeader("Authorization", "bearer s3cret"), "",
        UpgradeAuthenticationTest::whoami)).isEqualTo("alice");
  }

  @Test
  void theOriginCheckComesFirst() throws Exception {
    WebSocketUpgradeException refused = withClient(b -> b.upgradeHeader("Origin", "https://evil.example")
        .upgradeHeader("Authorization", "Bearer s3cret"), "", UpgradeAuthenticationTest::refusal);
    assertThat(refused.status()).isEqualTo(403);
    assertThat(refused).hasMessageContaining("Origin");
    assertThat(lastRequest.get()).isNull(); // the authenticator never saw it
  }

  @Test
  void headersTheHandshakeOwnsOrThatAreNotHttpAreRefusedByName() {
    WebSocketTransportProvider.Builder builder = WebSocketTransportProvider.builder();
    assertThatThrownBy(() -> builder.upgradeHeader("Sec-WebSocket-Protocol", "x"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("upgradeHeader 'Sec-WebSocket-Protocol'");
    assertThatThrownBy(() -> builder.upgradeHeader("Host", "x")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> builder.upgradeHeader("Bad Name", "x")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not an HTTP token");
    assertThatThrownBy(() -> builder.upgradeHeader("X-Ok", "a\r\nInjected: 1"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("line break");
    assertThatThrownBy(() -> UpgradeRefusedException.class.getConstructor(int.class, String.class)
        .newInstance(200, "ok")).hasCauseInstanceOf(IllegalArgumentException.class);
  }
}
