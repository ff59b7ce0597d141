package dev.pbj.interop;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pbj.core.PbServer;
import dev.pbj.testkit.ChildProcess;
import dev.pbj.testkit.TwistedPeer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestInstance;

/**
 * A real Twisted client ({@code client_checks.py}) against the Java server over TCP: every check the script
 * runs becomes one test here, so a failure names the Twisted behaviour that broke, and the peer it broke on. Runs
 * once per {@link TwistedPeer} through the concrete subclasses at the end of this file.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class TwistedClientToJavaServerTest {
  /** Checks the script must report; a check that silently disappears is a failure too. */
  private static final List<String> REQUIRED = List.of("echo_none", "echo_bool", "echo_ints", "echo_floats",
      "echo_bytes", "echo_text", "echo_list", "echo_tuple", "echo_dict", "echo_set", "echo_frozenset",
      "echo_empty_containers", "echo_nested", "echo_shared", "echo_cycle", "echo_dict_cycle", "echo_tuple_cycle",
      "types_from_server", "add_ints", "add_floats", "add_kwargs", "fail_is_pb_error", "crash_is_remote_error",
      "no_such_method", "callback_into_client", "counter", "reference_identity", "hold_and_return",
      "many_calls_in_flight", "big_string", "pending_call_fails_on_disconnect",
      "copy_point", "copy_accept_point", "copy_echo_point", "copy_shared_in_list", "copy_unregistered_refused",
      "cache_room", "cache_same_object", "cache_release_stops_observing", "login_alice", "viewable_sees_each_caller",
      "login_wrong_password", "login_unknown_user", "login_anonymous", "members_join_and_leave",
      "root_methods_and_login_share_a_port", "paging_download", "paging_upload");

  private PbServer server;
  /** What each connection negotiated: the server offers msgpack first, which Twisted does not know. */
  private final java.util.Set<String> dialects = java.util.concurrent.ConcurrentHashMap.newKeySet();
  private final Map<String, JsonNode> results = new LinkedHashMap<>();
  private String stderr = "";

  /** The Twisted this class runs against. */
  abstract TwistedPeer peer();

  @BeforeAll
  void runTwistedClient() throws Exception {
    if (!peer().available()) {
      return;
    }
    dev.pbj.cli.demo.DemoWorld world = new dev.pbj.cli.demo.DemoWorld();
    server = PbServer.builder().rootFactory(broker -> new InteropRoot(world)).portal(world.portal())
        .onConnect(broker -> dialects.add(broker.serializer() + "/" + broker.dialect()))
        .copies(dev.pbj.cli.demo.DemoTypes.registry()).listen("tcp://127.0.0.1:0").build()
        .start();
    int port = server.addresses().get(0).getPort();
    ObjectMapper json = new ObjectMapper();
    try (ChildProcess client = Twisted.python(peer(), List.of(Twisted.script("client_checks.py").toString(),
        "--port", Integer.toString(port)))) {
      client.awaitExit(Twisted.RUN);
      for (String line : client.stdout()) {
        if (line.startsWith("{")) {
          JsonNode result = json.readTree(line);
          results.put(result.get("check").asText(), result);
        }
      }
      stderr = client.stderr();
    }
  }

  @BeforeEach
  void requirePeer() {
    peer().python();
  }

  @AfterAll
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void everyRequiredCheckRan() {
    assertThat(results.keySet()).as("checks reported by client_checks.py on %s; stderr:\n%s", peer().label(),
        stderr).containsAll(REQUIRED);
  }

  @Test
  void twistedClientsGetBananaFromAServerThatPrefersMsgpack() {
    assertThat(dialects).containsExactly("banana/pb");
  }

  @TestFactory
  Stream<DynamicTest> twistedClientChecks() {
    List<DynamicTest> tests = new ArrayList<>();
    String peer = peer().label();
    results.forEach((name, result) -> tests.add(DynamicTest.dynamicTest(name + " [" + peer + "]", () ->
        assertThat(result.get("ok").asBoolean()).as("%s on %s: %s", name, peer, result.get("detail").asText())
            .isTrue())));
    return tests.stream();
  }
}

// One concrete class per peer (top level, so Surefire's default includes pick them up and the class name in a
// failure report names the peer).

/** A Twisted 22 client (Debian's python3-twisted) against the Java server. */
class TwistedClientToJavaServerTwisted22Test extends TwistedClientToJavaServerTest {
  @Override
  TwistedPeer peer() {
    return TwistedPeer.TWISTED22;
  }
}

/** The newest Twisted (pip, {@code .venv-twisted}) as client against the Java server. */
class TwistedClientToJavaServerTwistedLatestTest extends TwistedClientToJavaServerTest {
  @Override
  TwistedPeer peer() {
    return TwistedPeer.TWISTED_LATEST;
  }
}
