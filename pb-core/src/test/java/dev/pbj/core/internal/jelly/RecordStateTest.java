package dev.pbj.core.internal.jelly;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pbj.Bytes;
import dev.pbj.InsecureJellyException;
import dev.pbj.core.CopyRegistry;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A registered record's copy is built from its state as it arrives, without a dictionary in between, and comes out
 * as the dictionary would have made it: later items win, a component named by text wins over its byte name, items
 * naming no component are left out, a missing primitive component is refused.
 */
class RecordStateTest {

  record Pair(long left, long right) {}

  record Outer(String name, Pair inner) {}

  private static final CopyRegistry RECORDS =
      CopyRegistry.builder().register("test.Pair", Pair.class).register("test.Outer", Outer.class).build();

  /** {@code ("test.Pair" (dictionary …))}, each item a key (String: text, byte[]: bytes) and an integer. */
  private static TokenTape pairCopy(Object... items) {
    TokenTape tape = new TokenTape();
    tape.beginList(2);
    bytes(tape, "test.Pair");
    dictionary(tape, items);
    tape.endList();
    return tape;
  }

  private static void dictionary(TokenTape tape, Object... items) {
    tape.beginList(1 + items.length / 2);
    bytes(tape, "dictionary");
    for (int i = 0; i < items.length; i += 2) {
      tape.beginList(2);
      if (items[i] instanceof String text) {
        tape.text(text);
      } else {
        byte[] name = (byte[]) items[i];
        tape.bytes(name, 0, name.length);
      }
      tape.integer((Long) items[i + 1]);
      tape.endList();
    }
    tape.endList();
  }

  private static void bytes(TokenTape tape, String ascii) {
    byte[] raw = ascii.getBytes(StandardCharsets.US_ASCII);
    tape.bytes(raw, 0, raw.length);
  }

  private static Object unjelly(TokenTape tape, CopyRegistry registry) {
    Unjellier unjellier = new Unjellier(Importer.NONE, CopyResolver.of(registry));
    tape.replayInto(unjellier);
    return unjellier.takeResult();
  }

  @Test
  void itemsLandAsADictionaryWouldHaveThem() {
    byte[] right = "right".getBytes(StandardCharsets.US_ASCII);
    Object[] items = {"left", 1L, right, 2L, "right", 3L, right, 4L, "extra", 9L};

    assertThat(unjelly(pairCopy(items), RECORDS)).isEqualTo(new Pair(1, 3));
    Map<Object, Object> dictionary = new LinkedHashMap<>();
    for (int i = 0; i < items.length; i += 2) {
      dictionary.put(items[i] instanceof byte[] raw ? Bytes.of(raw) : items[i], items[i + 1]);
    }
    assertThat(RECORDS.build("test.Pair", dictionary)).as("the same state as a map").isEqualTo(new Pair(1, 3));
    assertThat(unjelly(pairCopy(right, 5L, "left", 6L), RECORDS)).as("byte names alone").isEqualTo(new Pair(6, 5));
  }

  @Test
  void aMissingPrimitiveComponentIsRefusedByName() {
    assertThatThrownBy(() -> unjelly(pairCopy("left", 1L), RECORDS)).isInstanceOf(InsecureJellyException.class)
        .hasMessageContaining("test.Pair.right must be long: got None");
  }

  @Test
  void aRecordInsideARecordsStateGathersItsOwn() {
    TokenTape tape = new TokenTape();
    tape.beginList(2);
    bytes(tape, "test.Outer");
    tape.beginList(3);
    bytes(tape, "dictionary");
    tape.beginList(2);
    tape.text("name");
    tape.text("outer");
    tape.endList();
    tape.beginList(2);
    tape.text("inner");
    TokenTape inner = pairCopy("left", 7L, "right", 8L);
    inner.replayInto(tape);
    tape.endList();
    tape.endList();
    tape.endList();

    assertThat(unjelly(tape, RECORDS)).isEqualTo(new Outer("outer", new Pair(7, 8)));
  }

  @Test
  void aFactoryRegisteredOverARecordGetsTheDictionary() {
    CopyRegistry overridden = CopyRegistry.builder().register("test.Pair", Pair.class)
        .registerFactory("test.Pair", state -> state).build();

    assertThat(unjelly(pairCopy("left", 1L, "right", 2L), overridden)).isEqualTo(Map.of("left", 1L, "right", 2L));
    assertThat(RecordShapes.newState(overridden, "test.Pair")).isNull();
    assertThat(RecordShapes.newState(RECORDS, "test.Nothing")).isNull();
    assertThat(List.of(RecordShapes.newState(RECORDS, "test.Pair").toString()))
        .containsExactly("the state of a test.Pair");
  }
}
