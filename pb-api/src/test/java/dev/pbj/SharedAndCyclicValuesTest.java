package dev.pbj;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The value types' {@code hashCode}, {@code equals} and {@code toString} on what a peer can send with Jelly's
 * references: a sharing bomb (each level the last one twice, 2^levels nodes as a tree) and values that contain
 * themselves. Before they walked their own graphs, each of these ran for 2^40 steps or overflowed the stack.
 */
@Timeout(value = 10, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class SharedAndCyclicValuesTest {
  private static final int LEVELS = 40;

  /** t0 = (), t(k) = (t(k-1), t(k-1)). */
  private static Tuple tupleBomb(int levels) {
    Tuple t = Tuple.of();
    for (int i = 0; i < levels; i++) {
      t = Tuple.of(t, t);
    }
    return t;
  }

  /** The same bomb with lists between the tuples, so that no element's own {@code hashCode} may be trusted. */
  private static Tuple listBomb(int levels) {
    Object value = List.of();
    for (int i = 0; i < levels; i++) {
      value = i % 2 == 0 ? Tuple.of(value, value) : new ArrayList<>(List.of(value, value));
    }
    return Tuple.of(value);
  }

  /** A tuple holding a list that holds the tuple: {@code (reference 1 (tuple (list (dereference 1))))}. */
  private static Tuple cycle() {
    Object[] slots = new Object[1];
    Tuple tuple = Tuple.wrap(slots);
    List<Object> list = new ArrayList<>();
    list.add(tuple);
    slots[0] = list;
    return tuple;
  }

  @Test
  void hashingASharingBombIsBoundedAndAgreesWithAnEqualCopy() {
    assertThat(tupleBomb(LEVELS).hashCode()).isEqualTo(tupleBomb(LEVELS).hashCode());
    assertThat(listBomb(LEVELS).hashCode()).isEqualTo(listBomb(LEVELS).hashCode());
    assertThat(Tuple.of(1, tupleBomb(LEVELS)).hashCode()).as("what the first few hundred nodes hold tells apart")
        .isNotEqualTo(Tuple.of(2, tupleBomb(LEVELS)).hashCode());
  }

  @Test
  void comparingTwoSharingBombsIsLinear() {
    assertThat(tupleBomb(LEVELS)).isEqualTo(tupleBomb(LEVELS));
    assertThat(listBomb(LEVELS)).isEqualTo(listBomb(LEVELS));
    assertThat(tupleBomb(LEVELS)).isNotEqualTo(tupleBomb(LEVELS - 1));
    Tuple differentAtTheBottom = Tuple.of(Tuple.of(1));
    for (int i = 0; i < LEVELS; i++) {
      differentAtTheBottom = Tuple.of(differentAtTheBottom, differentAtTheBottom);
    }
    Tuple sameShape = Tuple.of(Tuple.of(2));
    for (int i = 0; i < LEVELS; i++) {
      sameShape = Tuple.of(sameShape, sameShape);
    }
    assertThat(differentAtTheBottom).isNotEqualTo(sameShape);
  }

  @Test
  void printingASharingBombIsBoundedAndElided() {
    String text = tupleBomb(LEVELS).toString();
    assertThat(text.length()).isLessThanOrEqualTo(ValueRepr.MAX_CHARS + 1);
    assertThat(text).startsWith("((((").contains("(…)").endsWith("…");
    assertThat(listBomb(LEVELS).toString().length()).isLessThanOrEqualTo(ValueRepr.MAX_CHARS + 1);
  }

  @Test
  void aTupleInsideItselfHashesComparesAndPrints() {
    Tuple a = cycle();
    Tuple b = cycle();
    assertThat(a.hashCode()).isEqualTo(b.hashCode());
    assertThat(a).isEqualTo(b);
    assertThat(a.toString()).isEqualTo("([(…)],)");
    assertThat(Tuple.of(cycle(), 1)).isNotEqualTo(Tuple.of(cycle(), 2));
  }

  @Test
  void aMapOrKwargsOrCopyInsideItselfHashesComparesAndPrints() {
    Map<String, Object> m1 = new LinkedHashMap<>();
    m1.put("self", Tuple.of(m1));
    Map<String, Object> m2 = new LinkedHashMap<>();
    m2.put("self", Tuple.of(m2));
    CopiedObject c1 = new CopiedObject("pbj.demo.Node", m1);
    CopiedObject c2 = new CopiedObject("pbj.demo.Node", m2);
    assertThat(c1.hashCode()).isEqualTo(c2.hashCode());
    assertThat(c1).isEqualTo(c2);
    assertThat(c1.toString()).isEqualTo("CopiedObject[typeName=pbj.demo.Node, state={self=({…},)}]");
    Kwargs k1 = Kwargs.of("state", m1);
    Kwargs k2 = Kwargs.of("state", m2);
    assertThat(k1.hashCode()).isEqualTo(k2.hashCode());
    assertThat(k1).isEqualTo(k2);
    assertThat(k1.toString()).isEqualTo("Kwargs{state={self=({…},)}}");
  }

  @Test
  void aDeepChainNeitherOverflowsTheStackNorPrintsWithoutEnd() {
    Tuple a = Tuple.of();
    Tuple b = Tuple.of();
    for (int i = 0; i < 200_000; i++) {
      a = Tuple.of(a);
      b = Tuple.of(b);
    }
    assertThat(a).isEqualTo(b);
    assertThat(a.hashCode()).isEqualTo(b.hashCode());
    assertThat(a.toString()).startsWith("((((").contains("(…)");
  }

  @Test
  void frozenSetsThatRepeatEachOtherHashOnce() {
    FrozenSet s = FrozenSet.of();
    for (int i = 0; i < LEVELS; i++) {
      s = FrozenSet.of(s, FrozenSet.of(s)); // each level hashes the one below twice
    }
    assertThat(s.hashCode()).isEqualTo(s.hashCode());
    assertThat(s.toString().length()).isLessThanOrEqualTo(ValueRepr.MAX_CHARS + 1);
  }

  @Test
  void smallValuesPrintAsBefore() {
    assertThat(Tuple.of().toString()).isEqualTo("()");
    assertThat(Tuple.of(1).toString()).isEqualTo("(1,)");
    assertThat(Tuple.of(1, "a", null, List.of(2, 3), Tuple.of()).toString()).isEqualTo("(1, a, null, [2, 3], ())");
    assertThat(FrozenSet.of(1, 2).toString()).isEqualTo("frozenset([1, 2])");
    assertThat(Kwargs.of("start", 5, "step", Tuple.of(1, 2)).toString()).isEqualTo("Kwargs{start=5, step=(1, 2)}");
    assertThat(new CopiedObject("pbj.demo.Point", Map.of("x", 1)).toString())
        .isEqualTo("CopiedObject[typeName=pbj.demo.Point, state={x=1}]");
    assertThat(Tuple.of("x".repeat(5000)).toString()).hasSize(ValueRepr.MAX_CHARS + 1).endsWith("x…");
  }

  @Test
  void equalityAndHashingKeepTheirRules() {
    assertThat(Tuple.of(1, 2)).isEqualTo(Tuple.of(1, 2)).isNotEqualTo(List.of(1, 2)).isNotEqualTo(Tuple.of(2, 1));
    assertThat(Tuple.of(List.of(1))).as("a list element equals a list of the same elements")
        .isEqualTo(Tuple.of(new ArrayList<>(List.of(1))));
    assertThat(Tuple.of(Tuple.of(1))).isNotEqualTo(Tuple.of(List.of(1)));
    assertThat(Tuple.of(Set.of(1, 2))).isEqualTo(Tuple.of(new HashSet<>(List.of(2, 1))));
    assertThat(Tuple.of(Set.of(1, 2)).hashCode()).isEqualTo(Tuple.of(new HashSet<>(List.of(2, 1))).hashCode());
    assertThat(Tuple.of(Map.of("a", 1, "b", 2)).hashCode())
        .isEqualTo(Tuple.of(new LinkedHashMap<>(Map.of("b", 2, "a", 1))).hashCode());
    assertThat(Tuple.of(Map.of("a", 1))).isNotEqualTo(Tuple.of(Map.of("a", 2)));
    assertThat(Tuple.of(1, null)).isEqualTo(Tuple.of(1, null)).isNotEqualTo(Tuple.of(null, 1));
    assertThat(Tuple.of(Double.NaN)).isEqualTo(Tuple.of(Double.NaN));
    assertThat(FrozenSet.of(Tuple.of(1), 2)).isEqualTo(Set.of(2, Tuple.of(1)))
        .hasSameHashCodeAs(Set.of(2, Tuple.of(1)));
    Map<Object, String> byKey = new java.util.HashMap<>();
    byKey.put(Tuple.of("room", 7), "seven");
    assertThat(byKey).containsEntry(Tuple.of("room", 7), "seven");
    List<Tuple> distinct = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      distinct.add(Tuple.of("point", i, i * 2));
    }
    assertThat(distinct.stream().map(Tuple::hashCode).distinct().count()).as("flat tuples hash apart")
        .isEqualTo(1000);
  }
}
