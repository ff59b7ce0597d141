package dev.pbj;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Keyword arguments of a remote call. Passed as the last argument of
 * {@link RemoteReference#callRemote(String, Object...)}: {@code ref.callRemote("counter", Kwargs.of("start", 5))}.
 * Immutable; iteration follows insertion order.
 */
public final class Kwargs {
  private static final Kwargs EMPTY = new Kwargs(Map.of());
  private final Map<String, Object> values;

  private Kwargs(Map<String, Object> values) {
    this.values = values;
  }

  /** No keyword arguments. */
  public static Kwargs empty() {
    return EMPTY;
  }

  /** One keyword argument. */
  public static Kwargs of(String name, Object value) {
    return builder().put(name, value).build();
  }

  /** Two keyword arguments. */
  public static Kwargs of(String name1, Object value1, String name2, Object value2) {
    return builder().put(name1, value1).put(name2, value2).build();
  }

  /** A copy of {@code map}, keeping its iteration order. */
  public static Kwargs of(Map<String, ?> map) {
    Builder builder = builder();
    map.forEach(builder::put);
    return builder.build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The arguments by name, unmodifiable, in insertion order. */
  public Map<String, Object> asMap() {
    return values;
  }

  public boolean isEmpty() {
    return values.isEmpty();
  }

  /** Equal values by name; linear in the distinct parts compared, and it ends on values that contain themselves. */
  @Override
  public boolean equals(Object o) {
    return o == this || (o instanceof Kwargs k && ValueEquality.equal(this, k));
  }

  /** Bounded as {@link Tuple#hashCode()} is. */
  @Override
  public int hashCode() {
    return ValueHash.of(this);
  }

  /** <code>Kwargs{start=5}</code>, bounded as {@link Tuple#toString()} is. */
  @Override
  public String toString() {
    return ValueRepr.of(this);
  }

  /** Collects keyword arguments in order; a name given twice keeps the last value. */
  public static final class Builder {
    private final LinkedHashMap<String, Object> values = new LinkedHashMap<>();

    private Builder() {}

    public Builder put(String name, Object value) {
      values.put(Objects.requireNonNull(name, "name"), value);
      return this;
    }

    public Kwargs build() {
      return values.isEmpty() ? EMPTY : new Kwargs(Collections.unmodifiableMap(new LinkedHashMap<>(values)));
    }
  }
}
