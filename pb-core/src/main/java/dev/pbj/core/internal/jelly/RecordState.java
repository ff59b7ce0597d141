package dev.pbj.core.internal.jelly;

/**
 * A registered record's state as its copy's dictionary arrives, one slot per component: what the unjellier gathers
 * in place of a map when the copy's type is a record. As in a dictionary, a later item replaces an earlier one, a
 * component named by text wins over the same name as bytes, and items naming no component are left out (a record
 * built from a map ignores them too).
 */
public final class RecordState {
  private final RecordShape shape;
  private final Object[] values;
  private final boolean[] byText;

  RecordState(RecordShape shape, int components) {
    this.shape = shape;
    this.values = new Object[components];
    this.byText = new boolean[components];
  }

  /** One dictionary item. */
  void put(Object key, Object value) {
    Integer index = shape.indexOf(key);
    if (index == null) {
      return;
    }
    if (index >= 0) {
      values[index] = value;
      byText[index] = true;
    } else if (!byText[-1 - index]) {
      values[-1 - index] = value;
    }
  }

  RecordShape shape() {
    return shape;
  }

  Object value(int component) {
    return values[component];
  }

  @Override
  public String toString() {
    return "the state of a " + shape.typeName();
  }
}
