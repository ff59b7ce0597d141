package dev.pbj.core.internal.jelly;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.pbj.Bytes;
import dev.pbj.FrozenSet;
import dev.pbj.InsecureJellyException;
import dev.pbj.LimitExceededException;
import dev.pbj.ProtocolException;
import dev.pbj.Tuple;
import dev.pbj.Unpersistable;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

class JellyRoundTripTest {

  private static TokenTape jelly(Object value) {
    TokenTape tape = new TokenTape();
    new Jellier(Exporter.NONE, dev.pbj.core.CopyRegistry.empty(), 1000).write(tape, value);
    return tape;
  }

  private static Object unjelly(TokenTape tape) {
    Unjellier unjellier = new Unjellier(Importer.NONE, CopyResolver.FAILURES_ONLY);
    tape.replayInto(unjellier);
    return unjellier.takeResult();
  }

  private static Object roundTrip(Object value) {
    return unjelly(jelly(value));
  }

  static Stream<Object> values() {
    Map<Object, Object> dict = new LinkedHashMap<>();
    dict.put("text key", 1L);
    dict.put(Bytes.ascii("bytes key"), List.of());
    dict.put(Tuple.of(1L, 2L), "tuple key");
    dict.put(7L, null);
    return Stream.of(null, true, false, 0L, -1L, Long.MAX_VALUE, Long.MIN_VALUE,
        BigInteger.TWO.pow(100), BigInteger.TWO.pow(447).negate(), 1.5, -0.0, Double.POSITIVE_INFINITY,
        "", "héllo ☃", "tuple", Bytes.ascii("hi"), Bytes.of(new byte[] {0, -1, 127}),
        new ArrayList<>(), Tuple.of(), Tuple.of(1L, "a", Bytes.ascii("b")), Arrays.asList(1L, null, List.of(2L)),
        dict, new LinkedHashSet<>(List.of(1L, 2L)), FrozenSet.of(3L, 4L),
        new BigDecimal("9.95"), new BigDecimal("-78.901"), BigDecimal.ZERO, new BigDecimal("1E+3"),
        LocalDateTime.of(2020, 7, 11, 1, 16, 5, 344_000), LocalDate.of(2020, 7, 11), LocalTime.of(1, 16, 5, 344_000),
        Duration.ofDays(8).plusSeconds(4565).plusNanos(344_000), Duration.ofDays(-1).plusSeconds(5));
  }

  @ParameterizedTest
  @MethodSource("values")
  void valueSurvivesRoundTrip(Object value) {
    Object back = roundTrip(value);
    if (value instanceof Double) {
      assertThat(Double.doubleToRawLongBits((Double) back)).isEqualTo(Double.doubleToRawLongBits((Double) value));
    } else {
      assertThat(back).isEqualTo(value);
    }
    if (value != null) {
      assertThat(back.getClass()).isEqualTo(expectedClass(value));
    }
  }

  private static Class<?> expectedClass(Object value) {
    if (value instanceof List && !(value instanceof Tuple)) {
      return ArrayList.class;
    }
    if (value instanceof Map) {
      return LinkedHashMap.class;
    }
    if (value instanceof Set && !(value instanceof FrozenSet)) {
      return LinkedHashSet.class;
    }
    if (value instanceof BigInteger && ((BigInteger) value).bitLength() < 64) {
      return Long.class;
    }
    return value.getClass();
  }

  @Test
  void integersAreNarrowedOnTheWayIn() {
    assertThat(roundTrip(5)).isEqualTo(5L);
    assertThat(roundTrip(BigInteger.valueOf(-3))).isEqualTo(-3L);
    assertThat(roundTrip(2.5f)).isEqualTo(2.5);
  }

  @Test
  void writesTwistedTokenForms() {
    assertThat(jelly(null).render()).isEqualTo("(1 None )");
    assertThat(jelly(true).render()).isEqualTo("(2 boolean b'true' )");
    assertThat(jelly(List.of(1L, 2L)).render()).isEqualTo("(3 list 1 2 )");
    assertThat(jelly(Tuple.of()).render()).isEqualTo("(1 tuple )");
    assertThat(jelly(Map.of("a", 1L)).render()).isEqualTo("(2 dictionary (2 u'a' 1 ) )");
    assertThat(jelly(new BigDecimal("-78.901")).render()).isEqualTo("(3 decimal -78901 -3 )");
    assertThat(jelly(LocalDateTime.of(2020, 7, 11, 1, 16, 5, 344_000)).render())
        .isEqualTo("(2 datetime b'2020 7 11 1 16 5 344' )");
    assertThat(jelly(Duration.ofDays(-1).plusSeconds(5)).render()).isEqualTo("(2 timedelta b'-1 5 0' )");
  }

