package dev.pbj.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pbj.Broker;
import dev.pbj.ConnectionLostException;
import dev.pbj.Keepalive;
import dev.pbj.Referenceable;
import dev.pbj.Remote;
import dev.pbj.core.PbClient;
import dev.pbj.core.PbServer;
import dev.pbj.core.internal.wire.DialectHandshake;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

/**
 * Dead-peer detection on TCP: a PBJ peer that stops reading and answering (a pulled cable, as far as this side can
 * tell) is found by the negotiated ping within the keepalive time and timeout, failing every pending call; a peer
 * that did not negotiate the extensions (Twisted) is never sent a ping; a live peer answers them and stays.
 */
class KeepaliveTest {
  private static final Keepalive QUICK = new Keepalive(Duration.ofMillis(250), Duration.ofSeconds(1));

  /**
   * A server that speaks the opening exchange offering {@code dialects}, then neither reads nor writes again while
   * the socket stays open: what a peer whose process froze looks like. Records what it was sent, once told to read.
   */
  private static final class FrozenServer implements AutoCloseable {
    final ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
    final CompletableFuture<Socket> accepted = new CompletableFuture<>();

    FrozenServer(List<String> dialects) throws IOException {
      Thread thread = new Thread(() -> {
        try {
          Socket socket = listener.accept();
          OutputStream out = socket.getOutputStream();
          out.write(DialectHandshake.offer(dialects));
          out.flush();
          accepted.complete(socket);
        } catch (IOException e) {
          accepted.completeExceptionally(e);
        }
      }, "frozen-server");
      thread.setDaemon(true);
      thread.start();
    }

    String uri() {
      return "tcp://127.0.0.1:" + listener.getLocalPort();
    }

    /** Everything the client has sent so far (reads until the socket is quiet for a moment). */
    byte[] drain() throws Exception {
      Socket socket = accepted.get(10, TimeUnit.SECONDS);
      socket.setSoTimeout(200);
      InputStream in = socket.getInputStream();
      ByteArrayOutputStream got = new ByteArrayOutputStream();
      byte[] buffer = new byte[4096];
      try {
        for (int n; (n = in.read(buffer)) > 0; ) {
          got.write(buffer, 0, n);
        }
      } catch (java.net.SocketTimeoutException quiet) {
        // nothing more for now
      }
      return got.toByteArray();
    }

    @Override
    public void close() throws IOException {
      listener.close();
      Socket socket = accepted.getNow(null);
      if (socket != null) {
        socket.close();
      }
    }
  }

  @Test
  void aFrozenPbjPeerFailsEveryPendingCallWithinTheKeepalive() throws Exception {
    try (FrozenServer server = new FrozenServer(List.of("pb+pbj", "pb", "none"));
         PbClient client = PbClient.builder().serializers("banana").keepalive(QUICK).build()) {
      Broker broker = client.connect(server.uri()).get(10, TimeUnit.SECONDS);
      CompletableFuture<Object> first = broker.rootObject().callRemote("anything");
      CompletableFuture<Object> second = broker.rootObject().callRemote("else", 1, 2);
      long start = System.nanoTime();
      for (CompletableFuture<Object> call : List.of(first, second)) {
        Throwable failure = assertThatThrownBy(() -> call.get(10, TimeUnit.SECONDS))
            .isInstanceOf(ExecutionException.class).actual().getCause();
        assertThat(failure).isInstanceOf(ConnectionLostException.class).hasMessageContaining("keepalive");
      }
      // silent for 250 ms, then 1 s to answer the ping: well under the 10 s the calls were given
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
      assertThat(broker.isConnected()).isFalse();
      assertThat(new String(server.drain(), StandardCharsets.ISO_8859_1)).contains("ping");
    }
  }

  @Test
  void aPeerWithoutTheExtensionsIsNeverPinged() throws Exception {
    try (FrozenServer server = new FrozenServer(List.of("pb", "none"));
         PbClient client = PbClient.builder().serializers("banana").keepalive(QUICK).build()) {
      Broker broker = client.connect(server.uri()).get(10, TimeUnit.SECONDS);
      CompletableFuture<Object> call = broker.rootObject().callRemote("slow");
      // several keepalive periods pass: a Twisted peer may be slow, and cannot be asked
      assertThatThrownBy(() -> call.get(1500, TimeUnit.MILLISECONDS)).isInstanceOf(TimeoutException.class);
      assertThat(broker.isConnected()).isTrue();
      String sent = new String(server.drain(), StandardCharsets.ISO_8859_1);
      assertThat(sent).contains("slow").doesNotContain("ping").doesNotContain("+pbj");
      call.cancel(true);
    }
  }

  /** Answers after the test lets it: a long silence of a live peer. */
  public static final class Patient implements Referenceable {
    final CountDownLatch release = new CountDownLatch(1);

    @Remote
    public String waitForIt() throws InterruptedException {
      return release.await(10, TimeUnit.SECONDS) ? "done" : "gave up";
    }
  }

  @Test
  void aLivePeerAnswersThePingsThroughALongSilence() throws Exception {
    Patient root = new Patient();
    try (PbServer server = PbServer.builder().root(root).keepalive(QUICK).listen("tcp://127.0.0.1:0").build()
             .start();
         PbClient client = PbClient.builder().keepalive(QUICK).build()) {
      Broker broker = client.connect(server.uri(0)).get(10, TimeUnit.SECONDS);
      CompletableFuture<Object> call = broker.rootObject().callRemote("waitForIt");
      // several pings each way while the method holds its answer back
      assertThatThrownBy(() -> call.get(1500, TimeUnit.MILLISECONDS)).isInstanceOf(TimeoutException.class);
      assertThat(broker.isConnected()).isTrue();
      root.release.countDown();
      assertThat(call.get(10, TimeUnit.SECONDS)).isEqualTo("done");
      assertThat(server.connections()).hasSize(1);
    }
  }

  @Test
  void aServerDropsAFrozenClient() throws Exception {
    CompletableFuture<Broker> connected = new CompletableFuture<>();
    try (PbServer server = PbServer.builder().root(new Patient()).keepalive(QUICK).onConnect(connected::complete)
        .serializers("banana").listen("tcp://127.0.0.1:0").build().start();
         Socket frozen = new Socket(InetAddress.getLoopbackAddress(), server.addresses().get(0).getPort())) {
      InputStream in = frozen.getInputStream();
      DialectHandshake.Reader offer = new DialectHandshake.Reader(true);
      List<String> offered = null;
      while (offered == null) {
        int b = in.read();
        assertThat(b).isNotNegative();
        offered = offer.feed(java.nio.ByteBuffer.wrap(new byte[] {(byte) b}));
      }
      assertThat(offered).startsWith("pb+pbj", "pb");
      frozen.getOutputStream().write(DialectHandshake.choice("pb+pbj"));
      frozen.getOutputStream().flush();
      Broker broker = connected.get(10, TimeUnit.SECONDS);
      broker.closeFuture().get(10, TimeUnit.SECONDS); // never read from, never answered: dropped
      assertThat(broker.isConnected()).isFalse();
    }
  }
}
