package dev.pbj.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pbj.Broker;
import dev.pbj.Bytes;
import dev.pbj.CopiedObject;
import dev.pbj.FrozenSet;
import dev.pbj.RemoteReference;
import dev.pbj.Tuple;
import dev.pbj.Unpersistable;
import dev.pbj.cli.demo.Point;
import dev.pbj.cli.demo.RoomCache;
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
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

class JsonValuesTest {
  private static final BigInteger TWO_100 = BigInteger.TWO.pow(100);
  private final JsonValues json = JsonValues.standard();

  private static LinkedHashMap<Object, Object> map(Object... keysAndValues) {
    LinkedHashMap<Object, Object> map = new LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      map.put(keysAndValues[i], keysAndValues[i + 1]);
    }
    return map;
  }

  private static ArrayList<Object> list(Object... elements) {
    return new ArrayList<>(Arrays.asList(elements));
  }

  // --- input

  @Test
  void integersAreLongsOrBigIntegersByWhetherTheyFit() {
    assertThat(json.parse("42")).isEqualTo(42L);
    assertThat(json.parse("-7")).isEqualTo(-7L);
    assertThat(json.parse("0")).isEqualTo(0L);
    assertThat(json.parse(String.valueOf(Long.MAX_VALUE))).isEqualTo(Long.MAX_VALUE);
    assertThat(json.parse(String.valueOf(Long.MIN_VALUE))).isEqualTo(Long.MIN_VALUE);
    assertThat(json.parse("9223372036854775808")).isEqualTo(BigInteger.ONE.shiftLeft(63));
    assertThat(json.parse(TWO_100.toString())).isEqualTo(TWO_100);
    assertThat(json.parse(TWO_100.negate().toString())).isEqualTo(TWO_100.negate());
  }

  @Test
  void numbersWithFractionOrExponentAreDoubles() {
    assertThat(json.parse("2.5")).isEqualTo(2.5);
    assertThat(json.parse("-0.25")).isEqualTo(-0.25);
    assertThat(json.parse("3.0")).isEqualTo(3.0);
    assertThat(json.parse("1e3")).isEqualTo(1000.0);
    assertThat(json.parse("-0.0")).isEqualTo(-0.0);
  }

  @Test
  void jsonScalarsAndContainersMapToTheirPythonCounterparts() {
    assertThat(json.parse("\"h\u00e9llo \u2603\"")).isEqualTo("h\u00e9llo \u2603");
    assertThat(json.parse("true")).isEqualTo(true);
    assertThat(json.parse("false")).isEqualTo(false);
    assertThat(json.parse("null")).isNull();
    assertThat(json.parse("[1, \"a\", [null]]")).isInstanceOf(ArrayList.class).isEqualTo(list(1L, "a", list((Object) null)));
    Object object = json.parse("{\"b\": 1, \"a\": {\"c\": []}}");
    assertThat(object).isInstanceOf(LinkedHashMap.class).isEqualTo(map("b", 1L, "a", map("c", list())));
    assertThat(new ArrayList<Object>(((Map<?, ?>) object).keySet())).containsExactly("b", "a");
  }

  @Test
  void taggedObjectsBuildTheOtherPbTypes() {
    assertThat(json.parse("{\"$bytes\": \"AP9oaQ==\"}")).isEqualTo(Bytes.of(new byte[] {0, -1, 'h', 'i'}));
    assertThat(json.parse("{\"$tuple\": [1, \"a\", {\"$tuple\": []}]}")).isEqualTo(Tuple.of(1L, "a", Tuple.of()));
    Object set = json.parse("{\"$set\": [3, 1, 2]}");
    assertThat(set).isInstanceOf(LinkedHashSet.class);
    assertThat(new ArrayList<Object>((LinkedHashSet<?>) set)).containsExactly(3L, 1L, 2L);
    assertThat(json.parse("{\"$frozenset\": [4, 5]}")).isInstanceOf(FrozenSet.class).isEqualTo(FrozenSet.of(4L, 5L));
    assertThat(json.parse("{\"$float\": \"nan\"}")).isEqualTo(Double.NaN);
    assertThat(json.parse("{\"$float\": \"inf\"}")).isEqualTo(Double.POSITIVE_INFINITY);
    assertThat(json.parse("{\"$float\": \"-inf\"}")).isEqualTo(Double.NEGATIVE_INFINITY);
    assertThat(json.parse("{\"$float\": 3}")).isEqualTo(3.0);
    assertThat(json.parse("{\"$decimal\": \"9.95\"}")).isEqualTo(new BigDecimal("9.95"));
    assertThat(json.parse("{\"$datetime\": \"2024-05-01T12:30:00.000001\"}"))
        .isEqualTo(LocalDateTime.of(2024, 5, 1, 12, 30, 0, 1000));
    assertThat(json.parse("{\"$date\": \"2024-05-01\"}")).isEqualTo(LocalDate.of(2024, 5, 1));
    assertThat(json.parse("{\"$time\": \"12:30\"}")).isEqualTo(LocalTime.of(12, 30));
    assertThat(json.parse("{\"$timedelta\": \"PT1H30M\"}")).isEqualTo(Duration.ofMinutes(90));
  }

  @Test
  void dictTagAllowsKeysThatAreNotStrings() {
    Object dict = json.parse("{\"$dict\": [[{\"$tuple\": [1, 2]}, \"tuple key\"], [{\"$bytes\": \"aw==\"}, [null]],"
        + " [3, \"int key\"], [\"$x\", \"dollar key\"]]}");
    assertThat(dict).isInstanceOf(LinkedHashMap.class)
        .isEqualTo(map(Tuple.of(1L, 2L), "tuple key", Bytes.ascii("k"), list((Object) null), 3L, "int key",
            "$x", "dollar key"));
  }

  @Test
  void malformedInputIsRefusedSayingWhere() {
    assertThatThrownBy(() -> json.parse("hello")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("not JSON");
    assertThatThrownBy(() -> json.parse("")).hasMessageContaining("not JSON");
    assertThatThrownBy(() -> json.parse("1 2")).hasMessageContaining("not JSON");
    assertThatThrownBy(() -> json.parse("{\"a\": 1, \"a\": 2}")).hasMessageContaining("not JSON");
    assertThatThrownBy(() -> json.parse("[1, {\"$bytes\": 5}]")).hasMessageStartingWith("$[1].$bytes: expected");
    assertThatThrownBy(() -> json.parse("{\"$bytes\": \"***\"}")).hasMessageContaining("not base64");
    assertThatThrownBy(() -> json.parse("{\"$float\": \"lots\"}")).hasMessageContaining("\"nan\"");
    assertThatThrownBy(() -> json.parse("{\"$dict\": [[1]]}")).hasMessageContaining("[key, value] pair");
    assertThatThrownBy(() -> json.parse("{\"$nope\": 1}")).hasMessageContaining("unknown tag $nope");
    assertThatThrownBy(() -> json.parse("{\"$tuple\": [], \"b\": 1}")).hasMessageContaining("$dict");
    assertThatThrownBy(() -> json.parse("{\"$remote\": 1}")).hasMessageContaining("cannot be sent");
    assertThatThrownBy(() -> json.parse("{\"$date\": \"May 1st\"}")).hasMessageContaining("ISO date");
  }

  // --- output

  @Test
  void scalarsPrintAsJson() {
    assertThat(json.format(null)).isEqualTo("null");
    assertThat(json.format(true)).isEqualTo("true");
    assertThat(json.format(42L)).isEqualTo("42");
    assertThat(json.format(-7)).isEqualTo("-7");
    assertThat(json.format(TWO_100)).isEqualTo("1267650600228229401496703205376");
    assertThat(json.format(TWO_100.negate())).isEqualTo("-1267650600228229401496703205376");
    assertThat(json.format(2.5)).isEqualTo("2.5");
    assertThat(json.format(3.0)).isEqualTo("3.0");
    assertThat(json.format(-0.0)).isEqualTo("-0.0");
    assertThat(json.format("h\u00e9llo \"q\"\n")).isEqualTo("\"h\u00e9llo \\\"q\\\"\\n\"");
  }

  @Test
  void otherValuesPrintTagged() {
    assertThat(json.format(Bytes.of(new byte[] {0, -1, 'h', 'i'}))).isEqualTo("{\"$bytes\":\"AP9oaQ==\"}");
    assertThat(json.format(new byte[] {'h', 'i'})).isEqualTo("{\"$bytes\":\"aGk=\"}");
    assertThat(json.format(Tuple.of(1L, "a"))).isEqualTo("{\"$tuple\":[1,\"a\"]}");
    assertThat(json.format(new LinkedHashSet<>(List.of(1L, 2L)))).isEqualTo("{\"$set\":[1,2]}");
    assertThat(json.format(FrozenSet.of(4L))).isEqualTo("{\"$frozenset\":[4]}");
    assertThat(json.format(Double.NaN)).isEqualTo("{\"$float\":\"nan\"}");
    assertThat(json.format(Double.POSITIVE_INFINITY)).isEqualTo("{\"$float\":\"inf\"}");
    assertThat(json.format(Double.NEGATIVE_INFINITY)).isEqualTo("{\"$float\":\"-inf\"}");
    assertThat(json.format(new BigDecimal("9.95"))).isEqualTo("{\"$decimal\":\"9.95\"}");
    assertThat(json.format(LocalDateTime.of(2024, 5, 1, 12, 30, 0, 1000)))
        .isEqualTo("{\"$datetime\":\"2024-05-01T12:30:00.000001\"}");
    assertThat(json.format(LocalDate.of(2024, 5, 1))).isEqualTo("{\"$date\":\"2024-05-01\"}");
    assertThat(json.format(LocalTime.of(12, 30))).isEqualTo("{\"$time\":\"12:30\"}");
    assertThat(json.format(Duration.ofMinutes(90))).isEqualTo("{\"$timedelta\":\"PT1H30M\"}");
    assertThat(json.format(new Unpersistable("not allowed"))).isEqualTo("{\"$unpersistable\":\"not allowed\"}");
    assertThat(json.format(new Object() {
      @Override
      public String toString() {
        return "odd";
      }
    })).matches("\\{\"\\$java\":\"dev\\.pbj\\.cli\\.JsonValuesTest\\$\\d+\",\"repr\":\"odd\"}");
  }

  @Test
  void mapsWithOnlyPlainStringKeysPrintAsObjectsOthersAsDict() {
    assertThat(json.format(map("b", 1L, "a", list()))).isEqualTo("{\"b\":1,\"a\":[]}");
    assertThat(json.format(map(Tuple.of(1L, 2L), "t", "s", null)))
        .isEqualTo("{\"$dict\":[[{\"$tuple\":[1,2]},\"t\"],[\"s\",null]]}");
    assertThat(json.format(map("$bytes", "not a tag"))).isEqualTo("{\"$dict\":[[\"$bytes\",\"not a tag\"]]}");
  }

  @Test
  void remoteReferencesAreNumberedInOrderOfAppearance() {
    RemoteReference a = new FakeReference();
    RemoteReference b = new FakeReference();
    assertThat(json.format(list(a, b, a))).isEqualTo("[{\"$remote\":1},{\"$remote\":2},{\"$remote\":1}]");
    assertThat(json.format(b)).isEqualTo("{\"$remote\":1}");
  }

  @Test
  void copiesPrintThroughTheCopyHook() {
    record Point(long x, long y) {}
    JsonValues withPoints = new JsonValues(value -> value instanceof Point
        ? new JsonValues.CopiedState("pbj.demo.Point", map("x", ((Point) value).x(), "y", ((Point) value).y()))
        : null);
    assertThat(withPoints.format(list(new Point(1, 2))))
        .isEqualTo("[{\"$copy\":\"pbj.demo.Point\",\"state\":{\"x\":1,\"y\":2}}]");
  }

  @Test
  void copyablesAndCopiedObjectsPrintAsCopies() {
    assertThat(json.format(new Point(3, 4))).isEqualTo("{\"$copy\":\"pbj.demo.Point\",\"state\":{\"x\":3,\"y\":4}}");
    assertThat(json.format(new CopiedObject("some.Thing", list(1L, Bytes.ascii("b")))))
        .isEqualTo("{\"$copy\":\"some.Thing\",\"state\":[1,{\"$bytes\":\"Yg==\"}]}");
    assertThat(json.format(new CopiedObject("none.State", null)))
        .isEqualTo("{\"$copy\":\"none.State\",\"state\":null}");
  }

  @Test
  void copiesParseAsCopiedObjectsAndRoundTrip() {
    Object copy = json.parse("{\"$copy\": \"pbj.demo.Point\", \"state\": {\"x\": 1, \"y\": 2}}");
    assertThat(copy).isEqualTo(new CopiedObject("pbj.demo.Point", map("x", 1L, "y", 2L)));
    assertThat(json.parse("{\"state\": [{\"$tuple\": []}], \"$copy\": \"t\"}"))
        .isEqualTo(new CopiedObject("t", list(Tuple.of())));
    for (Object value : List.of(copy, new CopiedObject("a.B", null), list(new CopiedObject("x", map(1L, "int key"))))) {
      assertThat(json.parse(json.format(value))).isEqualTo(value);
    }
    assertThatThrownBy(() -> json.parse("{\"$copy\": \"t\"}")).hasMessageContaining("\"state\"");
    assertThatThrownBy(() -> json.parse("{\"$copy\": \"t\", \"state\": 1, \"x\": 2}"))
        .hasMessageContaining("\"state\"");
    assertThatThrownBy(() -> json.parse("[{\"$copy\": 5, \"state\": 1}]"))
        .hasMessageStartingWith("$[0].$copy: expected a type name");
    assertThatThrownBy(() -> json.parse("{\"$copy\": \"t\", \"state\": {\"$bytes\": 1}}"))
        .hasMessageStartingWith("$.state.$bytes: expected");
  }

  @Test
  void roomCachePrintsAsCacheWithItsStateNow() {
    RoomCache room = new RoomCache();
    room.setCopyableState(map("topic", "t", "members", list("alice"), "messages", list()));
    room.said("hi");
    assertThat(json.format(list(room))).isEqualTo(
        "[{\"$cache\":\"pbj.demo.Room\",\"state\":{\"topic\":\"t\",\"members\":[\"alice\"],\"messages\":[\"hi\"]}}]");
    assertThatThrownBy(() -> json.parse("{\"$cache\": \"pbj.demo.Room\"}")).hasMessageContaining("cannot be sent");
  }

  @Test
  void aCopyInsideItsOwnStatePrintsAsACycle() {
    List<Object> state = new ArrayList<>();
    CopiedObject copy = new CopiedObject("self.Ref", state);
    state.add(copy);
    assertThat(json.format(copy)).isEqualTo("{\"$copy\":\"self.Ref\",\"state\":[{\"$cycle\":true}]}");
  }

  @Test
  void cyclesPrintAsCycleMarkersAndSharedValuesPrintInFull() {
    List<Object> cycle = new ArrayList<>();
    cycle.add(cycle);
    assertThat(json.format(cycle)).isEqualTo("[{\"$cycle\":true}]");
    Map<Object, Object> selfMap = new LinkedHashMap<>();
    selfMap.put("me", selfMap);
    assertThat(json.format(selfMap)).isEqualTo("{\"me\":{\"$cycle\":true}}");
    Object[] cell = new Object[1];
    Tuple tuple = Tuple.wrap(cell);
    cell[0] = list(tuple);
    assertThat(json.format(tuple)).isEqualTo("{\"$tuple\":[[{\"$cycle\":true}]]}");
    List<Object> shared = list(1L, 2L);
    assertThat(json.format(list(shared, shared))).isEqualTo("[[1,2],[1,2]]");
  }

  @Test
  void outputIsOneLine() {
    assertThat(json.format(map("a", list(1L, map("b", "x\ny")), "c", Tuple.of()))).doesNotContain("\n", " ");
  }

  @Test
  void everyMappingRowRoundTrips() {
    List<Object> values = list(null, true, false, 0L, -7L, Long.MAX_VALUE, TWO_100, TWO_100.negate(), 2.5,
        -0.0, 1e300, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, "", "h\u00e9llo",
        Bytes.ascii("hi"), Bytes.of(new byte[0]), list(), list(1L, list("a")), Tuple.of(), Tuple.of(1L, Tuple.of(2L)),
        new LinkedHashSet<>(List.of(1L, "a")), FrozenSet.of(Tuple.of(1L)), map(), map("a", 1L, "b", list()),
        map(Tuple.of(1L, 2L), "t", 3L, list()), map("$x", 1L), new BigDecimal("-1.50"), new BigDecimal("1E+3"),
        LocalDateTime.of(2024, 5, 1, 0, 0), LocalDate.of(1999, 12, 31), LocalTime.of(23, 59, 59, 999_999_000),
        Duration.ofDays(-1).plusSeconds(5), map("nested", list(Tuple.of(map(1L, FrozenSet.of())))));
    for (Object value : values) {
      String text = json.format(value);
      assertThat(json.parse(text)).as(text).isEqualTo(value);
      if (value != null) {
        assertThat(json.parse(text).getClass()).as(text).isEqualTo(value.getClass());
      }
    }
  }

  /** Enough of a reference to be printed. */
  private static final class FakeReference implements RemoteReference {
    @Override
    public CompletableFuture<Object> callRemote(String method, Object... args) {
      throw new UnsupportedOperationException();
    }

    @Override
    public <T> CompletableFuture<T> callRemote(Class<T> resultType, String method, Object... args) {
      throw new UnsupportedOperationException();
    }

    @Override
    public void callRemoteNoAnswer(String method, Object... args) {
      throw new UnsupportedOperationException();
    }

    @Override
    public RemoteReference withDeadline(java.time.Duration timeout) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Broker broker() {
      throw new UnsupportedOperationException();
    }

    @Override
    public void notifyOnDisconnect(Consumer<? super RemoteReference> callback) {}

    @Override
    public void dontNotifyOnDisconnect(Consumer<? super RemoteReference> callback) {}

    @Override
    public void close() {}
  }
}
