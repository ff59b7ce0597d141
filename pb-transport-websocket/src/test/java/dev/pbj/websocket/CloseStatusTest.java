package dev.pbj.websocket;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

class CloseStatusTest {

  @Test
  void reasonsAreCutToFitACloseFrameNeverInsideACharacter() {
    assertThat(CloseStatus.of(1002, "short").reason()).isEqualTo("short");
    assertThat(CloseStatus.of(1002, "a".repeat(200)).reason()).isEqualTo("a".repeat(123));
    // 'é' is two bytes: 61 of them are 122 bytes, and the 62nd would not fit whole.
    assertThat(CloseStatus.of(1002, "é".repeat(100)).reason()).isEqualTo("é".repeat(61));
    // A four-byte character at the edge goes whole or not at all.
    String text = "a".repeat(121) + "\uD83D\uDE00";
    assertThat(CloseStatus.of(1002, text).reason()).isEqualTo("a".repeat(121));
    assertThat(CloseStatus.of(1002, null).reason()).isEmpty();
  }

  @Test
  void parsesCloseFramePayloads() {
    byte[] reason = "bye".getBytes(UTF_8);
    ByteBuffer payload = ByteBuffer.allocate(2 + reason.length).putShort((short) 4001).put(reason).flip();
    assertThat(CloseStatus.parse(payload)).isEqualTo(new CloseStatus(4001, "bye"));
    assertThat(CloseStatus.parse(ByteBuffer.allocate(0))).isEqualTo(new CloseStatus(1005, ""));
  }

  @Test
  void normalGoingAwayAndNoStatusAreOrderly() {
    assertThat(new CloseStatus(1000, "").orderly()).isTrue();
    assertThat(new CloseStatus(1001, "").orderly()).isTrue();
    assertThat(new CloseStatus(1005, "").orderly()).isTrue();
    assertThat(new CloseStatus(1002, "").orderly()).isFalse();
    assertThat(new CloseStatus(4000, "").orderly()).isFalse();
  }

  @Test
  void answersEchoTheCode() {
    assertThat(new CloseStatus(1005, "").echo()).isEqualTo(CloseStatus.NORMAL_CLOSURE);
    assertThat(new CloseStatus(4001, "why").echo()).isEqualTo(new CloseStatus(4001, ""));
  }

  @Test
  void describesCodesByMeaning() {
    assertThat(new CloseStatus(1009, "message too big: 2 > 1").describe())
        .isEqualTo("1009 (message too big): message too big: 2 > 1");
    assertThat(new CloseStatus(1000, "").describe()).isEqualTo("1000 (normal closure)");
    assertThat(new CloseStatus(4321, "x").describe()).isEqualTo("4321 (application code): x");
  }
}
