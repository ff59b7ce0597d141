package dev.pbj.bench.codec;

import dev.pbj.Bytes;
import dev.pbj.Copyable;
import dev.pbj.core.CopyRegistry;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The representative PB messages the codec benchmarks encode and decode, each as the broker puts it on the wire:
 * a call {@code (message id "root" method 1 (tuple args…) (dictionary))} or an answer {@code (answer id value)}.
 */
public enum Message {
  /** {@code echo("hello")} as a caller sends it. */
  SMALL_CALL("small call: echo(\"hello\")", Kind.CALL, "hello"),
  /** The answer carrying a copy of a 10-field record. */
  COPY10_ANSWER("answer: a 10-field copy", Kind.ANSWER, Record10.sample()),
  /** The answer carrying a list of 1,000 mixed values. */
  MIXED_LIST_1000("answer: list of 1,000 mixed values", Kind.ANSWER, mixedList(1000)),
  /** The answer carrying dictionaries nested 64 deep. */
  NESTED_64("answer: dictionaries nested 64 deep", Kind.ANSWER, nested(64)),
  /** The answer carrying a 64 KiB byte string. */
  BYTES_64K("answer: 64 KiB byte string", Kind.ANSWER, Bytes.wrap(bytes(64 * 1024)));

  /** A call or an answer. */
  public enum Kind { CALL, ANSWER }

  /** The copy type name of {@link Record10} on the wire. */
  public static final String RECORD10_TYPE = "pbj.bench.Record10";

  /** What a receiver registers to build {@link Record10} copies. */
  public static final CopyRegistry COPIES = CopyRegistry.builder().register(RECORD10_TYPE, Record10.class).build();

  private final String description;
  private final Kind kind;
  private final Object value;

  Message(String description, Kind kind, Object value) {
    this.description = description;
    this.kind = kind;
    this.value = value;
  }

  public String description() {
    return description;
  }

  public Kind kind() {
    return kind;
  }

  /** The call's single argument, or the answer's value. Shared: never mutate it. */
  public Object value() {
    return value;
  }

  /** The remote method name a call goes to. */
  public String method() {
    return "echo";
  }

  /** A copy with ten fields of the usual kinds, as an application would send a small domain object. */
  public record Record10(long id, String name, String email, long age, double score, boolean active,
      List<String> tags, long created, double balance, String note) implements Copyable {

    @Override
    public String typeToCopy() {
      return RECORD10_TYPE;
    }

    static Record10 sample() {
      return new Record10(4_711L, "Ada Lovelace", "ada@example.org", 36, 98.5, true,
          List.of("math", "engines", "poetry"), 1_700_000_000_000L, 1234.56, "first programmer");
    }
  }

  static List<Object> mixedList(int size) {
    List<Object> list = new ArrayList<>(size);
    for (int i = 0; i < size; i++) {
      switch (i % 8) {
        case 0 -> list.add((long) i);
        case 1 -> list.add(i * 1_000_003L * 1_000_003L); // beyond 32 bits
        case 2 -> list.add(i + 0.25);
        case 3 -> list.add("item-" + i);
        case 4 -> list.add(i % 16 == 4);
        case 5 -> list.add(null);
        case 6 -> list.add(Bytes.wrap(bytes(8)));
        default -> list.add("ünïcødé-" + i);
      }
    }
    return list;
  }

  static Map<String, Object> nested(int depth) {
    Map<String, Object> node = new LinkedHashMap<>();
    node.put("depth", (long) depth);
    node.put("leaf", true);
    for (int level = depth - 1; level >= 0; level--) {
      Map<String, Object> parent = new LinkedHashMap<>();
      parent.put("depth", (long) level);
      parent.put("name", "node-" + level);
      parent.put("child", node);
      node = parent;
    }
    return node;
  }

  static byte[] bytes(int size) {
    byte[] bytes = new byte[size];
    for (int i = 0; i < size; i++) {
      bytes[i] = (byte) (i * 31 + 7);
    }
    return bytes;
  }
}
