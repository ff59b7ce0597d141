package dev.pbj.core.internal.connection;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pbj.Broker;
import dev.pbj.Keepalive;
import dev.pbj.Limits;
import dev.pbj.Referenceable;
import dev.pbj.Remote;
import dev.pbj.banana.BananaSerializerProvider;
import dev.pbj.core.CopyRegistry;
import dev.pbj.core.internal.endpoint.BrokerConfig;
import dev.pbj.core.internal.wire.DialectHandshake;
import dev.pbj.spi.MessageEncoder;
import dev.pbj.spi.SerializerProvider;
import dev.pbj.testkit.RecordingLink;
import java.lang.ref.WeakReference;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.junit.jupiter.api.Test;

/**
 * A connection that ends is collected, whatever it was reading: a peer that disconnects in the middle of a call
 * carrying a reference to one of its objects leaves that reference in the connection's half-read message, and the
 * reference's cleanup, which the garbage collector's cleaner holds until the reference is collected, must not
 * keep it (and with it the whole connection) alive. Found by a long run of the broker fuzz target, whose heap grew
 * by one connection per such input until it stalled.
 */
class ClosedConnectionCollectedTest {
  private static final Executor DIRECT = Runnable::run;

  /** The server's root: never reached, the call stays half-read. */
  public static final class Root implements Referenceable {
    @Remote
    public Object echo(Object value) {
      return value;
    }
  }

  @Test
  void aConnectionClosedInTheMiddleOfACallCarryingAReferenceIsCollected() throws Exception {
    WeakReference<Broker> broker = serveAndDisconnectMidCall();
    for (int i = 0; i < 200 && broker.get() != null; i++) { // bounded: a collection or two is all it takes
      System.gc();
      Thread.sleep(5);
    }
    assertThat(broker.get()).as("the closed connection's broker, after collections").isNull();
  }

  /** A server connection, fed a call whose arguments hold {@code (remote 7)} and then cut off; then closed. */
  private static WeakReference<Broker> serveAndDisconnectMidCall() {
    SerializerProvider banana = new BananaSerializerProvider();
    BrokerConfig config = new BrokerConfig(DIRECT, DIRECT, Limits.defaults(), false, CopyRegistry.empty(),
        b -> new Root(), null, List.of(banana.name()), null, Keepalive.disabled());
    RecordingLink link = new RecordingLink();
    CompletableFuture<Broker> ready = new CompletableFuture<>();
    Connection connection = new Connection(link, true, List.of(banana), config, ready);
    connection.start();
    connection.onBytes(ByteBuffer.wrap(DialectHandshake.choice("pb+pbj")));
    byte[] call = call(banana.newEncoder("pb", Limits.defaults()));
    // everything but the trailing keyword dictionary: the arguments, with the reference, are read; the call is not
    byte[] cut = Arrays.copyOf(call, call.length - dictionaryLength(banana));
    connection.onBytes(ByteBuffer.wrap(cut));
    Broker served = ready.getNow(null);
    assertThat(served).isNotNull();
    assertThat(served.stats().remoteReferences()).as("the reference in the half-read call").isEqualTo(1);
    connection.onClosed(null);
    assertThat(served.isConnected()).isFalse();
    return new WeakReference<>(served);
  }

  /** {@code (message 1 "root" "echo" 1 (tuple (remote 7)) (dictionary))} in banana's {@code pb} dialect. */
  private static byte[] call(MessageEncoder out) {
    out.beginList(7);
    out.symbol("message");
    out.integer(1);
    bytes(out, "root");
    bytes(out, "echo");
    out.integer(1);
    out.beginList(2);
    out.symbol("tuple");
    out.beginList(2);
    out.symbol("remote");
    out.integer(7);
    out.endList();
    out.endList();
    out.beginList(1);
    out.symbol("dictionary");
    out.endList();
    out.endList();
    return out.takeMessage();
  }

  private static int dictionaryLength(SerializerProvider banana) {
    MessageEncoder out = banana.newEncoder("pb", Limits.defaults());
    out.beginList(1);
    out.symbol("dictionary");
    out.endList();
    return out.takeMessage().length;
  }

  private static void bytes(MessageEncoder out, String text) {
    byte[] b = text.getBytes(StandardCharsets.UTF_8);
    out.bytes(b, 0, b.length);
  }
}
