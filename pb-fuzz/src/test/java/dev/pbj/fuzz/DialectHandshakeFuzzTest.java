package dev.pbj.fuzz;

import static dev.pbj.fuzz.Outcomes.check;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.pbj.Broker;
import dev.pbj.Keepalive;
import dev.pbj.Limits;
import dev.pbj.PbException;
import dev.pbj.ProtocolException;
import dev.pbj.banana.BananaSerializerProvider;
import dev.pbj.core.CopyRegistry;
import dev.pbj.core.internal.endpoint.BrokerConfig;
import dev.pbj.core.internal.connection.Connection;
import dev.pbj.core.internal.wire.DialectHandshake;
import dev.pbj.msgpack.MsgpackSerializerProvider;
import dev.pbj.testkit.RecordingLink;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * The opening exchange of a byte stream ({@link DialectHandshake}), read as the server's offer (a client reading)
 * and as the client's choice (a server reading), then as a whole client {@link Connection} that receives the input
 * as its server's first bytes.
 *
 * <p>Invariant: the reader fails only with {@link ProtocolException}, consumes no byte past the handshake, and
 * returns names that {@link DialectHandshake#offer} writes back to the same names (ASCII ones; others cannot be
 * written); the client connection either
 * answers with one of the offered names (extended or plain) or closes for a typed reason, and never speaks before
 * a whole offer arrived.
 */
class DialectHandshakeFuzzTest {
  private static final Executor DIRECT = Runnable::run;

  @FuzzTest
  void handshake(byte[] input) {
    read(true, input);
    read(false, input);
    client(input);
  }

  private static void read(boolean expectList, byte[] input) {
    ByteBuffer in = ByteBuffer.wrap(input);
    List<String> names;
    try {
      names = new DialectHandshake.Reader(expectList).feed(in);
    } catch (RuntimeException | Error e) {
      Outcomes.requireTyped(e, ProtocolException.class);
      return;
    }
    if (names == null) {
      check(!in.hasRemaining(), "the reader wants more bytes but left " + in.remaining() + " unread");
      return;
    }
    check(expectList || names.size() == 1, "a choice is one name: got " + names);
    check(!names.isEmpty() && names.size() <= 32, "names read: " + names.size());
    // exactly the handshake's bytes were consumed: they alone give the names, and one fewer is not enough
    // (a prefix may be longer than needed, or absent for 0, so the count is not the written length)
    int used = in.position();
    check(names.equals(new DialectHandshake.Reader(expectList).feed(ByteBuffer.wrap(input, 0, used))),
        "the consumed bytes alone read differently");
    check(new DialectHandshake.Reader(expectList).feed(ByteBuffer.wrap(input, 0, used - 1)) == null,
        "the reader consumed a byte past the end of the handshake");
    if (names.stream().allMatch(DialectHandshakeFuzzTest::ascii)) {
      byte[] again = expectList ? DialectHandshake.offer(names) : DialectHandshake.choice(names.get(0));
      List<String> back = new DialectHandshake.Reader(expectList).feed(ByteBuffer.wrap(again));
      check(names.equals(back), "names read " + names + ", written and read again " + back);
    }
  }

  private static boolean ascii(String name) {
    return StandardCharsets.US_ASCII.newEncoder().canEncode(name);
  }

  private static void client(byte[] input) {
    BrokerConfig config = new BrokerConfig(DIRECT, DIRECT, Limits.defaults(), false, CopyRegistry.empty(), null,
        null, List.of("msgpack", "banana"), null, Keepalive.disabled());
    RecordingLink link = new RecordingLink();
    CompletableFuture<Broker> ready = new CompletableFuture<>();
    Connection connection = new Connection(link, false,
        List.of(new MsgpackSerializerProvider(), new BananaSerializerProvider()), config, ready);
    connection.start();
    connection.onBytes(ByteBuffer.wrap(input));
    if (link.closeCause != null) {
      Outcomes.requireTyped(link.closeCause, PbException.class);
    }
    List<String> offered;
    try {
      offered = new DialectHandshake.Reader(true).feed(ByteBuffer.wrap(input));
    } catch (ProtocolException e) {
      offered = null;
    }
    byte[] sent = link.sent.toByteArray();
    if (offered == null) {
      check(sent.length == 0, "the client spoke (" + sent.length + " bytes) before a whole offer arrived");
    } else if (ready.isDone() && !ready.isCompletedExceptionally()) {
      List<String> choice = new DialectHandshake.Reader(false).feed(ByteBuffer.wrap(sent));
      check(choice != null && offered.contains(choice.get(0)), "the client chose " + choice + " from " + offered);
    }
    connection.onClosed(link.closeCause);
    check(ready.isDone(), "the connection closed and its broker future is still open");
  }
}
