package dev.pbj;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.RecordComponent;
import java.util.LinkedHashMap;
import java.util.Map;

/** Reads a record's components through accessors bound once per class, for {@link Copyable#recordState}. */
final class RecordStates {
  private static final ClassValue<Accessors> ACCESSORS = new ClassValue<>() {
    @Override
    protected Accessors computeValue(Class<?> type) {
      return new Accessors(type);
    }
  };

  private RecordStates() {}

  static Map<String, Object> of(Record record) {
    return ACCESSORS.get(record.getClass()).read(record);
  }

  private static final class Accessors {
    private final String[] names;
    private final MethodHandle[] getters;

    Accessors(Class<?> type) {
      RecordComponent[] components = type.getRecordComponents();
      names = new String[components.length];
      getters = new MethodHandle[components.length];
      MethodType generic = MethodType.methodType(Object.class, Object.class);
      for (int i = 0; i < components.length; i++) {
        names[i] = components[i].getName();
        try {
          java.lang.reflect.Method accessor = components[i].getAccessor();
          accessor.setAccessible(true);
          getters[i] = MethodHandles.lookup().unreflect(accessor).asType(generic);
        } catch (ReflectiveOperationException | RuntimeException e) {
          throw new IllegalStateException("cannot read record component " + components[i] + " of " + type, e);
        }
      }
    }

    Map<String, Object> read(Object record) {
      Map<String, Object> state = new LinkedHashMap<>(names.length * 2);
      for (int i = 0; i < names.length; i++) {
        try {
          state.put(names[i], (Object) getters[i].invokeExact(record));
        } catch (RuntimeException | Error e) {
          throw e;
        } catch (Throwable e) {
          throw new IllegalStateException("record accessor " + names[i] + " failed", e);
        }
      }
      return state;
    }
  }
}
