package dev.pbj.core.internal.endpoint;

import static dev.pbj.core.internal.BrokerPair.eventually;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pbj.Broker;
import dev.pbj.core.PbClient;
import dev.pbj.core.PbServer;
import dev.pbj.core.internal.TestRoot;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** {@link PbClient#connect(java.net.URI, InetAddress)}: connections from several source addresses of 127.0.0.0/8. */
class SourceAddressTest {

  @Test
  void eachConnectionComesFromTheAddressItWasGivenAndTheServerSeesIt() throws Exception {
    try (PbServer server = PbServer.builder().root(new TestRoot()).listen("tcp://127.0.0.1:0").build().start();
        PbClient client = PbClient.builder().build()) {
      List<Broker> brokers = new ArrayList<>();
      for (int last = 2; last <= 4; last++) {
        InetAddress from = InetAddress.getByAddress(new byte[] {127, 0, 0, (byte) last});
        Broker broker = client.connect(server.uri(0), from).get(10, TimeUnit.SECONDS);
        assertThat(broker.rootObject().callRemote("echo", last).get(10, TimeUnit.SECONDS)).isEqualTo((long) last);
        brokers.add(broker);
      }
      eventually(() -> server.connections().size() == 3);
      Set<String> seen = server.connections().stream()
          .map(b -> ((InetSocketAddress) b.remoteAddress()).getAddress().getHostAddress()).collect(Collectors.toSet());
      assertThat(seen).containsExactlyInAnyOrder("127.0.0.2", "127.0.0.3", "127.0.0.4");
      brokers.forEach(Broker::close);
    }
  }

  @Test
  void anAddressThatIsNotThisMachinesFailsTheConnectWithTheBindError() throws Exception {
    try (PbServer server = PbServer.builder().root(new TestRoot()).listen("tcp://127.0.0.1:0").build().start();
        PbClient client = PbClient.builder().build()) {
      InetAddress foreign = InetAddress.getByName("192.0.2.1"); // TEST-NET-1: assigned to no interface here
      assertThatThrownBy(() -> client.connect(server.uri(0), foreign).get(10, TimeUnit.SECONDS))
          .isInstanceOf(ExecutionException.class).cause().isInstanceOf(java.net.BindException.class);
      assertThat(server.connections()).isEmpty();
    }
  }

  @Test
  void theWebSocketClientBindsOneToo() throws Exception {
    try (PbServer server = PbServer.builder().root(new TestRoot()).listen("ws://127.0.0.1:0/pb").build().start();
        PbClient client = PbClient.builder().build()) {
      Broker broker = client.connect(server.uri(0), InetAddress.getByName("127.0.0.2")).get(10, TimeUnit.SECONDS);
      assertThat(broker.rootObject().callRemote("echo", 2).get(10, TimeUnit.SECONDS)).isEqualTo(2L);
      eventually(() -> server.connections().size() == 1);
      assertThat(((InetSocketAddress) server.connections().iterator().next().remoteAddress()).getAddress()
          .getHostAddress()).isEqualTo("127.0.0.2");
      broker.close();
    }
  }
}
