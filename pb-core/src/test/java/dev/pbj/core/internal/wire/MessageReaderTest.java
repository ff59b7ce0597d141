package dev.pbj.core.internal.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pbj.ProtocolException;
import dev.pbj.core.internal.jelly.CopyResolver;
import dev.pbj.core.internal.jelly.Importer;
import dev.pbj.core.internal.jelly.Unjellier;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** PBJ's extension messages are read only on a connection that negotiated them. */
class MessageReaderTest {
  private final List<ReceivedMessage> read = new ArrayList<>();

  private MessageReader reader(boolean extensions) {
    return new MessageReader(new Unjellier(Importer.NONE, CopyResolver.FAILURES_ONLY), read::add, extensions);
  }

  private static void send(MessageReader reader, String word, long... fields) {
    reader.beginList(1 + fields.length);
    reader.symbol(word);
    for (long field : fields) {
      reader.integer(field);
    }
    reader.endList();
  }

  @ParameterizedTest
  @ValueSource(strings = {"cancel", "ping", "pong"})
  void anExtensionMessageIsUnknownWithoutTheExtensions(String word) {
    assertThatThrownBy(() -> send(reader(false), word, 7)).isInstanceOf(ProtocolException.class)
        .hasMessageContaining("unknown message kind '" + word + "'");
  }

  @Test
  void aDeadlineIsUnknownWithoutTheExtensions() {
    assertThatThrownBy(() -> send(reader(false), "deadline", 7, 100)).isInstanceOf(ProtocolException.class);
  }

  @Test
  void extensionMessagesAreReadOnceNegotiated() {
    MessageReader reader = reader(true);
    send(reader, "deadline", 7, 250);
    send(reader, "cancel", 7);
    send(reader, "ping", 3);
    send(reader, "pong", 3);
    assertThat(read).extracting(m -> m.kind).containsExactly(MessageKind.DEADLINE, MessageKind.CANCEL,
        MessageKind.PING, MessageKind.PONG);
    assertThat(read.get(0).longField(0, "request id")).isEqualTo(7);
    assertThat(read.get(0).longField(1, "deadline")).isEqualTo(250);
  }

  @Test
  void anExtensionMessageWithTheWrongFieldCountIsRefused() {
    assertThatThrownBy(() -> send(reader(true), "cancel", 7, 8)).isInstanceOf(ProtocolException.class)
        .hasMessageContaining("fields");
  }
}
