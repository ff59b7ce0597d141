package dev.pbj.core.internal.connection;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TypeNameScanTest {
  private static final List<String> NAMES = List.of("pbj.demo.Point", "pbj.demo.Room", "com.example.Order", "ab",
      "Zä");

  @Test
  void findsEachNameWhereverItIsAndNothingElse() {
    TypeNameScan scan = new TypeNameScan(NAMES);
    assertThat(scan.mayMention(bytes("(message 1 root echo (tuple 42 'hello'))"))).isFalse();
    for (String name : NAMES) {
      TypeNameScan fresh = new TypeNameScan(NAMES);
      assertThat(fresh.mayMention(bytes("xx" + name + "yy"))).as(name).isTrue();
      assertThat(new TypeNameScan(NAMES).mayMention(bytes(name))).as(name + " alone").isTrue();
    }
    assertThat(new TypeNameScan(NAMES).mayMention(bytes("pbj.demo.Poin"))).isFalse();
    assertThat(new TypeNameScan(NAMES).mayMention(bytes("a b Z"))).isFalse();
  }

  @Test
  void findsANameSplitAcrossChunksAtEveryOffsetAndCountsItOnce() {
    byte[] message = bytes("....(copy pbj.demo.Point (x 1) (y 2))....");
    for (int cut = 1; cut < message.length; cut++) {
      TypeNameScan scan = new TypeNameScan(NAMES);
      boolean first = scan.mayMention(Arrays.copyOfRange(message, 0, cut));
      boolean second = scan.mayMention(Arrays.copyOfRange(message, cut, message.length));
      assertThat(first || second).as("cut at " + cut).isTrue();
      int nameEnd = 10 + "pbj.demo.Point".length();
      assertThat(first).as("cut at " + cut).isEqualTo(cut >= nameEnd);
      assertThat(second).as("cut at " + cut).isEqualTo(cut < nameEnd);
    }
  }

  @Test
  void keepsTheTailAcrossChunksShorterThanTheLongestName() {
    TypeNameScan scan = new TypeNameScan(NAMES);
    byte[] all = bytes("zzcom.example.Orderzz");
    boolean found = false;
    for (byte b : all) {
      found |= scan.mayMention(new byte[] {b});
    }
    assertThat(found).isTrue();
    assertThat(scan.mayMention(bytes("zz"))).isFalse();
  }

  @Test
  void readsATransportBufferInPlaceAsItReadsAnArray() {
    // a direct buffer whose bytes start after others, as a transport hands them over; the scan leaves it unread
    Random random = new Random(11);
    byte[] alphabet = bytes("abZpbj.demo.PointRomcxlOrdre ä");
    for (int round = 0; round < 300; round++) {
      TypeNameScan arrays = new TypeNameScan(NAMES);
      TypeNameScan buffers = new TypeNameScan(NAMES);
      for (int chunk = 0; chunk < 5; chunk++) {
        byte[] bytes = new byte[random.nextInt(12)];
        for (int i = 0; i < bytes.length; i++) {
          bytes[i] = alphabet[random.nextInt(alphabet.length)];
        }
        ByteBuffer direct = ByteBuffer.allocateDirect(bytes.length + 6);
        direct.put(bytes("junk")).put(bytes).put(bytes("zz")).flip();
        direct.position(4).limit(4 + bytes.length);
        boolean expected = arrays.mayMention(bytes);
        assertThat(buffers.mayMention(direct)).as("round " + round + " chunk " + chunk).isEqualTo(expected);
        assertThat(direct.position()).isEqualTo(4);
        assertThat(direct.remaining()).isEqualTo(bytes.length);
      }
    }
  }

  @Test
  void agreesWithAPlainSearchOnRandomChunks() {
    Random random = new Random(7);
    byte[] alphabet = bytes("abZpbj.demo.PointRomcxlOrdre ä");
    for (int round = 0; round < 300; round++) {
      TypeNameScan scan = new TypeNameScan(NAMES);
      StringBuilder seen = new StringBuilder();
      for (int chunk = 0; chunk < 5; chunk++) {
        byte[] bytes = new byte[random.nextInt(12)];
        for (int i = 0; i < bytes.length; i++) {
          bytes[i] = alphabet[random.nextInt(alphabet.length)];
        }
        String before = seen.toString();
        seen.append(new String(bytes, StandardCharsets.ISO_8859_1));
        boolean expected = NAMES.stream().map(n -> new String(bytes(n), StandardCharsets.ISO_8859_1))
            .anyMatch(n -> lastIndexOf(seen.toString(), n) + n.length() > before.length());
        assertThat(scan.mayMention(bytes)).as("round " + round + " chunk " + chunk).isEqualTo(expected);
      }
    }
  }

  @Test
  void noNamesMeansNothingToFind() {
    TypeNameScan scan = new TypeNameScan(Set.of());
    assertThat(scan.isEmpty()).isTrue();
    assertThat(scan.mayMention(bytes("pbj.demo.Point"))).isFalse();
  }

  private static int lastIndexOf(String haystack, String needle) {
    int at = haystack.lastIndexOf(needle);
    return at < 0 ? Integer.MIN_VALUE / 2 : at;
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
