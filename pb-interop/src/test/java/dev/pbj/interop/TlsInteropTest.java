package dev.pbj.interop;

import static dev.pbj.interop.Calls.call;
import static dev.pbj.interop.Calls.eventually;
import static dev.pbj.interop.Calls.failure;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pbj.Broker;
import dev.pbj.Bytes;
import dev.pbj.ConnectionLostException;
import dev.pbj.Referenceable;
import dev.pbj.Remote;
import dev.pbj.RemoteReference;
import dev.pbj.TlsOptions;
import dev.pbj.cli.demo.DemoTypes;
import dev.pbj.cli.demo.DemoWorld;
import dev.pbj.core.PbClient;
import dev.pbj.core.PbServer;
import dev.pbj.cred.UnauthorizedLoginException;
import dev.pbj.testkit.ChildProcess;
import dev.pbj.testkit.TestPki.KeyForm;
import dev.pbj.testkit.TestPki;
import dev.pbj.testkit.TwistedPeer;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * PB over TLS between PBJ and real Twisted ({@code tls_peers.py}: {@code reactor.listenSSL} and
 * {@code reactor.connectSSL} on pyOpenSSL), both ways: calls and MD5 login over TLS, server keys in every PEM form
 * openssl writes, the server's name checked against its certificate, and mutual TLS, where a client without a
 * certificate the server's CA signed is refused and the server goes on serving the others. Certificates come from
 * throwaway CAs ({@link TestPki}) made for each run. Runs once per {@link TwistedPeer} through the concrete
 * subclasses at the end of this file.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class TlsInteropTest {
  /** CI fails a test whose peer lacks TLS rather than skip it, as {@link TwistedPeer} does for a missing peer. */
  private static final boolean CI = "true".equalsIgnoreCase(System.getenv("CI"));
  /** The checks {@code tls_peers.py client} runs; a check that silently disappears is a failure too. */
  private static final List<String> CLIENT_CHECKS = List.of("connect", "echo", "add", "big_string", "login_alice",
      "close");

  private TestPki ca;
  /** A loopback server certificate per key form, all signed by {@link #ca}. */
  private final Map<KeyForm, TestPki.Issued> servers = new EnumMap<>(KeyForm.class);
  /** Signed by {@link #ca} for {@code elsewhere.example} only. */
  private TestPki.Issued misnamed;
  /** Names the loopback host, but signed by another CA. */
  private TestPki.Issued untrusted;
  /** Client certificates: alice's signed by {@link #ca}, mallory's by the other CA. */
  private TestPki.Issued alice;
  private TestPki.Issued mallory;
  private TlsOptions trustsCa;
  /** Empty once the peer's TLS modules imported, else why not; null until probed. */
  private String tlsProbe;

  /** The Twisted this class runs against. */
  abstract TwistedPeer peer();

  @BeforeAll
  void makeCertificates(@TempDir Path dir) {
    if (!peer().available()) {
      return;
    }
    ca = TestPki.create(dir, "PBJ interop CA");
    TestPki otherCa = TestPki.create(dir, "Another CA");
    for (KeyForm form : KeyForm.values()) {
      servers.put(form, ca.server(form));
    }
    misnamed = ca.issue("elsewhere.example", KeyForm.EC_PKCS8, "DNS:elsewhere.example");
    untrusted = otherCa.server(KeyForm.EC_PKCS8);
    alice = ca.issue("alice", KeyForm.RSA_PKCS1);
    mallory = otherCa.issue("mallory", KeyForm.EC_SEC1);
    trustsCa = TlsOptions.builder().trustedCertificates(ca.certificate()).build();
  }

  @BeforeEach
  void requirePeer() {
    peer().python();
    String problem = tlsProblem();
    if (problem != null) {
      String message = "Twisted peer " + peer().label() + " has no TLS: " + problem + "; install it with: "
          + (peer() == TwistedPeer.TWISTED22 ? "sudo apt-get install -y python3-openssl python3-service-identity"
              : ".venv-twisted/bin/pip install 'twisted[tls]>=26'");
      if (CI) {
        fail(message);
      }
      Assumptions.abort(message);
    }
  }

  /**
   * Why this peer's Python cannot do TLS (pyOpenSSL or service_identity missing), or null; probed once per class.
   */
  private synchronized String tlsProblem() {
    if (tlsProbe == null) {
      try {
        Process p = new ProcessBuilder(peer().python(), "-c",
            "import OpenSSL, service_identity, twisted.internet.ssl").redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
          p.destroyForcibly();
          tlsProbe = "importing OpenSSL took more than 60 s";
        } else {
          tlsProbe = p.exitValue() == 0 ? "" : output.substring(output.lastIndexOf('\n') + 1);
        }
      } catch (IOException e) {
        tlsProbe = e.toString();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        tlsProbe = "interrupted";
      }
    }
    return tlsProbe.isEmpty() ? null : tlsProbe;
  }

  // ---- the Java client against a Twisted TLS server ----

  @ParameterizedTest(name = "server key {0}")
  @EnumSource(KeyForm.class)
  void javaClientCallsAndLogsInToATwistedTlsServer(KeyForm form) throws Exception {
    TestPki.Issued certificate = servers.get(form);
    try (ChildProcess twisted = twistedServer(certificate, null);
        PbClient client = PbClient.builder().tls(trustsCa).build()) {
      int port = listeningPort(twisted);
      // by IP address (the certificate's IP name) and by host name (its DNS name, also sent as SNI)
      Broker broker = client.connect("tls://127.0.0.1:" + port).get(10, TimeUnit.SECONDS);
      assertThat(broker.serializer() + "/" + broker.dialect()).isEqualTo("banana/pb");
      RemoteReference root = broker.rootObject();
      assertThat(call(root, "echo", List.of("over", "TLS", 1L, 2.5))).isEqualTo(List.of("over", "TLS", 1L, 2.5));
      assertThat(call(root, "add", BigInteger.TWO.pow(70), 1))
          .isEqualTo(BigInteger.TWO.pow(70).add(BigInteger.ONE));
      // many TLS records each way, split wherever the socket splits them
      Bytes big = Bytes.of(pattern(600_000));
      assertThat(call(root, "echo", big)).isEqualTo(big);
      List<CompletableFuture<Object>> inFlight = new ArrayList<>();
      for (int i = 0; i < 200; i++) {
        inFlight.add(root.callRemote("echo", i));
      }
      for (int i = 0; i < 200; i++) {
        assertThat(inFlight.get(i).get(10, TimeUnit.SECONDS)).isEqualTo((long) i);
      }
      Referenceable listener = new Referenceable() {
        @Remote
        public String got(String x) {
          return "got " + x;
        }
      };
      assertThat(call(root, "callback", listener, "over TLS")).isEqualTo("got over TLS");
      eventually(() -> broker.stats().localObjects() == 0);

      // PB's MD5 challenge-response, which is why a network wants TLS under it
      Throwable wrong = failure(broker.login("alice", "not her password", null));
      assertThat(wrong).isInstanceOf(UnauthorizedLoginException.class);
      try (RemoteReference avatar = broker.login("alice", "wonderland", null).get(10, TimeUnit.SECONDS)) {
        assertThat(call(avatar, "whoami")).isEqualTo("alice");
      }
      broker.close();

      Broker byName = client.connect("tls://localhost:" + port).get(10, TimeUnit.SECONDS);
      assertThat(call(byName.rootObject(), "echo", "by name")).isEqualTo("by name");
      byName.close();
    }
  }

  @Test
  void aTwistedServerClosingTheConnectionReachesTheJavaClient() throws Exception {
    try (ChildProcess twisted = twistedServer(servers.get(KeyForm.EC_PKCS8), null);
        PbClient client = PbClient.builder().tls(trustsCa).build()) {
      Broker broker = client.connect("tls://127.0.0.1:" + listeningPort(twisted)).get(10, TimeUnit.SECONDS);
      CompletableFuture<Object> pending = broker.rootObject().callRemote("never");
      // Twisted's loseConnection sends TLS's close_notify and waits for the peer's before it closes the socket
      broker.rootObject().callRemote("disconnect");
      assertThat(failure(pending)).isInstanceOf(ConnectionLostException.class);
      broker.closeFuture().get(10, TimeUnit.SECONDS);
      assertThat(broker.isConnected()).isFalse();
    }
  }

  @Test
  void javaClientRefusesATwistedServerWhoseCertificateNamesAnotherHost() throws Exception {
    try (ChildProcess twisted = twistedServer(misnamed, null);
        PbClient client = PbClient.builder().tls(trustsCa).build();
        PbClient unchecked = PbClient.builder()
            .tls(TlsOptions.builder().trustedCertificates(ca.certificate()).verifyHostname(false).build()).build()) {
      int port = listeningPort(twisted);
      assertThat(failure(client.connect("tls://127.0.0.1:" + port))).as("connecting by IP address")
          .isInstanceOf(SSLHandshakeException.class).hasMessageContaining("127.0.0.1");
      assertThat(failure(client.connect("tls://localhost:" + port))).as("connecting by host name")
          .isInstanceOf(SSLHandshakeException.class).hasMessageContaining("localhost");
      // the certificate is otherwise good: it was the name, and only the name
      Broker broker = unchecked.connect("tls://127.0.0.1:" + port).get(10, TimeUnit.SECONDS);
      assertThat(call(broker.rootObject(), "echo", "name not checked")).isEqualTo("name not checked");
      broker.close();
    }
  }

  @Test
  void javaClientRefusesATwistedServerWhoseCertificateAnotherCaSigned() throws Exception {
    try (ChildProcess twisted = twistedServer(untrusted, null);
        PbClient client = PbClient.builder().tls(trustsCa).build()) {
      int port = listeningPort(twisted);
      assertThat(failure(client.connect("tls://127.0.0.1:" + port))).isInstanceOf(SSLHandshakeException.class)
          .hasMessageContaining("PKIX");
    }
  }

  @Test
  void mutualTlsTwistedServerServesOnlyJavaClientsWithACertificateItsCaSigned() throws Exception {
    try (ChildProcess twisted = twistedServer(servers.get(KeyForm.EC_PKCS8), ca.certificate());
        PbClient anonymous = PbClient.builder().tls(trustsCa).build();
        PbClient fromAnotherCa = PbClient.builder().tls(clientTls(mallory)).build();
        PbClient withCertificate = PbClient.builder().tls(clientTls(alice)).build()) {
      String uri = "tls://127.0.0.1:" + listeningPort(twisted);
      assertRefusedByTls(anonymous.connect(uri));
      assertRefusedByTls(fromAnotherCa.connect(uri));
      Broker first = withCertificate.connect(uri).get(10, TimeUnit.SECONDS);
      assertRefusedByTls(anonymous.connect(uri));
      Broker second = withCertificate.connect(uri).get(10, TimeUnit.SECONDS);
      assertThat(call(first.rootObject(), "echo", "first")).isEqualTo("first");
      try (RemoteReference avatar = second.login("alice", "wonderland", null).get(10, TimeUnit.SECONDS)) {
        assertThat(call(avatar, "whoami")).isEqualTo("alice");
      }
      first.close();
      second.close();
    }
  }

  // ---- a Twisted TLS client against the Java server ----

  @ParameterizedTest(name = "server key {0}")
  @EnumSource(KeyForm.class)
  void twistedClientCallsAndLogsInToAJavaTlsServer(KeyForm form) throws Exception {
    TestPki.Issued certificate = servers.get(form);
    TlsOptions tls = TlsOptions.builder().keyCertChain(certificate.certificate(), certificate.key()).build();
    try (JavaServer server = new JavaServer(tls)) {
      ClientRun byName = twistedClient(server.port(), "localhost", null);
      byName.assertAllChecksPassed();
      ClientRun byAddress = twistedClient(server.port(), "127.0.0.1", null);
      byAddress.assertAllChecksPassed();
      assertThat(server.dialects).containsExactly("banana/pb");
      server.assertEveryConnectionClosed();
    }
  }

  @Test
  void twistedClientRefusesAJavaServerWhoseCertificateNamesAnotherHost() throws Exception {
    TlsOptions tls = TlsOptions.builder().keyCertChain(misnamed.certificate(), misnamed.key()).build();
    try (JavaServer server = new JavaServer(tls)) {
      twistedClient(server.port(), "localhost", null).assertRefused();
      assertThat(server.accepted).isEmpty();
    }
  }

  @Test
  void mutualTlsJavaServerServesOnlyTwistedClientsWithACertificateItsCaSigned() throws Exception {
    TestPki.Issued certificate = servers.get(KeyForm.RSA_PKCS8);
    TlsOptions tls = TlsOptions.builder().keyCertChain(certificate.certificate(), certificate.key())
        .trustedCertificates(ca.certificate()).clientAuth(TlsOptions.ClientAuth.REQUIRED).build();
    try (JavaServer server = new JavaServer(tls);
        PbClient javaClient = PbClient.builder().tls(clientTls(alice)).build()) {
      twistedClient(server.port(), "localhost", null).assertRefused();
      twistedClient(server.port(), "localhost", mallory).assertRefused();
      assertThat(server.accepted).as("connections handed to PB").isEmpty();
      // a Java client holds a connection while refused Twisted clients come and go
      Broker held = javaClient.connect("tls://127.0.0.1:" + server.port()).get(10, TimeUnit.SECONDS);
      twistedClient(server.port(), "localhost", alice).assertAllChecksPassed();
      twistedClient(server.port(), "localhost", null).assertRefused();
      twistedClient(server.port(), "localhost", alice).assertAllChecksPassed();
      assertThat(call(held.rootObject(), "echo", "still here")).isEqualTo("still here");
      held.close();
      assertThat(server.accepted).as("connections handed to PB").hasSize(3);
      server.assertEveryConnectionClosed();
    }
  }

  // ---- helpers ----

  /** {@code tls_peers.py server} with {@code certificate}, asking for client certificates {@code clientCa} signed. */
  private ChildProcess twistedServer(TestPki.Issued certificate, Path clientCa) throws IOException {
    List<String> args = new ArrayList<>(List.of(Twisted.script("tls_peers.py").toString(), "server", "--port", "0",
        "--cert", certificate.certificate().toString(), "--key", certificate.key().toString()));
    if (clientCa != null) {
      args.addAll(List.of("--client-ca", clientCa.toString()));
    }
    return Twisted.python(peer(), args);
  }

  private static int listeningPort(ChildProcess twisted) throws InterruptedException {
    return Twisted.listeningPort(twisted);
  }

  /** What one run of {@code tls_peers.py client} printed, and how it ended. */
  private record ClientRun(String peer, Map<String, JsonNode> checks, int exitCode, String stderr) {
    void assertAllChecksPassed() {
      assertThat(checks.keySet()).as("checks reported by tls_peers.py client on %s; stderr:\n%s", peer, stderr)
          .containsExactlyElementsOf(CLIENT_CHECKS);
      checks.forEach((name, result) -> assertThat(result.get("ok").asBoolean())
          .as("%s on %s: %s; stderr:\n%s", name, peer, result.get("detail").asText(), stderr).isTrue());
      assertThat(exitCode).as("exit code of tls_peers.py client on %s", peer).isZero();
    }

    /** The Twisted client could not get the root: refused in the TLS handshake, or (TLS 1.3) right after it. */
    void assertRefused() {
      assertThat(checks.keySet()).as("checks reported by tls_peers.py client on %s; stderr:\n%s", peer, stderr)
          .containsExactly("connect");
      assertThat(checks.get("connect").get("ok").asBoolean()).as("connect on %s: %s", peer,
          checks.get("connect").get("detail").asText()).isFalse();
      assertThat(exitCode).as("exit code of tls_peers.py client on %s", peer).isEqualTo(1);
    }
  }

  /** Runs {@code tls_peers.py client} to the end, checking the server's name against {@code hostname}. */
  private ClientRun twistedClient(int port, String hostname, TestPki.Issued certificate) throws Exception {
    List<String> args = new ArrayList<>(List.of(Twisted.script("tls_peers.py").toString(), "client",
        "--port", Integer.toString(port), "--hostname", hostname, "--ca", ca.certificate().toString()));
    if (certificate != null) {
      args.addAll(List.of("--cert", certificate.certificate().toString(), "--key", certificate.key().toString()));
    }
    ObjectMapper json = new ObjectMapper();
    Map<String, JsonNode> checks = new LinkedHashMap<>();
    try (ChildProcess client = Twisted.python(peer(), args)) {
      int exit = client.awaitExit(Twisted.RUN); // fails with the output if tls_peers.py client does not exit
      for (String line : client.stdout()) {
        if (line.startsWith("{")) {
          JsonNode result = json.readTree(line);
          checks.put(result.get("check").asText(), result);
        }
      }
      return new ClientRun(peer().label(), checks, exit, client.stderr());
    }
  }

  /** The Java server a Twisted client meets: the interop root and the demo's portal, over {@code tls://}. */
  private static final class JavaServer implements AutoCloseable {
    final PbServer server;
    /** The connections PB got (after their TLS handshake); a refused client never shows here. */
    final List<Broker> accepted = new java.util.concurrent.CopyOnWriteArrayList<>();
    final java.util.Set<String> dialects = ConcurrentHashMap.newKeySet();

    JavaServer(TlsOptions tls) {
      DemoWorld world = new DemoWorld();
      server = PbServer.builder().rootFactory(broker -> new InteropRoot(world)).portal(world.portal())
          .copies(DemoTypes.registry()).tls(tls)
          .onConnect(broker -> {
            accepted.add(broker);
            dialects.add(broker.serializer() + "/" + broker.dialect());
          })
          .listen("tls://127.0.0.1:0").build().start();
    }

    int port() {
      return server.addresses().get(0).getPort();
    }

    /**
     * Every connection PB got has closed: the clients that closed theirs were heard. A broker reads as disconnected
     * a moment before the server drops its connection from {@link PbServer#connections()}, so both are awaited.
     */
    void assertEveryConnectionClosed() throws InterruptedException {
      eventually(() -> accepted.stream().noneMatch(Broker::isConnected) && server.connections().isEmpty());
    }

    @Override
    public void close() {
      server.close();
    }
  }

  private TlsOptions clientTls(TestPki.Issued certificate) {
    return TlsOptions.builder().trustedCertificates(ca.certificate())
        .keyCertChain(certificate.certificate(), certificate.key()).build();
  }

  /**
   * Refused by TLS: in the handshake, or (TLS 1.3 checks the client's certificate after the client has finished its
   * part) by the server's alert right after it, before PB's dialect negotiation.
   */
  private static void assertRefusedByTls(CompletableFuture<Broker> connecting) {
    assertThat(connecting).failsWithin(10, TimeUnit.SECONDS).withThrowableOfType(ExecutionException.class)
        .satisfies(e -> assertThat(causes(e)).as("the causes of %s", e).anyMatch(cause -> cause instanceof SSLException
            || cause instanceof java.net.SocketException)); // TLS 1.3: the server's alert, or its reset if that wins
  }

  private static List<Throwable> causes(Throwable error) {
    List<Throwable> chain = new ArrayList<>();
    for (Throwable t = error; t != null && !chain.contains(t); t = t.getCause()) {
      chain.add(t);
    }
    return chain;
  }

  private static byte[] pattern(int length) {
    byte[] bytes = new byte[length];
    for (int i = 0; i < length; i++) {
      bytes[i] = (byte) (i % 251);
    }
    return bytes;
  }
}

// One concrete class per peer (top level, so Surefire's default includes pick them up and the class name in a
// failure report names the peer).

/** TLS between PBJ and Twisted 22 (Debian's python3-twisted and python3-openssl). */
class TlsInteropTwisted22Test extends TlsInteropTest {
  @Override
  TwistedPeer peer() {
    return TwistedPeer.TWISTED22;
  }
}

/** TLS between PBJ and the newest Twisted (pip, {@code .venv-twisted}, with pyOpenSSL and service_identity). */
class TlsInteropTwistedLatestTest extends TlsInteropTest {
  @Override
  TwistedPeer peer() {
    return TwistedPeer.TWISTED_LATEST;
  }
}
