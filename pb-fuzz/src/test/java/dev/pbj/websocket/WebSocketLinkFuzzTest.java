package dev.pbj.websocket;

import static dev.pbj.fuzz.Outcomes.check;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.pbj.Broker;
import dev.pbj.BrokerStats;
import dev.pbj.Keepalive;
import dev.pbj.Limits;
import dev.pbj.PbException;
import dev.pbj.cli.demo.DemoRoot;
import dev.pbj.cli.demo.DemoTypes;
import dev.pbj.cli.demo.DemoWorld;
import dev.pbj.core.internal.endpoint.BrokerConfig;
import dev.pbj.core.internal.connection.Connection;
import dev.pbj.fuzz.ScriptThread;
import dev.pbj.msgpack.MsgpackSerializerProvider;
import dev.pbj.spi.LinkHandler;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The WebSocket message path in process: what a peer's frames become in {@link WebSocketLink} (fragments assembled
 * up to the frame limit, text refused, close frames answered, pauses holding messages) and then in the server
 * {@link Connection} behind it, speaking {@code msgpack+pbj} as agreed in the upgrade, serving the demo root. The
 * socket is replaced by {@link ScriptedLink}, whose primitives run on the calling thread; the input is a script of
 * frame events (see {@link #messages}).
 *
 * <p>Invariant: no message over the frame limit reaches the handler, and none after it closed; {@code onClosed}
 * runs exactly once, with no cause or a typed one (a {@link PbException}, the peer's {@link WebSocketCloseException},
 * an I/O error); a close frame this side starts carries a code a peer accepts; and once the link is gone, the
 * broker's tables are at rest.
 */
class WebSocketLinkFuzzTest {
  private static final int FRAME_LIMIT = 2048;
  private static final Settings SETTINGS = new Settings(1, FRAME_LIMIT, 0, 0, 1_000, Duration.ofSeconds(1), null,
      null, Map.of(), Map.of(), null);

  /**
   * Each event is an op byte, and for ops 0 to 3 a two-byte length and that many payload bytes: 0 a binary part
   * that ends its message, 1 one that does not, 2 a text frame, 3 a close frame (payload: code and reason), 4 pause
   * reading, 5 resume, 6 let the close grace pass, 7 an I/O error.
   */
  @FuzzTest
  void messages(byte[] script) {
    ScriptThread thread = new ScriptThread();
    ScriptedLink link = new ScriptedLink(thread);
    DemoWorld world = new DemoWorld();
    BrokerConfig config = new BrokerConfig(thread, thread, Limits.defaults(), false, DemoTypes.registry(),
        b -> new DemoRoot(world), world.portal(), List.of("msgpack"), null, Keepalive.disabled());
    CompletableFuture<Broker> ready = new CompletableFuture<>();
    Watched watched = new Watched();
    link.agreedOn("msgpack+pbj");
    link.open(l -> {
      watched.connection = new Connection(l, true, List.of(new MsgpackSerializerProvider()), config, ready);
      watched.connection.start();
      return watched;
    }, CloseStatus.INTERNAL_ERROR);
    link.startReading();
    Broker broker = ready.getNow(null);
    check(broker != null, "the connection did not start on the agreed serializer");

    ByteBuffer in = ByteBuffer.wrap(script);
    while (in.hasRemaining() && !watched.closed) {
      int op = (in.get() & 0xff) % 8;
      ByteBuffer payload = null;
      if (op <= 3) {
        int length = in.remaining() >= 2 ? in.getShort() & 0xffff : 0;
        length = Math.min(length, in.remaining());
        payload = in.slice().limit(length);
        in.position(in.position() + length);
      }
      switch (op) {
        case 0 -> link.binaryPart(payload, true);
        case 1 -> link.binaryPart(payload, false);
        case 2 -> link.textArrived();
        case 3 -> link.peerClosed(CloseStatus.parse(payload));
        case 4 -> link.pauseReading();
        case 5 -> link.resumeReading();
        case 6 -> link.passTime();
        default -> link.failed(new IOException("connection reset by the script"));
      }
      thread.runWaiting();
    }
    // the peer goes away: the link ends as it would on a real socket
    link.peerClosed(CloseStatus.NORMAL_CLOSURE);
    link.passTime();
    link.terminated();
    // the close runs in the connection's context, which a hand-off from the cleaner's thread may hold for a moment
    thread.runUntil(() -> watched.closedCount > 0 && !broker.isConnected()
        && broker.stats().equals(BrokerStats.AT_REST), 2_000);

    check(watched.closedCount == 1, "onClosed ran " + watched.closedCount + " times");
    Throwable cause = watched.cause;
    check(cause == null || cause instanceof PbException || cause instanceof IOException,
        "onClosed with an untyped cause: " + cause);
    if (link.closeSent != null && !link.peerClosedFirst) {
      int code = link.closeSent.code();
      check(code >= 1000 && code <= 4999 && code != 1004 && code != 1005 && code != 1006 && code != 1015,
          "this side started the close with code " + code + ", which no peer may receive");
    }
    check(!broker.isConnected(), "the broker is connected after its link ended");
    check(broker.stats().equals(BrokerStats.AT_REST), "tables not at rest after the link ended: " + broker.stats());
  }

  /** The connection's handler, watched: what reaches it, and when. */
  private static final class Watched implements LinkHandler {
    Connection connection;
    int closedCount;
    boolean closed;
    Throwable cause;

    @Override
    public void onBytes(ByteBuffer bytes) {
      check(!closed, "a message reached the handler after onClosed");
      check(bytes.remaining() <= FRAME_LIMIT, "a message of " + bytes.remaining() + " bytes passed the limit of "
          + FRAME_LIMIT);
      connection.onBytes(bytes);
    }

    @Override
    public void onWritabilityChanged(boolean writable) {
      connection.onWritabilityChanged(writable);
    }

    @Override
    public void onClosed(Throwable cause) {
      closedCount++;
      closed = true;
      this.cause = cause;
      connection.onClosed(cause);
    }
  }

  /**
   * A {@link WebSocketLink} whose WebSocket is a script: its event thread is the target's (tasks handed over run
   * once the current one returns; from another thread, such as the cleaner's, when the script next lets them),
   * writes complete at once, and timers wait until {@link #passTime()}.
   */
  private static final class ScriptedLink extends WebSocketLink {
    private static final SocketAddress ADDRESS = InetSocketAddress.createUnresolved("fuzz-peer", 2);
    private final ScriptThread thread;
    private final ArrayDeque<Runnable> tasks = new ArrayDeque<>();
    private final List<Runnable> timers = new ArrayList<>();
    private boolean running;
    private boolean terminating;
    CloseStatus closeSent;
    boolean peerClosedFirst;
    final List<byte[]> written = new ArrayList<>();

    ScriptedLink(ScriptThread thread) {
      super(SETTINGS, Limits.defaults());
      this.thread = thread;
    }

    @Override
    void execute(Runnable task) {
      if (!thread.isOwner()) {
        thread.execute(() -> execute(task));
        return;
      }
      tasks.add(task);
      if (running) {
        return;
      }
      running = true;
      try {
        Runnable next;
        while ((next = tasks.poll()) != null) {
          next.run();
        }
      } finally {
        running = false;
      }
    }

    @Override
    boolean inEventThread() {
      return thread.isOwner(); // the script runs everything on its thread
    }

    @Override
    Runnable schedule(Runnable task, long delayMillis) {
      timers.add(task);
      return () -> timers.remove(task);
    }

    /** Runs the timers that are due by now, as if their delay had passed. */
    void passTime() {
      List<Runnable> due = new ArrayList<>(timers);
      timers.clear();
      due.forEach(this::execute);
    }

    @Override
    boolean writeBinary(byte[] message) {
      check(closeSent == null, "a message was written after the close frame");
      written.add(message);
      writeFinished(message);
      return true;
    }

    @Override
    void suspendReceiving() {}

    @Override
    void resumeReceiving() {}

    @Override
    boolean writeIdle() {
      return true;
    }

    @Override
    void writeClose(CloseStatus status) {
      closeSent = status;
      peerClosedFirst = peerCloseReceived();
      execute(() -> closeFrameWritten(null));
    }

    @Override
    void writePing() {}

    @Override
    void disconnect(boolean force) {
      if (!terminating) {
        terminating = true;
        execute(this::terminated);
      }
    }

    @Override
    public SocketAddress localAddress() {
      return ADDRESS;
    }

    @Override
    public SocketAddress remoteAddress() {
      return ADDRESS;
    }
  }
}
