package dev.pbj.msgpack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class TextCacheTest {
  private final AtomicInteger decoded = new AtomicInteger();
  private final TextCache.Decoder utf8 = (buffer, offset, length) -> {
    decoded.incrementAndGet();
    String text = new String(buffer, offset, length, StandardCharsets.UTF_8);
    if (text.indexOf('\uFFFD') >= 0) {
      throw new IllegalArgumentException("not UTF-8");
    }
    return text;
  };

  @Test
  void theSameBytesGiveTheSameStringDecodedOnceWhereverTheyAre() {
    TextCache cache = new TextCache();
    byte[] first = "..name..".getBytes(StandardCharsets.UTF_8);
    byte[] second = "name".getBytes(StandardCharsets.UTF_8);
    String a = cache.text(first, 2, 4, utf8);
    String b = cache.text(second, 0, 4, utf8);
    assertThat(a).isEqualTo("name").isSameAs(b);
    assertThat(decoded).hasValue(1);
    first[2] = 'g'; // the cache kept its own copy of the bytes
    assertThat(cache.text(first, 2, 4, utf8)).isEqualTo("game");
    assertThat(cache.text(second, 0, 4, utf8)).isEqualTo("name");
  }

  @Test
  void manyDifferentTextsAreEachRightHoweverTheyCollide() {
    TextCache cache = new TextCache();
    Map<String, String> seen = new HashMap<>();
    for (int round = 0; round < 3; round++) {
      for (int i = 0; i < 2_000; i++) {
        String text = "k" + i;
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        String got = cache.text(bytes, 0, bytes.length, utf8);
        assertThat(got).isEqualTo(text);
        seen.put(text, got);
      }
    }
    assertThat(seen).hasSize(2_000);
  }

  @Test
  void bytesTheDecoderRefusesAreNeverKept() {
    TextCache cache = new TextCache();
    byte[] bad = {(byte) 0xff, 'a'};
    assertThatThrownBy(() -> cache.text(bad, 0, 2, utf8)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> cache.text(bad, 0, 2, utf8)).isInstanceOf(IllegalArgumentException.class);
    assertThat(decoded).hasValue(2);
  }
}
