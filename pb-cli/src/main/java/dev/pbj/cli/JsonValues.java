package dev.pbj.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamWriteConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pbj.Bytes;
import dev.pbj.Cacheable;
import dev.pbj.CopiedObject;
import dev.pbj.Copyable;
import dev.pbj.FrozenSet;
import dev.pbj.RemoteReference;
import dev.pbj.Tuple;
import dev.pbj.Unpersistable;
import dev.pbj.cli.demo.RoomCache;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;

/**
 * Maps JSON to the values PB carries and back, for the command line: arguments are read with {@link #parse},
 * answers are printed with {@link #format}. JSON's own types map to their Python counterparts; everything else
 * is an object tagged by a single key that starts with {@code $}:
 *
 * <table>
 *   <caption>JSON ⇄ Java (Python)</caption>
 *   <tr><th>JSON</th><th>Java value</th><th>Python</th></tr>
 *   <tr><td>integer number</td><td>{@code Long}, or {@code BigInteger} beyond 64 bits</td><td>int</td></tr>
 *   <tr><td>number with a fraction or exponent</td><td>{@code Double}</td><td>float</td></tr>
 *   <tr><td>string</td><td>{@code String}</td><td>str</td></tr>
 *   <tr><td>{@code true} / {@code false}</td><td>{@code Boolean}</td><td>bool</td></tr>
 *   <tr><td>{@code null}</td><td>{@code null}</td><td>None</td></tr>
 *   <tr><td>array</td><td>{@code ArrayList}</td><td>list</td></tr>
 *   <tr><td>object (no key starts with {@code $})</td><td>{@code LinkedHashMap} with String keys</td><td>dict</td></tr>
 *   <tr><td>{@code {"$bytes": "<base64>"}}</td><td>{@link Bytes}</td><td>bytes</td></tr>
 *   <tr><td>{@code {"$tuple": [...]}}</td><td>{@link Tuple}</td><td>tuple</td></tr>
 *   <tr><td>{@code {"$set": [...]}}</td><td>{@code LinkedHashSet}</td><td>set</td></tr>
 *   <tr><td>{@code {"$frozenset": [...]}}</td><td>{@link FrozenSet}</td><td>frozenset</td></tr>
 *   <tr><td>{@code {"$float": "nan" | "inf" | "-inf"}}</td><td>{@code Double}</td><td>float</td></tr>
 *   <tr><td>{@code {"$dict": [[k, v], ...]}}</td><td>{@code LinkedHashMap}, any keys</td><td>dict</td></tr>
 *   <tr><td>{@code {"$decimal": "9.95"}}</td><td>{@code BigDecimal}</td><td>decimal.Decimal</td></tr>
 *   <tr><td>{@code {"$datetime": "2024-05-01T12:30:00"}}</td><td>{@code LocalDateTime}</td><td>datetime</td></tr>
 *   <tr><td>{@code {"$date": "2024-05-01"}}</td><td>{@code LocalDate}</td><td>date</td></tr>
 *   <tr><td>{@code {"$time": "12:30:00"}}</td><td>{@code LocalTime}</td><td>time</td></tr>
 *   <tr><td>{@code {"$timedelta": "PT1H30M"}}</td><td>{@code Duration}</td><td>timedelta</td></tr>
 *   <tr><td>{@code {"$remote": N}} (output only)</td><td>{@link RemoteReference}</td><td>RemoteReference</td></tr>
 *   <tr><td>{@code {"$copy": "type.name", "state": ...}}</td><td>in: a {@link CopiedObject}; out: any
 *       {@link Copyable} or {@link CopiedObject}</td><td>Copyable / RemoteCopy</td></tr>
 *   <tr><td>{@code {"$cache": "type.name", "state": ...}} (output only)</td><td>a {@link RoomCache}: its state
 *       now</td><td>RemoteCache</td></tr>
 *   <tr><td>{@code {"$unpersistable": "reason"}} (output only)</td><td>{@link Unpersistable}</td>
 *       <td>Unpersistable</td></tr>
 *   <tr><td>{@code {"$cycle": true}} (output only)</td><td>a container met again inside itself</td><td></td></tr>
 * </table>
 *
 * <p>Output is compact, single-line JSON. A dictionary prints as a JSON object when every key is a string and
 * none starts with {@code $}; otherwise as {@code $dict}, so that printing and parsing again gives the same value.
 * {@code N} in {@code $remote} numbers the distinct references of one printed value, 1 first. A container that
 * contains itself prints as {@code {"$cycle": true}} where it recurs; a container shared by two places prints in
 * both. Floats always print with a fraction or an exponent ({@code 3.0}), so they parse back as floats.
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class JsonValues {
  private static final JsonValues STANDARD = new JsonValues(value -> null);
  private static final String COPY_STATE = "state";
  /** Answers may nest as deep as {@code Limits.maxDepth()} (1000), and tags add a level each. */
  private static final int MAX_NESTING = 4000;
  private static final ObjectMapper MAPPER = new ObjectMapper(JsonFactory.builder()
      .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_NESTING).build())
      .streamWriteConstraints(StreamWriteConstraints.builder().maxNestingDepth(MAX_NESTING).build())
      .build())
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private final Function<Object, ? extends ObjectState> describer;

  /**
   * A mapping that also describes values of the application's own classes with {@code describer}: it returns a
   * {@link CopiedState} or {@link CachedState} for a value it knows, or {@code null}. It is asked before the
   * standard descriptions ({@link Copyable}, {@link CopiedObject}, {@link RoomCache}).
   */
  public JsonValues(Function<Object, ? extends ObjectState> describer) {
    this.describer = Objects.requireNonNull(describer, "describer");
  }

  /**
   * The mapping the command uses: a {@link Copyable} prints as {@code $copy} with its {@link Copyable#typeToCopy()}
   * and {@link Copyable#getStateToCopy()}, a {@link CopiedObject} as {@code $copy} with what it carries, a
   * {@link RoomCache} as {@code $cache} with its state now.
   */
  public static JsonValues standard() {
    return STANDARD;
  }

  /** How {@link #format} prints an object that is neither JSON nor a PB value: a type name and a state. */
  public sealed interface ObjectState permits CopiedState, CachedState {
    /** The type name on the wire, e.g. {@code pbj.demo.Point}. */
    String className();

    /** The state, printed with the same mapping. */
    Object state();
  }

  /**
   * A copy as {@link #format} prints it: {@code {"$copy": className, "state": state}}.
   *
   * @param className the copy's type name on the wire, e.g. {@code pbj.demo.Point}
   * @param state its state, printed with the same mapping
   */
  public record CopiedState(String className, Object state) implements ObjectState {
    public CopiedState {
      Objects.requireNonNull(className, "className");
    }
  }

  /**
   * A replica of a peer's cacheable as {@link #format} prints it: {@code {"$cache": className, "state": state}}.
   *
   * @param className the cacheable's type name on the wire, e.g. {@code pbj.demo.Room}
   * @param state the replica's state now, printed with the same mapping
   */
  public record CachedState(String className, Object state) implements ObjectState {
    public CachedState {
      Objects.requireNonNull(className, "className");
    }
  }

  private ObjectState describe(Object value) {
    ObjectState described = describer.apply(value);
    if (described != null) {
      return described;
    }
    if (value instanceof CopiedObject) {
      CopiedObject copy = (CopiedObject) value;
      return new CopiedState(copy.typeName(), copy.state());
    }
    if (value instanceof Copyable && !(value instanceof Cacheable)) {
      Copyable copyable = (Copyable) value;
      return new CopiedState(copyable.typeToCopy(), copyable.getStateToCopy());
    }
    if (value instanceof RoomCache) {
      return new CachedState(dev.pbj.cli.demo.Room.TYPE, ((RoomCache) value).state());
    }
    return null;
  }

  // ---------------------------------------------------------------------------------------------------------
  // JSON → value

  /**
   * Parses one JSON text into the value to send.
   *
   * @throws IllegalArgumentException if {@code json} is not a single JSON value, or a tagged object is malformed;
   *     the message says where
   */
  public Object parse(String json) {
    JsonNode node;
    try {
      node = MAPPER.readTree(json);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("not JSON: " + e.getOriginalMessage(), e);
    }
    if (node == null || node.isMissingNode()) {
      throw new IllegalArgumentException("not JSON: no value");
    }
    return fromTree(node);
  }

  /** Converts a JSON tree into the value to send; see {@link #parse}. */
  public Object fromTree(JsonNode node) {
    return read(node, "$");
  }

  private Object read(JsonNode node, String path) {
    switch (node.getNodeType()) {
      case NULL:
        return null;
      case BOOLEAN:
        return node.booleanValue();
      case STRING:
        return node.textValue();
      case NUMBER:
        if (node.isIntegralNumber()) {
          return narrow(node.bigIntegerValue());
        }
        return node.doubleValue();
      case ARRAY:
        return readElements(node, path);
      case OBJECT:
        return readObject(node, path);
      default:
        throw new IllegalArgumentException(path + ": unsupported JSON node " + node.getNodeType());
    }
  }

  private ArrayList<Object> readElements(JsonNode array, String path) {
    ArrayList<Object> list = new ArrayList<>(array.size());
    for (int i = 0; i < array.size(); i++) {
      list.add(read(array.get(i), path + "[" + i + "]"));
    }
    return list;
  }

  private Object readObject(JsonNode object, String path) {
    String tag = null;
    for (Iterator<String> names = object.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (name.startsWith("$")) {
        tag = name;
        break;
      }
    }
    if (tag == null) {
      LinkedHashMap<Object, Object> map = new LinkedHashMap<>();
      object.properties().forEach(e -> map.put(e.getKey(), read(e.getValue(), path + "." + e.getKey())));
      return map;
    }
    if (tag.equals("$copy")) {
      return readCopy(object, path);
    }
    if (object.size() != 1) {
      throw new IllegalArgumentException(path + ": an object with a key starting with '$' is a tagged value and "
          + "has that key alone; to send such a dictionary, write {\"$dict\": [[\"" + tag + "\", ...], ...]}");
    }
    return readTagged(tag, object.get(tag), path + "." + tag);
  }

  /** {@code {"$copy": "type.name", "state": ...}}: a copy of that type, sent as it is. */
  private CopiedObject readCopy(JsonNode object, String path) {
    if (object.size() != 2 || !object.has(COPY_STATE)) {
      throw new IllegalArgumentException(path + ": $copy takes exactly one other key, \"state\", as in "
          + "{\"$copy\": \"pbj.demo.Point\", \"state\": {\"x\": 1, \"y\": 2}}");
    }
    String typeName = text(object.get("$copy"), path + ".$copy", "a type name");
    if (typeName.isEmpty()) {
      throw new IllegalArgumentException(path + ".$copy: expected a type name: got \"\"");
    }
    return new CopiedObject(typeName, read(object.get(COPY_STATE), path + "." + COPY_STATE));
  }

  private Object readTagged(String tag, JsonNode body, String path) {
    switch (tag) {
      case "$bytes":
        String base64 = text(body, path, "a base64 string");
        try {
          return Bytes.wrap(Base64.getDecoder().decode(base64));
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException(path + ": not base64: " + e.getMessage(), e);
        }
      case "$tuple":
        return Tuple.copyOf(readElements(array(body, path), path));
      case "$set":
        return new LinkedHashSet<>(readElements(array(body, path), path));
      case "$frozenset":
        return FrozenSet.copyOf(readElements(array(body, path), path));
      case "$float":
        return readFloat(body, path);
      case "$dict":
        return readDict(array(body, path), path);
      case "$decimal":
        String decimal = text(body, path, "a decimal number as a string");
        try {
          return new BigDecimal(decimal);
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException(path + ": not a decimal number: " + body, e);
        }
      case "$datetime":
        return readTime(body, path, LocalDateTime::parse, "an ISO date-time such as 2024-05-01T12:30:00");
      case "$date":
        return readTime(body, path, LocalDate::parse, "an ISO date such as 2024-05-01");
      case "$time":
        return readTime(body, path, LocalTime::parse, "an ISO time such as 12:30:00");
      case "$timedelta":
        return readTime(body, path, Duration::parse, "an ISO duration such as PT1H30M");
      case "$remote":
      case "$cache":
      case "$unpersistable":
      case "$cycle":
        throw new IllegalArgumentException(path + ": " + tag + " is printed in answers but cannot be sent");
      default:
        throw new IllegalArgumentException(path + ": unknown tag " + tag + "; known: $bytes, $tuple, $set, "
            + "$frozenset, $float, $dict, $decimal, $datetime, $date, $time, $timedelta, $copy");
    }
  }

  private static Double readFloat(JsonNode body, String path) {
    if (body.isNumber()) {
      return body.doubleValue();
    }
    switch (text(body, path, "\"nan\", \"inf\", \"-inf\" or a number").toLowerCase(Locale.ROOT)) {
      case "nan":
        return Double.NaN;
      case "inf":
      case "+inf":
      case "infinity":
        return Double.POSITIVE_INFINITY;
      case "-inf":
      case "-infinity":
        return Double.NEGATIVE_INFINITY;
      default:
        throw new IllegalArgumentException(path + ": expected \"nan\", \"inf\" or \"-inf\": got " + body);
    }
  }

  private LinkedHashMap<Object, Object> readDict(JsonNode pairs, String path) {
    LinkedHashMap<Object, Object> map = new LinkedHashMap<>();
    for (int i = 0; i < pairs.size(); i++) {
      JsonNode pair = pairs.get(i);
      String at = path + "[" + i + "]";
      if (!pair.isArray() || pair.size() != 2) {
        throw new IllegalArgumentException(at + ": expected a [key, value] pair: got " + pair);
      }
      map.put(read(pair.get(0), at + "[0]"), read(pair.get(1), at + "[1]"));
    }
    return map;
  }

  private static Object readTime(JsonNode body, String path, Function<String, Object> parser, String expected) {
    String text = text(body, path, expected);
    try {
      return parser.apply(text);
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(path + ": expected " + expected + ": got \"" + text + "\"", e);
    }
  }

  private static String text(JsonNode body, String path, String expected) {
    if (!body.isTextual()) {
      throw new IllegalArgumentException(path + ": expected " + expected + ": got " + body);
    }
    return body.textValue();
  }

  private static JsonNode array(JsonNode body, String path) {
    if (!body.isArray()) {
      throw new IllegalArgumentException(path + ": expected an array: got " + body);
    }
    return body;
  }

  private static Object narrow(BigInteger n) {
    return n.bitLength() < 64 ? (Object) n.longValue() : n;
  }

  // ---------------------------------------------------------------------------------------------------------
  // value → JSON

  /** The value as one line of compact JSON. */
  public String format(Object value) {
    try {
      return MAPPER.writeValueAsString(toTree(value));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write a JSON tree", e); // a tree always writes
    }
  }

  /** The value as a JSON tree; see the class comment for the mapping. */
  public JsonNode toTree(Object value) {
    return new Writer().write(value);
  }

  /** The state of one {@link #toTree} call: the containers being written, and the references numbered. */
  private final class Writer {
    private final Set<Object> path = Collections.newSetFromMap(new IdentityHashMap<>());
    private final Map<RemoteReference, Integer> references = new HashMap<>();

    JsonNode write(Object value) {
      if (value == null) {
        return NODES.nullNode();
      } else if (value instanceof String) {
        return NODES.textNode((String) value);
      } else if (value instanceof Boolean) {
        return NODES.booleanNode((Boolean) value);
      } else if (value instanceof Long || value instanceof Integer || value instanceof Short
          || value instanceof Byte) {
        return NODES.numberNode(((Number) value).longValue());
      } else if (value instanceof BigInteger) {
        return NODES.numberNode((BigInteger) value);
      } else if (value instanceof Double || value instanceof Float) {
        return writeFloat(((Number) value).doubleValue());
      } else if (value instanceof Character) {
        return NODES.textNode(value.toString());
      } else if (value instanceof Bytes) {
        return tagged("$bytes", NODES.textNode(Base64.getEncoder().encodeToString(((Bytes) value).toByteArray())));
      } else if (value instanceof byte[]) {
        return tagged("$bytes", NODES.textNode(Base64.getEncoder().encodeToString((byte[]) value)));
      } else if (value instanceof BigDecimal) {
        return tagged("$decimal", NODES.textNode(value.toString()));
      } else if (value instanceof LocalDateTime) {
        return tagged("$datetime", NODES.textNode(value.toString()));
      } else if (value instanceof LocalDate) {
        return tagged("$date", NODES.textNode(value.toString()));
      } else if (value instanceof LocalTime) {
        return tagged("$time", NODES.textNode(value.toString()));
      } else if (value instanceof Duration) {
        return tagged("$timedelta", NODES.textNode(value.toString()));
      } else if (value instanceof Unpersistable) {
        return tagged("$unpersistable", NODES.textNode(((Unpersistable) value).reason()));
      } else if (value instanceof RemoteReference) {
        int n = references.computeIfAbsent((RemoteReference) value, r -> references.size() + 1);
        return tagged("$remote", NODES.numberNode(n));
      }
      ObjectState described = describe(value);
      if (described != null || isContainer(value)) {
        if (!path.add(value)) {
          return tagged("$cycle", NODES.booleanNode(true));
        }
        try {
          return described != null ? writeDescribed(described) : writeContainer(value);
        } finally {
          path.remove(value);
        }
      }
      // Not a PB value; shown rather than failing the whole answer.
      ObjectNode node = NODES.objectNode();
      node.put("$java", value.getClass().getName());
      node.put("repr", value.toString());
      return node;
    }

    private JsonNode writeDescribed(ObjectState described) {
      ObjectNode node = NODES.objectNode();
      node.put(described instanceof CachedState ? "$cache" : "$copy", described.className());
      node.set(COPY_STATE, write(described.state()));
      return node;
    }

    private JsonNode writeContainer(Object value) {
      if (value instanceof Tuple) {
        return tagged("$tuple", writeElements((Tuple) value));
      } else if (value instanceof List) {
        return writeElements((List<?>) value);
      } else if (value instanceof Object[]) {
        return writeElements(java.util.Arrays.asList((Object[]) value));
      } else if (value instanceof FrozenSet) {
        return tagged("$frozenset", writeElements((FrozenSet) value));
      } else if (value instanceof Set) {
        return tagged("$set", writeElements((Set<?>) value));
      }
      Map<?, ?> map = (Map<?, ?>) value;
      if (map.keySet().stream().allMatch(k -> k instanceof String && !((String) k).startsWith("$"))) {
        ObjectNode node = NODES.objectNode();
        map.forEach((k, v) -> node.set((String) k, write(v)));
        return node;
      }
      ArrayNode pairs = NODES.arrayNode(map.size());
      map.forEach((k, v) -> pairs.add(NODES.arrayNode(2).add(write(k)).add(write(v))));
      return tagged("$dict", pairs);
    }

    private ArrayNode writeElements(Collection<?> elements) {
      ArrayNode array = NODES.arrayNode(elements.size());
      for (Object element : elements) {
        array.add(write(element));
      }
      return array;
    }

    private JsonNode writeFloat(double d) {
      if (Double.isNaN(d)) {
        return tagged("$float", NODES.textNode("nan"));
      } else if (Double.isInfinite(d)) {
        return tagged("$float", NODES.textNode(d > 0 ? "inf" : "-inf"));
      }
      return NODES.numberNode(d);
    }
  }

  private static boolean isContainer(Object value) {
    return value instanceof Collection || value instanceof Map || value instanceof Object[];
  }

  private static ObjectNode tagged(String tag, JsonNode body) {
    ObjectNode node = NODES.objectNode();
    node.set(tag, body);
    return node;
  }
}
