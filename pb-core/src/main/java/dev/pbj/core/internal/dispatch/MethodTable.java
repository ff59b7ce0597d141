package dev.pbj.core.internal.dispatch;

import dev.pbj.Remote;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The {@link Remote} methods of one class, found and bound once per class (a {@link ClassValue}), so a call costs
 * a map lookup and a method-handle invocation, never a reflective search. Overloads share a wire name and are told
 * apart by how many arguments they take.
 */
final class MethodTable {
  private static final ClassValue<MethodTable> TABLES = new ClassValue<>() {
    @Override
    protected MethodTable computeValue(Class<?> type) {
      return new MethodTable(type);
    }
  };

  private final Map<String, RemoteMethod[]> methods;

  private MethodTable(Class<?> type) {
    Map<String, List<RemoteMethod>> found = new HashMap<>();
    Set<String> signatures = new HashSet<>();
    collect(type, found, signatures, new HashSet<>());
    Map<String, RemoteMethod[]> table = new HashMap<>();
    found.forEach((name, list) -> {
      RemoteMethod[] overloads = list.toArray(new RemoteMethod[0]);
      Arrays.sort(overloads, Comparator.comparingInt(m -> m.wireArity));
      table.put(name, overloads);
    });
    this.methods = Map.copyOf(table);
  }

  static MethodTable of(Class<?> type) {
    return TABLES.get(type);
  }

  /** The overloads served under {@code wireName}, fewest arguments first, or null. */
  RemoteMethod[] lookup(String wireName) {
    return methods.get(wireName);
  }

  /** Walks classes before interfaces, subclasses before superclasses, so an override wins. */
  private static void collect(Class<?> type, Map<String, List<RemoteMethod>> found, Set<String> signatures,
      Set<Class<?>> visited) {
    if (type == null || type == Object.class || !visited.add(type)) {
      return;
    }
    for (Method method : type.getDeclaredMethods()) {
      Remote annotation = method.getAnnotation(Remote.class);
      if (annotation == null || method.isBridge() || method.isSynthetic()) {
        continue;
      }
      if (Modifier.isStatic(method.getModifiers())) {
        throw new IllegalArgumentException("@Remote method must not be static: " + method);
      }
      String signature = method.getName() + Arrays.toString(method.getParameterTypes());
      if (signatures.add(signature)) {
        RemoteMethod bound = new RemoteMethod(method, annotation);
        found.computeIfAbsent(bound.wireName, k -> new ArrayList<>()).add(bound);
      }
    }
    collect(type.getSuperclass(), found, signatures, visited);
    for (Class<?> iface : type.getInterfaces()) {
      collect(iface, found, signatures, visited);
    }
  }
}
