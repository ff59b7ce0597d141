package dev.pbj.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pbj.Limits;
import dev.pbj.ProviderNotFoundException;
import dev.pbj.banana.BananaSerializerProvider;
import dev.pbj.spi.MessageDecoder;
import dev.pbj.spi.MessageEncoder;
import dev.pbj.spi.SerializerProvider;
import dev.pbj.spi.TokenSink;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProviderRegistryTest {

  /** A provider that is never available here. */
  static final class Unavailable implements SerializerProvider {
    @Override
    public String name() {
      return "msgpack";
    }

    @Override
    public List<String> dialects() {
      return List.of("msgpack");
    }

    @Override
    public boolean isAvailable() {
      return false;
    }

    @Override
    public MessageEncoder newEncoder(String dialect, Limits limits) {
      throw new UnsupportedOperationException();
    }

    @Override
    public MessageDecoder newDecoder(String dialect, Limits limits, TokenSink sink) {
      throw new UnsupportedOperationException();
    }
  }

  @Test
  void defaultRegistryFindsSerializersThroughServiceLoader() {
    assertThat(ProviderRegistry.getDefault().serializer("banana")).isInstanceOf(BananaSerializerProvider.class);
  }

  @Test
  void missingTransportNamesTheModuleToAdd() {
    ProviderRegistry registry = ProviderRegistry.builder().addSerializer(new BananaSerializerProvider()).build();
    assertThatThrownBy(() -> registry.transport("tcp")).isInstanceOf(ProviderNotFoundException.class)
        .hasMessageContaining("no transport 'tcp'").hasMessageContaining("dev.pbj:pb-transport-tcp")
        .hasMessageContaining("Found: none");
  }

  @Test
  void unavailableProviderIsLeftOutAndExplained() {
    ProviderRegistry registry = ProviderRegistry.builder().addSerializer(new Unavailable())
        .addSerializer(new BananaSerializerProvider()).build();
    assertThat(registry.serializers()).extracting(SerializerProvider::name).containsExactly("banana");
    assertThatThrownBy(() -> registry.serializer("msgpack")).isInstanceOf(ProviderNotFoundException.class)
        .hasMessageContaining("dev.pbj:pb-serial-msgpack").hasMessageContaining("Found: banana")
        .hasMessageContaining("Unavailable reports itself unavailable");
  }

  @Test
  void clientRequiringAMissingSerializerFailsAtBuild() {
    ProviderRegistry registry = ProviderRegistry.builder().addSerializer(new BananaSerializerProvider()).build();
    assertThatThrownBy(() -> PbClient.builder().registry(registry).serializers("msgpack").build())
        .isInstanceOf(ProviderNotFoundException.class).hasMessageContaining("pb-serial-msgpack");
  }
}