  @Test
  void sharedListIsWrittenOnceAndReferenced() {
    List<Object> x = new ArrayList<>(List.of(1L));
    List<Object> value = new ArrayList<>(List.of(x, x));
    assertThat(jelly(value).render()).isEqualTo("(3 list (3 reference 1 (2 list 1 ) ) (2 dereference 1 ) )");
    @SuppressWarnings("unchecked")
    List<Object> back = (List<Object>) roundTrip(value);
    assertThat(back.get(0)).isSameAs(back.get(1)).isEqualTo(List.of(1L));
  }

  @Test
  void selfContainingListClosesOnItself() {
    List<Object> y = new ArrayList<>();
    y.add(y);
    assertThat(jelly(y).render()).isEqualTo("(3 reference 1 (2 list (2 dereference 1 ) ) )");
    List<?> back = (List<?>) roundTrip(y);
    assertThat(back.get(0)).isSameAs(back);
  }

  @Test
  void selfContainingDictionaryClosesOnItself() {
    Map<Object, Object> d = new LinkedHashMap<>();
    d.put("self", d);
    Map<?, ?> back = (Map<?, ?>) roundTrip(d);
    assertThat(back.get("self")).isSameAs(back);
  }

  @Test
  void tupleCycleThroughListClosesOnTheTuple() {
    List<Object> inner = new ArrayList<>();
    Tuple t = Tuple.wrap(new Object[] {inner});
    inner.add(t);
    Tuple back = (Tuple) roundTrip(t);
    assertThat(((List<?>) back.get(0)).get(0)).isSameAs(back);
  }

  @Test
  void decodesReferencesInDiscoveryOrder() {
    // Twisted numbers repeats as it finds them: [a, b, b, a] -> (list (reference 2 a) (reference 1 b) (deref 1) (deref 2))
    TokenTape tape = new TokenTape();
    tape.beginList(5);
    tape.symbol("list");
    tape.beginList(3); tape.symbol("reference"); tape.integer(2); tape.beginList(2); tape.symbol("list");
    tape.integer(1); tape.endList(); tape.endList();
    tape.beginList(3); tape.symbol("reference"); tape.integer(1); tape.beginList(2); tape.symbol("list");
    tape.integer(2); tape.endList(); tape.endList();
    tape.beginList(2); tape.symbol("dereference"); tape.integer(1); tape.endList();
    tape.beginList(2); tape.symbol("dereference"); tape.integer(2); tape.endList();
    tape.endList();
    List<?> back = (List<?>) unjelly(tape);
    assertThat(back.get(0)).isSameAs(back.get(3));
    assertThat(back.get(1)).isSameAs(back.get(2));
    assertThat(back).isEqualTo(List.of(List.of(1L), List.of(2L), List.of(2L), List.of(1L)));
  }

