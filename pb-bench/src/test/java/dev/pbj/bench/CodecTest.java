package dev.pbj.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pbj.Tuple;
import dev.pbj.bench.codec.Codec;
import dev.pbj.bench.codec.Message;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The codec benchmarks measure real work: what is encoded decodes back to the message's value. */
class CodecTest {

  @ParameterizedTest
  @ValueSource(strings = {"banana", "msgpack"})
  void pbCodecsDecodeWhatTheyEncode(String serializer) {
    Codec encoder = Codec.named(serializer);
    Codec decoder = Codec.named(serializer);
    for (Message message : Message.values()) {
      Object decoded = decoder.decode(encoder.encode(message));
      Object expected = message.kind() == Message.Kind.CALL ? Tuple.of(message.value()) : message.value();
      assertThat(decoded).as(serializer + " " + message).isEqualTo(expected);
    }
  }

  @ParameterizedTest
  @EnumSource(Message.class)
  void kryoDecodesWhatItEncodes(Message message) {
    Codec kryo = Codec.named("kryo");
    byte[] wire = kryo.encode(message);
    assertThat(wire.length).isGreaterThan(2);
    assertThat(kryo.decode(wire)).isNotNull();
  }

  @Test
  void theSmallCallIsSmall() {
    assertThat(Codec.named("banana").encode(Message.SMALL_CALL).length).isLessThan(64);
  }
}
