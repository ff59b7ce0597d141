package dev.pbj.alacarte;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.pbj.Broker;
import dev.pbj.ProtocolException;
import dev.pbj.ProviderNotFoundException;
import dev.pbj.Referenceable;
import dev.pbj.Remote;
import dev.pbj.core.PbClient;
import dev.pbj.core.PbServer;
import dev.pbj.core.ProviderRegistry;
import dev.pbj.spi.SerializerProvider;
import dev.pbj.spi.TransportProvider;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Runs in each child module, whose class path holds pb-core plus exactly the serializers and transports it names
 * (system properties {@code pbj.expected.serializers} and {@code pbj.expected.transports}): what ServiceLoader
 * finds is exactly that, it makes a working broker on its own, and anything else asked for fails naming the module.
 */
class AlaCarteTest {
  private static final List<String> SERIALIZERS = list("pbj.expected.serializers");
  private static final List<String> TRANSPORTS = list("pbj.expected.transports");

  private static List<String> list(String property) {
    String value = System.getProperty(property, "").trim();
    return value.isEmpty() ? List.of() : Arrays.asList(value.split(","));
  }

  /** What the test serves. */
  public static class Echo implements Referenceable {
    @Remote
    public Object echo(Object x) {
      return x;
    }
  }

  @Test
  void serviceLoaderFindsExactlyTheModulesOnTheClassPath() {
    ProviderRegistry registry = ProviderRegistry.getDefault();
    assertThat(registry.serializers()).extracting(SerializerProvider::name).containsExactlyElementsOf(SERIALIZERS);
    assertThat(registry.transports()).flatExtracting(TransportProvider::schemes).containsExactlyElementsOf(TRANSPORTS);
  }

  @Test
  void theseModulesAloneMakeAWorkingBroker() throws Exception {
    assumeTrue(!SERIALIZERS.isEmpty() && TRANSPORTS.contains("tcp"), "needs a serializer and the TCP transport");
    try (PbServer server = PbServer.builder().root(new Echo()).listen("tcp://127.0.0.1:0").build().start();
        PbClient client = PbClient.builder().build()) {
      Broker broker = client.connect(server.uri(0)).get(10, TimeUnit.SECONDS);
      assertThat(broker.rootObject().callRemote("echo", List.of("hi", 1)).get(10, TimeUnit.SECONDS))
          .isEqualTo(List.of("hi", 1L));
      // the first serializer (by priority) is what two PBJ peers that have it agree on
      assertThat(broker.serializer()).isEqualTo(SERIALIZERS.get(0));
      for (String name : SERIALIZERS) {
        try (PbClient requiring = PbClient.builder().serializers(name).build()) {
          Broker chosen = requiring.connect(server.uri(0)).get(10, TimeUnit.SECONDS);
          assertThat(chosen.serializer()).isEqualTo(name);
          assertThat(chosen.rootObject().callRemote("echo", name).get(10, TimeUnit.SECONDS)).isEqualTo(name);
        }
      }
    }
  }

  @Test
  void aSerializerNotOnTheClassPathIsNamedWithItsModule() {
    for (String name : List.of("banana", "msgpack")) {
      if (!SERIALIZERS.contains(name)) {
        assertThatThrownBy(() -> PbClient.builder().serializers(name).build())
            .isInstanceOf(ProviderNotFoundException.class).hasMessageContaining("dev.pbj:pb-serial-" + name);
      }
    }
  }

  @Test
  void noSerializerAtAllIsNamed() {
    assumeTrue(SERIALIZERS.isEmpty(), "this module has a serializer");
    assertThatThrownBy(() -> PbClient.builder().build()).isInstanceOf(ProviderNotFoundException.class)
        .hasMessageContaining("dev.pbj:pb-serial-banana");
  }

  @Test
  void aTransportNotOnTheClassPathIsNamedWithItsModule() {
    assumeTrue(!TRANSPORTS.contains("tcp"), "this module has the TCP transport");
    assertThatThrownBy(() -> ProviderRegistry.getDefault().transport("tcp"))
        .isInstanceOf(ProviderNotFoundException.class).hasMessageContaining("dev.pbj:pb-transport-tcp");
  }

  @Test
  void aClientRequiringWhatTheServerLacksFailsClearly() throws Exception {
    assumeTrue(SERIALIZERS.containsAll(List.of("banana", "msgpack")) && TRANSPORTS.contains("tcp"),
        "needs both serializers");
    try (PbServer server = PbServer.builder().root(new Echo()).serializers("banana").listen("tcp://127.0.0.1:0")
            .build().start();
        PbClient client = PbClient.builder().serializers("msgpack").build()) {
      assertThatThrownBy(() -> client.connect(server.uri(0)).get(10, TimeUnit.SECONDS))
          .isInstanceOf(ExecutionException.class).cause().isInstanceOf(ProtocolException.class)
          .hasMessageContaining("[pb+pbj, pb, none+pbj, none]").hasMessageContaining("accepts only [msgpack]");
    }
  }
}
