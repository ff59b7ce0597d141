package dev.pbj.banana;

import dev.pbj.testkit.RecordingSink;
import dev.pbj.testkit.Token;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pbj.Limits;
import dev.pbj.spi.SerializerProvider;
import java.nio.ByteBuffer;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

class BananaSerializerProviderTest {

  @Test
  void serviceLoaderFindsBananaProvider() {
    assertThat(ServiceLoader.load(SerializerProvider.class))
        .anySatisfy(p -> {
          assertThat(p).isInstanceOf(BananaSerializerProvider.class);
          assertThat(p.name()).isEqualTo("banana");
          assertThat(p.isAvailable()).isTrue();
        });
  }

  @Test
  void offersPbBeforeNone() {
    assertThat(new BananaSerializerProvider().dialects()).containsExactly("pb", "none");
  }

  @Test
  void makesEncoderAndDecoderForEachDialect() {
    SerializerProvider provider = new BananaSerializerProvider();
    for (String dialect : provider.dialects()) {
      var encoder = provider.newEncoder(dialect, Limits.defaults());
      encoder.beginList(2);
      encoder.symbol("version");
      encoder.integer(6);
      encoder.endList();
      RecordingSink sink = RecordingSink.rejectingText();
      var decoder = provider.newDecoder(dialect, Limits.defaults(), sink);
      decoder.feed(ByteBuffer.wrap(encoder.takeMessage()));
      assertThat(sink.tokens).hasSize(4);
      assertThat(sink.tokens.get(1)).isEqualTo(dialect.equals("pb") ? Token.symbol("version")
          : new Token("bytes", "76657273696f6e"));
    }
  }
}
