package dev.pbj.interop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pbj.Broker;
import dev.pbj.Referenceable;
import dev.pbj.Remote;
import dev.pbj.core.PbClient;
import dev.pbj.core.PbServer;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Hostile input on a raw socket against the Java server over TCP. Each case ends that one connection cleanly (or
 * gets a typed error answer) while a well-behaved client on another connection keeps its pending call and goes on
 * being served.
 */
class BadInputTest {
  private final CompletableFuture<Object> gate = new CompletableFuture<>();
  private PbServer server;
  private PbClient client;
  private Broker good;
  private CompletableFuture<Object> pendingOnGoodConnection;

  /** The root of this test: echo, and a call that answers when the test opens the gate. */
  public class Root implements Referenceable {
    @Remote
    public Object echo(Object x) {
      return x;
    }

    @Remote
    public CompletionStage<Object> gate() {
      return gate;
    }

    @Remote
    public Referenceable thing() {
      return new Referenceable() {};
    }
  }

  /** The avatar of this test's portal. */
  public static final class User implements dev.pbj.Avatar {
    @Remote
    public String whoami() {
      return "alice";
    }
  }

  @BeforeEach
  void start() throws Exception {
    dev.pbj.cred.Portal portal = new dev.pbj.cred.Portal(
        (id, mind) -> CompletableFuture.completedFuture(new User()),
        dev.pbj.cred.InMemoryPasswordChecker.builder().user("alice", "wonderland").build());
    server = PbServer.builder().root(new Root()).portal(portal).listen("tcp://127.0.0.1:0").build().start();
    client = PbClient.builder().build();
    good = client.connect(server.uri(0)).get(10, TimeUnit.SECONDS);
    pendingOnGoodConnection = good.rootObject().callRemote("gate");
  }

  @AfterEach
  void goodConnectionIsUnharmed() throws Exception {
    try {
      assertThat(good.rootObject().callRemote("echo", "still here").get(10, TimeUnit.SECONDS))
          .isEqualTo("still here");
      assertThat(pendingOnGoodConnection).isNotDone();
      gate.complete("opened");
      assertThat(pendingOnGoodConnection.get(10, TimeUnit.SECONDS)).isEqualTo("opened");
      assertThat(good.isConnected()).isTrue();
    } finally {
      client.close();
      server.close();
    }
  }

