package dev.pbj.msgpack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class SymbolCacheTest {

  @Test
  void protocolWordsAreSharedByEveryCacheAndOtherWordsAreEachCachesOwn() {
    SymbolCache one = new SymbolCache();
    SymbolCache other = new SymbolCache();
    byte[] frame = "tuple.copy.Thing".getBytes(StandardCharsets.US_ASCII);
    assertThat(one.wordOf(frame, 0, 5)).isEqualTo("tuple").isSameAs(other.wordOf(frame, 0, 5));
    assertThat(one.bytesOf("dictionary")).isSameAs(other.bytesOf("dictionary"));
    String thing = one.wordOf(frame, 6, 10);
    assertThat(thing).isEqualTo("copy.Thing").isSameAs(one.wordOf(frame, 6, 10));
    assertThat(other.wordOf(frame, 6, 10)).isEqualTo("copy.Thing").isNotSameAs(thing);
    for (String word : new String[] {"message", "answer", "None", "unpersistable", "didNotUnderstand", "pong"}) {
      byte[] bytes = word.getBytes(StandardCharsets.US_ASCII);
      assertThat(one.wordOf(bytes, 0, bytes.length)).isEqualTo(word);
      assertThat(one.bytesOf(word)).isEqualTo(bytes);
    }
  }

  @Test
  void givesTheSameWordInstanceForRepeatedBytes() {
    SymbolCache cache = new SymbolCache();
    byte[] frame = "..message..message".getBytes(StandardCharsets.US_ASCII);
    String first = cache.wordOf(frame, 2, 7);
    assertThat(first).isEqualTo("message");
    assertThat(cache.wordOf(frame, 11, 7)).isSameAs(first);
  }

  @Test
  void givesTheSameBytesForRepeatedWordsAndRefusesNonAscii() {
    SymbolCache cache = new SymbolCache();
    byte[] first = cache.bytesOf("dictionary");
    assertThat(new String(first, StandardCharsets.US_ASCII)).isEqualTo("dictionary");
    assertThat(cache.bytesOf(new String("dictionary".toCharArray()))).isSameAs(first);
    assertThatThrownBy(() -> cache.bytesOf("caf\u00e9"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("U+00E9");
  }

  @Test
  void wordsSharingASlotReplaceEachOtherAndStayCorrect() {
    SymbolCache cache = new SymbolCache();
    // "Aa" and "BB" have the same hashCode, so they share a slot.
    assertThat("Aa".hashCode()).isEqualTo("BB".hashCode());
    for (int i = 0; i < 3; i++) {
      assertThat(cache.wordOf("Aa".getBytes(StandardCharsets.US_ASCII), 0, 2)).isEqualTo("Aa");
      assertThat(cache.wordOf("BB".getBytes(StandardCharsets.US_ASCII), 0, 2)).isEqualTo("BB");
      assertThat(new String(cache.bytesOf("Aa"), StandardCharsets.US_ASCII)).isEqualTo("Aa");
      assertThat(new String(cache.bytesOf("BB"), StandardCharsets.US_ASCII)).isEqualTo("BB");
    }
  }

  @Test
  void reportsNonAsciiBytesAsNoWord() {
    assertThat(new SymbolCache().wordOf(new byte[] {'a', (byte) 0xc3, (byte) 0xa9}, 0, 3)).isNull();
    assertThat(new SymbolCache().wordOf(new byte[0], 0, 0)).isEmpty();
  }
}
