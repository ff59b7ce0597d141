package dev.pbj.fuzz;

import static dev.pbj.fuzz.Outcomes.check;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.pbj.Broker;
import dev.pbj.BrokerStats;
import dev.pbj.Keepalive;
import dev.pbj.Limits;
import dev.pbj.PbException;
import dev.pbj.ProtocolException;
import dev.pbj.banana.BananaSerializerProvider;
import dev.pbj.cli.demo.DemoRoot;
import dev.pbj.cli.demo.DemoTypes;
import dev.pbj.cli.demo.DemoWorld;
import dev.pbj.core.internal.endpoint.BrokerConfig;
import dev.pbj.core.internal.connection.Connection;
import dev.pbj.core.internal.wire.DialectHandshake;
import dev.pbj.msgpack.MsgpackSerializerProvider;
import dev.pbj.spi.MessageDecoder;
import dev.pbj.spi.SerializerProvider;
import dev.pbj.testkit.RecordingLink;
import dev.pbj.testkit.RecordingSink;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Whole PB messages from a hostile client into a server {@link Connection} serving the demo root with the demo
 * portal and copy types, as {@code pbj serve} does: calls, answers, errors, decrefs, cache messages, login. The
 * dialect choice is made for the fuzzer ({@code pb+pbj} or {@code msgpack+pbj}, so PBJ's extension messages are
 * understood too); the input is everything the client sends after it. Executors run on the target's thread
 * ({@link ScriptThread}), so each input runs to its end inside the call.
 *
 * <p>Invariant, after every input: a connection the input made the server close was closed for one of PBJ's
 * typed exceptions; the broker's tables are within their limits; everything the server sent decodes; and once the
 * link closes every table is back at rest ({@link BrokerStats#AT_REST}).
 */
class BrokerFuzzTest {
  private static final Limits LIMITS = Limits.defaults();
  /** How long a closed connection has to come to rest: far beyond a hand-off's microseconds, far below the timeout. */
  private static final long SETTLE_MILLIS = 2_000;

  @FuzzTest
  void banana(byte[] input) {
    run(new BananaSerializerProvider(), "pb", input);
  }

  @FuzzTest
  void msgpack(byte[] input) {
    run(new MsgpackSerializerProvider(), "msgpack", input);
  }

  private static void run(SerializerProvider serializer, String dialect, byte[] input) {
    DemoWorld world = new DemoWorld();
    ScriptThread thread = new ScriptThread();
    BrokerConfig config = new BrokerConfig(thread, thread, LIMITS, false, DemoTypes.registry(),
        broker -> new DemoRoot(world), world.portal(), List.of(serializer.name()), null, Keepalive.disabled());
    RecordingLink link = new RecordingLink();
    CompletableFuture<Broker> ready = new CompletableFuture<>();
    Connection connection = new Connection(link, true, List.of(serializer), config, ready);
    connection.start();
    byte[] offer = link.sent.toByteArray();
    link.sent.reset();
    connection.onBytes(ByteBuffer.wrap(DialectHandshake.choice(dialect + "+pbj")));
    Broker broker = ready.getNow(null);
    check(broker != null, "the server did not accept the client's choice of " + dialect + "+pbj from " + offer.length
        + " bytes of offer");
    connection.onBytes(ByteBuffer.wrap(input));
    thread.runWaiting();

    if (link.closeCause != null) {
      Outcomes.requireTyped(link.closeCause, PbException.class);
    }
    BrokerStats stats = broker.stats();
    check(stats.localObjects() >= 0 && stats.localObjects() <= LIMITS.maxLocalObjects(), "local objects " + stats);
    check(stats.cachedObjects() >= 0 && stats.cachedObjects() <= LIMITS.maxLocalObjects(), "cached objects " + stats);
    check(stats.remoteReferences() >= 0 && stats.pendingCalls() >= 0 && stats.remoteCaches() >= 0,
        "negative counts " + stats);
    checkSentDecodes(serializer, dialect, link.sent.toByteArray());

    connection.onClosed(link.closeCause);
    // the close runs in the connection's context, which a hand-off from the cleaner's thread may hold for a moment
    thread.runUntil(() -> !broker.isConnected() && broker.stats().equals(BrokerStats.AT_REST), SETTLE_MILLIS);
    check(!broker.isConnected(), "the broker is still connected after its link closed");
    check(broker.stats().equals(BrokerStats.AT_REST), "tables not at rest after the link closed: " + broker.stats());
  }

  /** What the server wrote is valid in its own dialect: the peer's decoder would not fault on it. */
  private static void checkSentDecodes(SerializerProvider serializer, String dialect, byte[] sent) {
    MessageDecoder decoder = serializer.newDecoder(dialect, LIMITS, new RecordingSink());
    try {
      decoder.feed(ByteBuffer.wrap(sent));
    } catch (ProtocolException e) {
      throw new AssertionError("the server sent bytes its peer cannot decode: " + e, e);
    }
    check(!decoder.inMessage(), "the server's output ends in the middle of a message");
  }
}
