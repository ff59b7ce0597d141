package dev.pbj.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pbj.Broker;
import dev.pbj.core.PbClient;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Peers that pipeline big calls and never read the answers, against a real {@code pbj serve} process, driven by raw
 * sockets that speak banana by hand (not PBJ's client): the server stops reading them instead of buffering their
 * answers, so its resident memory stays bounded, while a well-behaved client on another connection keeps being
 * answered in milliseconds, and a fresh connection is served afterwards.
 */
class SlowPeerIT {
  private static final Path JAR = Path.of(System.getProperty("pbj.jar", "target/pbj.jar"));
  private static final String JAVA = Path.of(System.getProperty("java.home"), "bin", "java").toString();
  private static final int PEERS = 4;
  private static final int CALLS_EACH = 1_500;
  private static final int PAYLOAD = 600 * 1024;

  @Test
  void peersThatDoNotReadCannotFillTheServersMemory() throws Exception {
    assertThat(JAR).as("built by mvn package").isRegularFile();
    Process server = new ProcessBuilder(JAVA, "-jar", JAR.toString(), "serve", "--tcp", "127.0.0.1:0",
        "--until-stdin-closes").redirectError(ProcessBuilder.Redirect.DISCARD).start();
    List<Socket> peers = new ArrayList<>();
    try {
      String line = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8))
          .readLine();
      assertThat(line).matches("listening tcp://127\\.0\\.0\\.1:\\d+");
      URI uri = URI.create(line.substring("listening ".length()));
      long before = rssKib(server.pid());

      AtomicLong sent = new AtomicLong();
      byte[] call = echoCall(PAYLOAD);
      for (int p = 0; p < PEERS; p++) {
        Socket peer = new Socket();
        peer.setReceiveBufferSize(64 * 1024);
        peer.connect(new InetSocketAddress(uri.getHost(), uri.getPort()), 10_000);
        handshake(peer);
        peers.add(peer);
        Thread writer = new Thread(() -> {
          try {
            OutputStream out = peer.getOutputStream();
            for (int i = 0; i < CALLS_EACH; i++) {
              out.write(requestId(call, i + 1)); // blocks once the server stops reading this peer
              sent.addAndGet(call.length);
            }
          } catch (IOException e) {
            // closed by the test at the end
          }
        }, "slow-peer-" + p);
        writer.setDaemon(true);
        writer.start();
      }

      // the writers stall: nothing they send is read any more
      long stalledAt = waitUntilStalled(sent);
      assertThat(stalledAt).as("bytes the peers got the server to read")
          .isLessThan((long) PEERS * CALLS_EACH * call.length);
      long during = rssKib(server.pid());
      try (PbClient client = PbClient.builder().build()) {
        Broker healthy = client.connect(uri).get(10, TimeUnit.SECONDS);
        long slowest = 0;
        for (int i = 0; i < 50; i++) {
          long started = System.nanoTime();
          assertThat(healthy.rootObject().callRemote("echo", i).get(10, TimeUnit.SECONDS)).isEqualTo((long) i);
          slowest = Math.max(slowest, System.nanoTime() - started);
        }
        assertThat(Duration.ofNanos(slowest)).isLessThan(Duration.ofMillis(500));
        long grown = rssKib(server.pid()) - before;
        System.out.printf("SlowPeerIT: %d peers sent %d MiB before stalling; server RSS %d -> %d MiB (+%d MiB);"
            + " slowest healthy call %.1f ms%n", PEERS, stalledAt >> 20, before >> 10, during >> 10, grown >> 10,
            slowest / 1e6);
        assertThat(grown).as("RSS growth in KiB").isLessThan(512L * 1024);
      }
      for (Socket peer : peers) {
        peer.close();
      }
      try (PbClient client = PbClient.builder().build()) {
        Broker fresh = client.connect(uri).get(10, TimeUnit.SECONDS);
        assertThat(fresh.rootObject().callRemote("echo", "fresh").get(10, TimeUnit.SECONDS)).isEqualTo("fresh");
      }
    } finally {
      for (Socket peer : peers) {
        peer.close();
      }
      server.getOutputStream().close();
      if (!server.waitFor(30, TimeUnit.SECONDS)) {
        server.destroyForcibly();
      }
    }
  }

  /** Reads the server's dialect list, answers {@code pb}, and sends {@code (version 6)}. */
  private static void handshake(Socket peer) throws IOException {
    DataInputStream in = new DataInputStream(peer.getInputStream());
    // a banana list of strings: count, 0x80, then each string: length, 0x82, bytes
    int count = readPrefix(in, 0x80);
    for (int i = 0; i < count; i++) {
      in.readFully(new byte[readPrefix(in, 0x82)]);
    }
    peer.getOutputStream().write(new byte[] {0x02, (byte) 0x82, 'p', 'b', 0x02, (byte) 0x80, 0x13, (byte) 0x87,
        0x06, (byte) 0x81});
  }

  private static int readPrefix(DataInputStream in, int type) throws IOException {
    int value = 0;
    int shift = 0;
    while (true) {
      int b = in.readUnsignedByte();
      if (b >= 0x80) {
        assertThat(b).as("banana type byte").isEqualTo(type);
        return value;
      }
      value |= b << shift;
      shift += 7;
    }
  }

  /** {@code (message ID "root" "echo" 1 (tuple PAYLOAD) (dictionary))} in the pb dialect, ID a 4-byte prefix. */
  private static byte[] echoCall(int payload) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(payload + 64);
    out.write(0x07);
    out.write(0x80);
    out.write(0x1a);
    out.write(0x87); // message
    out.writeBytes(new byte[] {0, 0, 0, 0, (byte) 0x81}); // request id: patched by requestId()
    out.writeBytes(new byte[] {0x04, (byte) 0x82, 'r', 'o', 'o', 't', 0x04, (byte) 0x82, 'e', 'c', 'h', 'o'});
    out.writeBytes(new byte[] {0x01, (byte) 0x81}); // answer required
    out.writeBytes(new byte[] {0x02, (byte) 0x80, 0x0b, (byte) 0x87}); // (tuple
    out.writeBytes(prefix(payload));
    out.write(0x82);
    out.writeBytes(new byte[payload]);
    out.writeBytes(new byte[] {0x01, (byte) 0x80, 0x05, (byte) 0x87}); // (dictionary)
    return out.toByteArray();
  }

  /** {@code call} with its request id set to {@code id} (below 2^28, so four prefix bytes). */
  private static byte[] requestId(byte[] call, int id) {
    byte[] copy = call.clone();
    for (int i = 0; i < 4; i++) {
      copy[4 + i] = (byte) ((id >>> (7 * i)) & 0x7f);
    }
    return copy;
  }

  private static byte[] prefix(int value) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    do {
      out.write(value & 0x7f);
      value >>>= 7;
    } while (value != 0);
    return out.toByteArray();
  }

  /** Waits until {@code sent} has not moved for two seconds (bounded at two minutes); returns its value. */
  private static long waitUntilStalled(AtomicLong sent) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
    long last = -1;
    while (System.nanoTime() < deadline) {
      long now = sent.get();
      if (now == last) {
        return now;
      }
      last = now;
      Thread.sleep(2_000);
    }
    throw new AssertionError("the peers kept sending for two minutes: the server never stopped reading them");
  }

  private static long rssKib(long pid) throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    }
    throw new IOException("no VmRSS for " + pid);
  }
}
