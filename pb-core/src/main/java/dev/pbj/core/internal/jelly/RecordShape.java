package dev.pbj.core.internal.jelly;

import dev.pbj.Bytes;
import dev.pbj.InsecureJellyException;
import dev.pbj.core.internal.dispatch.Coercion;
import java.lang.reflect.Constructor;
import java.lang.reflect.RecordComponent;
import java.util.HashMap;
import java.util.Map;

/**
 * How a registered record is built from a received copy's state: its components by name (a peer may name them with
 * text or byte strings), their types and the canonical constructor. The state arrives either as a dictionary or,
 * when the unjellier knew the type before the state began, gathered straight into a {@link RecordState}: no map
 * of its own on the way.
 */
public final class RecordShape {
  private final String typeName;
  private final Class<?> type;
  private final String[] names;
  private final Bytes[] byteNames;
  private final Class<?>[] types;
  private final Constructor<?> constructor;
  /** Component index by name, text and bytes alike; a byte name's index is stored as {@code -1 - index}. */
  private final Map<Object, Integer> indexes = new HashMap<>();

  /** @throws IllegalArgumentException when {@code type} has no canonical constructor this code may call */
  public RecordShape(String typeName, Class<?> type) {
    this.typeName = typeName;
    this.type = type;
    RecordComponent[] components = type.getRecordComponents();
    names = new String[components.length];
    byteNames = new Bytes[components.length];
    types = new Class<?>[components.length];
    for (int i = 0; i < components.length; i++) {
      types[i] = components[i].getType();
      names[i] = components[i].getName();
      byteNames[i] = Bytes.ascii(names[i]);
      indexes.put(names[i], i);
      indexes.put(byteNames[i], -1 - i);
    }
    try {
      constructor = type.getDeclaredConstructor(types);
      constructor.setAccessible(true);
    } catch (ReflectiveOperationException e) {
      throw new IllegalArgumentException("no canonical constructor in " + type.getName(), e);
    }
  }

  /** An empty state to gather a copy's dictionary into. */
  public RecordState newState() {
    return new RecordState(this, names.length);
  }

  /** The index {@code key} names, as {@link #indexes} keeps it, or null: a key no component has (ignored). */
  Integer indexOf(Object key) {
    return key instanceof String || key instanceof Bytes ? indexes.get(key) : null;
  }

  /** Builds the record from {@code state}: a dictionary, or the {@link RecordState} of this shape. */
  public Object build(Object state) {
    Object[] args = new Object[names.length];
    if (state instanceof RecordState gathered && gathered.shape() == this) {
      for (int i = 0; i < args.length; i++) {
        args[i] = convert(i, gathered.value(i));
      }
    } else if (state instanceof Map<?, ?> map) {
      for (int i = 0; i < args.length; i++) {
        Object value = map.get(names[i]);
        if (value == null && !map.containsKey(names[i])) {
          value = map.get(byteNames[i]);
        }
        args[i] = convert(i, value);
      }
    } else {
      throw new InsecureJellyException(typeName, "state of " + typeName + " must be a dictionary: got "
          + (state == null ? "None" : state.getClass().getSimpleName()));
    }
    try {
      return constructor.newInstance(args);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("cannot build " + type.getName() + " for " + typeName, e);
    }
  }

  private Object convert(int i, Object value) {
    Object converted = Coercion.coerce(value, types[i]);
    if (converted == Coercion.NO_MATCH) {
      throw new InsecureJellyException(typeName, typeName + "." + names[i] + " must be "
          + types[i].getSimpleName() + ": got " + (value == null ? "None" : value.getClass().getSimpleName()));
    }
    return converted;
  }

  String typeName() {
    return typeName;
  }
}