  private InetSocketAddress address() {
    return server.addresses().get(0);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({
      "garbage type byte, ff ff ff ff",
      "unknown type byte 0x88, 01 88",
      "oversized string header, 00 00 00 01 82",
      "oversized list header, 00 00 00 01 80",
      "too long prefix, 7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f 81",
      "unknown vocabulary index, 02 80 7a 87 01 81",
      "unknown message kind, 02 80 0a 82 66726f626e6963617465 01 81",
      "top-level atom, 01 81",
      "empty message, 00 80",
      "wrong version, 02 80 13 87 07 81",
      "decref of an unknown object, 02 80 1d 87 63 81",
      "answer to no call, 03 80 1b 87 09 81 01 81",
      "message with missing fields, 03 80 1a 87 01 81 01 81",
      "decache of an unknown cache, 02 80 1e 87 63 81",
      "uncache of an unknown cache, 02 80 1f 87 63 81",
  })
  void hostileMessageClosesOnlyThatConnection(String name, String hex) throws Exception {
    try (RawPeer peer = new RawPeer(address()).handshake()) {
      peer.send(hex);
      assertThat(peer.closedByServer()).as(name).isTrue();
    }
  }

  @Test
  void unknownDialectIsRefused() throws Exception {
    try (RawPeer peer = new RawPeer(address())) {
      peer.awaitReceived("04826e6f6e65");
      peer.send("04 82 78787878");
      assertThat(peer.closedByServer()).isTrue();
    }
  }

  @Test
  void listInsteadOfDialectNameIsRefused() throws Exception {
    try (RawPeer peer = new RawPeer(address())) {
      peer.awaitReceived("04826e6f6e65");
      peer.send("01 80 02 82 7062");
      assertThat(peer.closedByServer()).isTrue();
    }
  }

  @Test
  void garbageBeforeTheHandshakeIsRefused() throws Exception {
    try (RawPeer peer = new RawPeer(address())) {
      peer.send("de ad be ef");
      assertThat(peer.closedByServer()).isTrue();
    }
  }

  @Test
  void truncatedMessageThenCloseIsHarmless() throws Exception {
    try (RawPeer peer = new RawPeer(address()).handshake()) {
      peer.send("07 80 1a 87 01 81 04 82 72 6f");
    }
  }

  @Test
  void depthBombIsRefused() throws Exception {
    try (RawPeer peer = new RawPeer(address()).handshake()) {
      byte[] bomb = new byte[2 * 5000];
      for (int i = 0; i < 5000; i++) {
        bomb[2 * i] = 0x01;
        bomb[2 * i + 1] = (byte) 0x80;
      }
      peer.sendBytes(bomb);
      assertThat(peer.closedByServer()).isTrue();
    }
  }

  @Test
  void callToUnknownObjectGetsInvalidObjectIdAndConnectionStays() throws Exception {
    try (RawPeer peer = new RawPeer(address()).handshake()) {
      // (message 1 99 "echo" 1 (tuple 1) (dictionary))
      peer.send("07 80 1a 87 01 81 63 81 04 82 6563686f 01 81 02 80 0b 87 01 81 01 80 05 87");
      peer.awaitText("Invalid Object ID");
      // (message 2 "root" "echo" 1 (tuple 5) (dictionary)) → (answer 2 5)
      peer.send("07 80 1a 87 02 81 04 82 726f6f74 04 82 6563686f 01 81 02 80 0b 87 05 81 01 80 05 87");
      peer.awaitReceived("03 80 1b 87 02 81 05 81");
    }
  }

  @Test
  void callToMissingMethodGetsNoSuchMethodAndConnectionStays() throws Exception {
    try (RawPeer peer = new RawPeer(address()).handshake()) {
      peer.send("07 80 1a 87 01 81 04 82 726f6f74 06 82 6e6f73756368 01 81 01 80 0b 87 01 80 05 87");
      peer.awaitText("No such method: remote_nosuch");
      peer.awaitText("twisted.spread.flavors.NoSuchMethod");
      peer.send("07 80 1a 87 02 81 04 82 726f6f74 04 82 6563686f 01 81 02 80 0b 87 05 81 01 80 05 87");
      peer.awaitReceived("03 80 1b 87 02 81 05 81");
    }
  }

  @Test
  void unregisteredCopyInArgumentsGetsInsecureJellyAndConnectionStays() throws Exception {
    try (RawPeer peer = new RawPeer(address()).handshake()) {
      // (message 1 "root" "echo" 1 (tuple ("__main__.Evil" (dictionary))) (dictionary))
      peer.send("07 80 1a 87 01 81 04 82 726f6f74 04 82 6563686f 01 81 02 80 0b 87 02 80 0d 82 5f5f6d61696e5f5f2e4576696c"
          + " 01 80 05 87 01 80 05 87");
      peer.awaitText("twisted.spread.jelly.InsecureJelly");
      peer.awaitText("__main__.Evil");
      peer.send("07 80 1a 87 02 81 04 82 726f6f74 04 82 6563686f 01 81 02 80 0b 87 05 81 01 80 05 87");
      peer.awaitReceived("03 80 1b 87 02 81 05 81");
    }
  }

  @Test
  void cacheMessageToUnknownCacheGetsKeyErrorAndConnectionStays() throws Exception {
    try (RawPeer peer = new RawPeer(address()).handshake()) {
      // (cachemessage 1 77 "said" 1 (tuple) (dictionary))
      peer.send("07 80 19 87 01 81 4d 81 04 82 73616964 01 81 01 80 0b 87 01 80 05 87");
      peer.awaitText("builtins.KeyError");
      peer.send("07 80 1a 87 02 81 04 82 726f6f74 04 82 6563686f 01 81 02 80 0b 87 05 81 01 80 05 87");
      peer.awaitReceived("03 80 1b 87 02 81 05 81");
    }
  }

  @Test
  void messageToReleasedObjectGetsInvalidObjectId() throws Exception {
    try (RawPeer peer = new RawPeer(address()).handshake()) {
      // (message 1 "root" "thing" 1 (tuple) (dictionary)) → (answer 1 (remote 1))
      peer.send("07 80 1a 87 01 81 04 82 726f6f74 05 82 7468696e67 01 81 01 80 0b 87 01 80 05 87");
      peer.awaitReceived("03 80 1b 87 01 81 02 80 10 87 01 81");
      peer.send("02 80 1d 87 01 81"); // (decref 1)
      // (message 2 1 "anything" 1 (tuple) (dictionary))
      peer.send("07 80 1a 87 02 81 01 81 08 82 616e797468696e67 01 81 01 80 0b 87 01 80 05 87");
      peer.awaitText("Invalid Object ID");
      peer.send("07 80 1a 87 03 81 04 82 726f6f74 04 82 6563686f 01 81 02 80 0b 87 05 81 01 80 05 87");
      peer.awaitReceived("03 80 1b 87 03 81 05 81");
    }
  }

  @Test
  void malformedLoginResponseIsUnauthorizedAndConnectionStays() throws Exception {
    try (RawPeer peer = new RawPeer(address()).handshake()) {
      // (message 1 "root" login 1 (tuple "alice") (dictionary)) → (answer 1 (tuple <challenge> (remote 1)))
      peer.send("07 80 1a 87 01 81 04 82 726f6f74 14 87 01 81 02 80 0b 87 05 82 616c696365 01 80 05 87");
      peer.awaitReceived("02 80 10 87 01 81");
      // (message 2 1 "respond" 1 (tuple "abc" (None)) (dictionary))
      peer.send("07 80 1a 87 02 81 01 81 07 82 726573706f6e64 01 81 03 80 0b 87 03 82 616263 01 80 01 87 01 80 05 87");
      peer.awaitText("twisted.cred.error.UnauthorizedLogin");
      peer.send("07 80 1a 87 03 81 04 82 726f6f74 04 82 6563686f 01 81 02 80 0b 87 05 81 01 80 05 87");
      peer.awaitReceived("03 80 1b 87 03 81 05 81");
    }
  }

  /** (message 1 "root" "echo" 1 (tuple "hi") (dictionary)) in msgpack, and its answer. */
  private static final String MSGPACK_ECHO = "00000033 97c707006d6573736167650 1c404726f6f74c4046563686f0192c70500747570"
      + "6c65a2686991c70a0064696374696f6e617279";
  private static final String MSGPACK_ANSWER = "0000000e 93c70600616e7377657201a26869";

  @ParameterizedTest(name = "msgpack: {0}")
  @CsvSource({
      "malformed msgpack, 00000001 c1",
      "nil instead of a message, 00000001 c0",
      "map inside a message, 00000004 93c70600 80",
      "zero-length frame, 00000000",
      "oversized frame, 7fffffff 92",
      "bytes over the string limit, 00000008 92c6000a0001 0000",
      "frame with trailing bytes, 00000003 9001 02",
      "a peer switching to banana mid-stream, 02801387 0681",
  })
  void hostileMsgpackClosesOnlyThatConnection(String name, String hex) throws Exception {
    try (RawPeer peer = new RawPeer(address()).handshakeMsgpack()) {
      peer.send(MSGPACK_ECHO);
      peer.awaitReceived(MSGPACK_ANSWER);
      peer.send(hex);
      assertThat(peer.closedByServer()).as(name).isTrue();
    }
  }

  @Test
  void msgpackDepthBombIsRefused() throws Exception {
    try (RawPeer peer = new RawPeer(address()).handshakeMsgpack()) {
      int depth = 5000;
      byte[] frame = new byte[4 + depth + 1];
      java.nio.ByteBuffer.wrap(frame).putInt(depth + 1);
      java.util.Arrays.fill(frame, 4, 4 + depth, (byte) 0x91);
      frame[4 + depth] = 0x00;
      peer.sendBytes(frame);
      assertThat(peer.closedByServer()).isTrue();
    }
  }

  @Test
  void truncatedMsgpackFrameThenCloseIsHarmless() throws Exception {
    try (RawPeer peer = new RawPeer(address()).handshakeMsgpack()) {
      peer.send("00000033 97c70700");
    }
  }
}
