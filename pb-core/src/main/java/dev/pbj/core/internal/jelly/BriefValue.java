package dev.pbj.core.internal.jelly;

import dev.pbj.Bytes;
import dev.pbj.Tuple;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** How errors and logs quote a value a peer sent: boundedly, whatever its shape. */
public final class BriefValue {
  private BriefValue() {}

  /**
   * A received value as an error message quotes it: atoms as they are (long ones cut), containers by kind and size.
   * Never the container's own {@code toString}, which walks Jelly's shared parts as a tree (exponential for a
   * sharing bomb: found by pb-fuzz) and a cycle through a list forever.
   */
  public static String of(Object value) {
    if (value == null) {
      return "None";
    }
    if (value instanceof Tuple) {
      return "a tuple of " + ((Tuple) value).size() + " elements";
    }
    if (value instanceof List) {
      return "a list of " + ((List<?>) value).size() + " elements";
    }
    if (value instanceof Map) {
      return "a dictionary of " + ((Map<?, ?>) value).size() + " items";
    }
    if (value instanceof Set) {
      return "a set of " + ((Set<?>) value).size() + " elements";
    }
    if (value instanceof String || value instanceof Bytes || value instanceof Number || value instanceof Boolean) {
      String text = value instanceof String ? "'" + value + "'" : value.toString();
      return text.length() <= 64 ? text : text.substring(0, 60) + "…";
    }
    return "a " + value.getClass().getSimpleName();
  }
}
