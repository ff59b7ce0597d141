package dev.pbj.msgpack;

import dev.pbj.testkit.Hex;
import dev.pbj.testkit.RecordingSink;
import dev.pbj.testkit.Token;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pbj.LimitExceededException;
import dev.pbj.Limits;
import dev.pbj.spi.MessageDecoder;
import dev.pbj.spi.MessageEncoder;
import dev.pbj.spi.SerializerProvider;
import java.nio.ByteBuffer;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

class MsgpackSerializerProviderTest {

  @Test
  void serviceLoaderFindsMsgpackProvider() {
    assertThat(ServiceLoader.load(SerializerProvider.class))
        .anySatisfy(p -> {
          assertThat(p).isInstanceOf(MsgpackSerializerProvider.class);
          assertThat(p.name()).isEqualTo("msgpack");
          assertThat(p.isAvailable()).isTrue();
        });
  }

  @Test
  void offersTheMsgpackDialectAtAPriorityAboveBananas() {
    SerializerProvider provider = new MsgpackSerializerProvider();
    assertThat(provider.dialects()).containsExactly("msgpack");
    assertThat(provider.priority()).isEqualTo(6);
  }

  @Test
  void makesEncoderAndDecoderThatUnderstandEachOther() {
    SerializerProvider provider = new MsgpackSerializerProvider();
    MessageEncoder encoder = provider.newEncoder("msgpack", Limits.defaults());
    encoder.beginList(2);
    encoder.symbol("version");
    encoder.integer(6);
    encoder.endList();
    byte[] frame = encoder.takeMessage();
    assertThat(Hex.spaced(frame)).isEqualTo("00 00 00 0c 92 c7 07 00 76 65 72 73 69 6f 6e 06");
    RecordingSink sink = new RecordingSink();
    MessageDecoder decoder = provider.newDecoder("msgpack", Limits.defaults(), sink);
    decoder.feed(ByteBuffer.wrap(frame));
    assertThat(sink.tokens).containsExactly(Token.list(2), Token.symbol("version"), Token.integer(6), Token.end());
  }

  @Test
  void passesTheLimitsOn() {
    SerializerProvider provider = new MsgpackSerializerProvider();
    Limits limits = Limits.builder().maxListLength(1).build();
    assertThatThrownBy(() -> provider.newEncoder("msgpack", limits).beginList(2))
        .isInstanceOf(LimitExceededException.class);
    MessageDecoder decoder = provider.newDecoder("msgpack", limits, new RecordingSink());
    assertThatThrownBy(() -> decoder.feed(ByteBuffer.wrap(Hex.decode("00 00 00 03 92 01 02"))))
        .isInstanceOf(LimitExceededException.class);
  }

  @Test
  void rejectsOtherDialects() {
    SerializerProvider provider = new MsgpackSerializerProvider();
    assertThatThrownBy(() -> provider.newEncoder("pb", Limits.defaults()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("pb");
    assertThatThrownBy(() -> provider.newDecoder("MSGPACK", Limits.defaults(), new RecordingSink()))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