  @Test
  void textArrivesFromBananaAsUnicodeListAndFromTextToken() {
    TokenTape tape = new TokenTape();
    tape.beginList(2);
    tape.bytes("unicode".getBytes(), 0, 7);
    tape.bytes("caf\u00c3\u00a9".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1), 0, 5);
    tape.endList();
    assertThat(unjelly(tape)).isEqualTo("café");
    TokenTape vocabText = new TokenTape();
    vocabText.beginList(2);
    vocabText.bytes("unicode".getBytes(), 0, 7);
    vocabText.symbol("copy");
    vocabText.endList();
    assertThat(unjelly(vocabText)).isEqualTo("copy");
  }

  @Test
  void vocabularyWordInValuePositionIsBytes() {
    TokenTape tape = new TokenTape();
    tape.symbol("copy");
    assertThat(unjelly(tape)).isEqualTo(Bytes.ascii("copy"));
  }

  @Test
  void unregisteredCopyIsRefusedWithItsName() {
    TokenTape tape = jelly(new CopiedValue("__main__.Evil", Map.of()));
    assertThatThrownBy(() -> unjelly(tape)).isInstanceOf(InsecureJellyException.class)
        .hasMessageContaining("__main__.Evil")
        .satisfies(e -> assertThat(((InsecureJellyException) e).typeName()).isEqualTo("__main__.Evil"));
  }

  @Test
  void failureRecordIsAccepted() {
    Object back = roundTrip(new CopiedValue(CopiedValue.FAILURE_TYPE, Map.of("type", Bytes.ascii("x.Y"))));
    assertThat(back).isEqualTo(new CopiedValue(CopiedValue.FAILURE_TYPE, Map.of("type", Bytes.ascii("x.Y"))));
  }

  @Test
  void pythonClassAndModuleTagsAreRefused() {
    for (String tag : List.of("class", "module", "instance", "function")) {
      TokenTape tape = new TokenTape();
      tape.beginList(2);
      tape.symbol(tag);
      tape.bytes("builtins.dict".getBytes(), 0, 13);
      tape.endList();
      assertThatThrownBy(() -> unjelly(tape)).as(tag).isInstanceOf(InsecureJellyException.class);
    }
  }

  @Test
  void unpersistableBecomesPlaceholder() {
    TokenTape tape = new TokenTape();
    tape.beginList(2);
    tape.bytes("unpersistable".getBytes(), 0, 13);
    tape.bytes("deemed insecure".getBytes(), 0, 15);
    tape.endList();
    assertThat(unjelly(tape)).isEqualTo(new Unpersistable("deemed insecure"));
  }

  @Test
  void malformedStructuresAreProtocolErrors() {
    TokenTape untagged = new TokenTape();
    untagged.beginList(1);
    untagged.integer(1);
    untagged.endList();
    assertThatThrownBy(() -> unjelly(untagged)).isInstanceOf(ProtocolException.class).hasMessageContaining("tag");

    TokenTape badBool = new TokenTape();
    badBool.beginList(2);
    badBool.symbol("boolean");
    badBool.bytes("yes".getBytes(), 0, 3);
    badBool.endList();
    assertThatThrownBy(() -> unjelly(badBool)).isInstanceOf(ProtocolException.class).hasMessageContaining("true");

    TokenTape danglingDeref = new TokenTape();
    danglingDeref.beginList(2);
    danglingDeref.symbol("dereference");
    danglingDeref.integer(9);
    danglingDeref.endList();
    assertThatThrownBy(() -> unjelly(danglingDeref)).isInstanceOf(ProtocolException.class)
        .hasMessageContaining("9");

    TokenTape badPair = new TokenTape();
    badPair.beginList(2);
    badPair.symbol("dictionary");
    badPair.beginList(1);
    badPair.integer(1);
    badPair.endList();
    badPair.endList();
    assertThatThrownBy(() -> unjelly(badPair)).isInstanceOf(ProtocolException.class).hasMessageContaining("pair");
  }

  @Test
  void referencesCannotBeSentWithoutConnection() {
    assertThatThrownBy(() -> jelly(new dev.pbj.Referenceable() {})).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void unsupportedJavaTypeIsRefusedWithItsName() {
    assertThatThrownBy(() -> jelly(new Object() {})).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not a Jelly value");
  }

  @Test
  void tooDeepValueIsRefusedBeforeTheStackOverflows() {
    List<Object> deep = new ArrayList<>();
    List<Object> cursor = deep;
    for (int i = 0; i < 5000; i++) {
      List<Object> next = new ArrayList<>();
      cursor.add(next);
      cursor = next;
    }
    assertThatThrownBy(() -> jelly(deep)).isInstanceOf(LimitExceededException.class)
        .satisfies(e -> assertThat(((LimitExceededException) e).limitName()).isEqualTo("maxDepth"));
  }

  @Test
  void unjellierIsReusableAfterReset() {
    Unjellier unjellier = new Unjellier(Importer.NONE, CopyResolver.FAILURES_ONLY);
    TokenTape broken = new TokenTape();
    broken.beginList(3);
    broken.symbol("list");
    broken.integer(1);
    broken.replayInto(unjellier);
    unjellier.reset();
    jelly(List.of(7L)).replayInto(unjellier);
    assertThat(unjellier.takeResult()).isEqualTo(List.of(7L));
  }

  @Test
  void unhashableSetElementIsRefusedAsPythonRefusesIt() {
    TokenTape listInSet = new TokenTape(); // (set (list)): a TypeError in Python
    listInSet.beginList(2);
    listInSet.symbol("set");
    listInSet.beginList(1);
    listInSet.symbol("list");
    listInSet.endList();
    listInSet.endList();
    assertThatThrownBy(() -> unjelly(listInSet)).isInstanceOf(ProtocolException.class)
        .hasMessageContaining("unhashable");
  }

  /**
   * Writes {@code (reference 0 (tuple 7))} and {@code (reference k (tuple (dereference k-1) (dereference k-1)))} for
   * k up to {@code levels}: a few hundred bytes that, walked as a tree, have 2^levels leaves.
   */
  private static void sharingChain(TokenTape tape, int levels) {
    tape.beginList(3);
    tape.symbol("reference");
    tape.integer(0);
    tape.beginList(2);
    tape.symbol("tuple");
    tape.integer(7);
    tape.endList();
    tape.endList();
    for (int k = 1; k <= levels; k++) {
      tape.beginList(3);
      tape.symbol("reference");
      tape.integer(k);
      tape.beginList(3);
      tape.symbol("tuple");
      for (int twice = 0; twice < 2; twice++) {
        dereference(tape, k - 1);
      }
      tape.endList();
      tape.endList();
    }
  }

  private static void dereference(TokenTape tape, long number) {
    tape.beginList(2);
    tape.symbol("dereference");
    tape.integer(number);
    tape.endList();
  }

  @Test
  void sharingBombAsDictionaryKeyIsRefusedBeforeItIsHashed() {
    // (list <chain> (dictionary ((dereference 64) 1))): the key's tree has 2^64 leaves (found by pb-fuzz)
    TokenTape bomb = new TokenTape();
    bomb.beginList(67);
    bomb.symbol("list");
    sharingChain(bomb, 64);
    bomb.beginList(2);
    bomb.symbol("dictionary");
    bomb.beginList(2);
    dereference(bomb, 64);
    bomb.integer(1);
    bomb.endList();
    bomb.endList();
    bomb.endList();
    assertThatThrownBy(() -> unjelly(bomb)).isInstanceOf(LimitExceededException.class)
        .satisfies(e -> assertThat(((LimitExceededException) e).limitName()).isEqualTo("maxListLength"));
  }

  @Test
  void errorQuotingASharedValueStaysShort() {
    // (list <chain> (remote (dereference 64))): the error names the tuple by size, never by walking it (pb-fuzz)
    TokenTape bomb = new TokenTape();
    bomb.beginList(67);
    bomb.symbol("list");
    sharingChain(bomb, 64);
    bomb.beginList(2);
    bomb.symbol("remote");
    dereference(bomb, 64);
    bomb.endList();
    bomb.endList();
    assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
      assertThatThrownBy(() -> unjelly(bomb)).isInstanceOf(ProtocolException.class)
          .hasMessageContaining("a tuple of 2 elements");
    });
  }

  @Test
  void stateTheRegisteredTypeRefusesIsAnInsecureJellyError() {
    // a copy whose registered factory throws: typed, so that only the call carrying it fails (found by pb-fuzz)
    CopyResolver picky = CopyResolver.of(dev.pbj.core.CopyRegistry.builder()
        .registerFactory("test.Picky", state -> {
          throw new IllegalArgumentException("test.Picky wants a dictionary");
        }).build());
    TokenTape copy = new TokenTape();
    copy.beginList(2);
    copy.bytes("test.Picky".getBytes(java.nio.charset.StandardCharsets.US_ASCII), 0, 10);
    copy.integer(1);
    copy.endList();
    Unjellier unjellier = new Unjellier(Importer.NONE, picky);
    assertThatThrownBy(() -> copy.replayInto(unjellier)).isInstanceOf(InsecureJellyException.class)
        .hasMessageContaining("test.Picky wants a dictionary");
  }

  @Test
  void unpersistableGoesBackAsItCame() {
    // a value the unjellier builds is one the jellier sends (found by pb-fuzz: it was refused)
    assertThat(unjelly(jelly(new Unpersistable("Unpersistable data: a module")))).isEqualTo(
        new Unpersistable("Unpersistable data: a module"));
  }
}
