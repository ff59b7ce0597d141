package dev.pbj.core.internal.connection;

import static dev.pbj.core.internal.BrokerPair.eventually;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import dev.pbj.Broker;
import dev.pbj.Bytes;
import dev.pbj.ConnectionLostException;
import dev.pbj.Limits;
import dev.pbj.core.PbClient;
import dev.pbj.core.PbServer;
import dev.pbj.core.internal.BrokerPair;
import dev.pbj.core.internal.TestRoot;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Isolated;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A peer that pipelines calls with big answers and never reads them: the server stops reading it instead of
 * buffering its answers, serves its other connections as before, and closes it once its unread output has stayed
 * above {@link Limits#maxUnreadOutput()} for the grace. Over the real transports (the in-memory pipe has no flow
 * control).
 */
@ParameterizedClass(name = "{0}")
@MethodSource("dev.pbj.core.internal.BrokerPair#setups")
@Isolated("floods loopback with tens of MB: other tests' timeouts would measure this one")
class BackPressureTest {
  private static final int ANSWER_BYTES = 200 * 1024;
  private static final int CALLS = 400; // 80 MB: more than loopback's socket buffers can hide (up to 32 MiB here)

  @Parameter
  BrokerPair.Setup setup;

  @Test
  void peerThatDoesNotReadIsPausedThenClosedWhileOthersAreServed() throws Exception {
    assumeFalse(setup.inMemory(), "the in-memory pipe has no flow control");
    // both marks and the cap at one level: output that stops draining is above the cap, never parked between marks
    Limits serverLimits = Limits.builder().outboundHighWaterMark(256 * 1024).outboundLowWaterMark(256 * 1024)
        .maxUnreadOutput(256 * 1024).unreadOutputGrace(Duration.ofSeconds(2)).build();
    CompletableFuture<Broker> flooded = new CompletableFuture<>();
    try (PbServer server = PbServer.builder().registry(BrokerPair.registry(setup)).root(new TestRoot())
        .limits(serverLimits)
        .serializers(setup.serializer().name()).onConnect(flooded::complete).listen(setup.transport() + "://127.0.0.1:0/pb").build().start();
        PbClient client = PbClient.builder().registry(BrokerPair.registry(setup))
            .serializers(setup.serializer().name()).build()) {
      BrokerImpl flooding = (BrokerImpl) client.connect(server.uri(0)).get(10, TimeUnit.SECONDS);
      BrokerImpl serverSide = (BrokerImpl) flooded.get(10, TimeUnit.SECONDS);
      flooding.connection().gate().close(ReadGate.HELD); // this client stops reading its socket

      Bytes payload = Bytes.wrap(new byte[ANSWER_BYTES]);
      List<CompletableFuture<Object>> calls = new ArrayList<>();
      for (int i = 0; i < CALLS; i++) {
        calls.add(flooding.rootObject().callRemote("echoFast", payload));
      }
      // the server stops reading the flooding peer: its unread output stays near the high water mark
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (serverSide.link().unwrittenBytes() <= serverLimits.outboundHighWaterMark()) {
        assertThat(System.nanoTime()).as("the server's output never passed the high mark: %d unwritten, reading %s,"
            + " %d calls pending", serverSide.link().unwrittenBytes(), serverSide.connection().gate().isOpen(),
            serverSide.inboundPending()).isLessThan(deadline);
        Thread.sleep(5);
      }
      long most = 0;
      try (PbClient other = PbClient.builder().registry(BrokerPair.registry(setup))
          .serializers(setup.serializer().name()).build()) {
        Broker healthy = other.connect(server.uri(0)).get(10, TimeUnit.SECONDS);
        for (int i = 0; i < 20; i++) {
          long started = System.nanoTime();
          assertThat(healthy.rootObject().callRemote("echo", i).get(5, TimeUnit.SECONDS)).isEqualTo((long) i);
          assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(2));
          most = Math.max(most, serverSide.link().unwrittenBytes());
          assertThat(serverSide.inboundPending()).isLessThan(CALLS);
        }
      }
      // bounded: the high mark plus what the calls already read when it paused could answer
      assertThat(most).isLessThan(16L * 1024 * 1024);
      // after the grace the server gives up on the peer; every call of it settles
      assertThat(serverSide.closeFuture()).succeedsWithin(30, TimeUnit.SECONDS);
      // the flooding side, which never reads (so a WebSocket never sees the close frame), gives up too: every one of
      // its calls settles
      flooding.close();
      int lost = 0;
      for (CompletableFuture<Object> call : calls) { // answered before the close, or lost with the connection
        try {
          assertThat(call.get(30, TimeUnit.SECONDS)).isEqualTo(payload);
        } catch (ExecutionException e) {
          assertThat(e).hasCauseInstanceOf(ConnectionLostException.class);
          lost++;
        }
      }
      assertThat(lost).as("calls the server never read").isPositive();
      // and serves a fresh connection afterwards
      Broker fresh = client.connect(server.uri(0)).get(10, TimeUnit.SECONDS);
      assertThat(fresh.rootObject().callRemote("echo", "fresh").get(10, TimeUnit.SECONDS)).isEqualTo("fresh");
      eventually(() -> fresh.stats().pendingCalls() == 0);
    }
  }
}
