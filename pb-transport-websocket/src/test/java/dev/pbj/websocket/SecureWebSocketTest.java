package dev.pbj.websocket;

import static dev.pbj.websocket.Acceptors.accepting;
import static dev.pbj.websocket.Acceptors.handing;
import static dev.pbj.websocket.RecordingHandler.TIMEOUT_SECONDS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pbj.spi.Link;
import dev.pbj.spi.TransportServer;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code wss://} on loopback, with a self-signed certificate that keytool makes for the test. */
class SecureWebSocketTest {

  private static final char[] PASSWORD = "changeit".toCharArray();

  @TempDir
  static Path keys;
  private static SSLContext serverAndTrust;

  @BeforeAll
  static void makeASelfSignedCertificate() throws Exception {
    Path keystore = keys.resolve("server.p12");
    Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
        "-genkeypair", "-alias", "pbj", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=localhost",
        "-ext", "SAN=ip:127.0.0.1,dns:localhost", "-validity", "2", "-storetype", "PKCS12",
        "-keystore", keystore.toString(), "-storepass", new String(PASSWORD), "-keypass", new String(PASSWORD))
        .redirectErrorStream(true)
        .start();
    String output = new String(keytool.getInputStream().readAllBytes());
    assertThat(keytool.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(keytool.exitValue()).as(output).isZero();

    KeyStore store = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(keystore)) {
      store.load(in, PASSWORD);
    }
    var keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    keyManagers.init(store, PASSWORD);
    var trustManagers = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    trustManagers.init(store); // the certificate of the key entry is trusted: the test's own little CA
    serverAndTrust = SSLContext.getInstance("TLS");
    serverAndTrust.init(keyManagers.getKeyManagers(), trustManagers.getTrustManagers(), null);
  }

  @Test
  void messagesCrossAWssLinkBothWays() throws Exception {
    BlockingQueue<Link> accepted = new LinkedBlockingQueue<>();
    var serverHandler = new RecordingHandler();
    try (var provider = WebSocketTransportProvider.builder().sslContext(serverAndTrust).build();
        TransportServer server = provider.listen(uri("wss://127.0.0.1:0/pb"), accepting(link -> {
          accepted.add(link);
          return serverHandler;
        })).get(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
      var clientHandler = new RecordingHandler();
      Link client = provider.connect(uri("wss://127.0.0.1:" + server.localAddress().getPort() + "/pb"),
          accepting(List.of("msgpack"), link -> clientHandler)).get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
      Link peer = accepted.poll(TIMEOUT_SECONDS, TimeUnit.SECONDS);

      client.send(new byte[] {1, 2, 3});
      assertThat(serverHandler.awaitMessages(1)).containsExactly(new byte[] {1, 2, 3});
      peer.send(new byte[70_000]);
      assertThat(clientHandler.awaitMessages(1)).containsExactly(new byte[70_000]);
      assertThat(client.negotiatedSerializer()).isEqualTo("msgpack");

      client.close();
      assertThat(serverHandler.awaitClosed()).isNull();
      assertThat(clientHandler.awaitClosed()).isNull();
    }
  }

  @Test
  void aClientWithTheDefaultTrustRefusesTheSelfSignedServer() throws Exception {
    try (var serverSide = WebSocketTransportProvider.builder().sslContext(serverAndTrust).build();
        var clientSide = new WebSocketTransportProvider();
        TransportServer server = serverSide.listen(uri("wss://127.0.0.1:0/pb"),
            accepting(link -> new RecordingHandler())).get(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
      assertThat(clientSide.connect(uri("wss://127.0.0.1:" + server.localAddress().getPort() + "/pb"),
          handing(new RecordingHandler())))
          .failsWithin(TIMEOUT_SECONDS, TimeUnit.SECONDS).withThrowableOfType(ExecutionException.class)
          .withCauseInstanceOf(SSLHandshakeException.class);
    }
  }

  private static java.net.URI uri(String uri) {
    return java.net.URI.create(uri);
  }
}
