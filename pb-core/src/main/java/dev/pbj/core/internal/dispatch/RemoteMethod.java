package dev.pbj.core.internal.dispatch;

import dev.pbj.Broker;
import dev.pbj.CallContext;
import dev.pbj.Remote;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Method;
import java.lang.reflect.Parameter;

/**
 * One {@link Remote} method bound once: a method handle taking {@code (target, Object[] args)}, the parameter
 * names keyword arguments match, and which parameters (if any) receive the calling {@link Broker} and the
 * {@link CallContext} instead of wire arguments.
 */
public final class RemoteMethod {
  private static final MethodType INVOKER_TYPE = MethodType.methodType(Object.class, Object.class, Object[].class);

  final String wireName;
  public final String javaName;
  public final boolean nonBlocking;
  /** Parameter types in declaration order. */
  final Class<?>[] types;
  final String[] names;
  /** Index of the {@code Broker} parameter, or -1. */
  final int brokerIndex;
  /** Index of the {@code CallContext} parameter, or -1. */
  final int contextIndex;
  /** 0 when a {@link dev.pbj.Viewable}'s method takes the calling avatar first, else -1. */
  final int perspectiveIndex;
  /** Number of arguments that come from the wire. */
  final int wireArity;
  private final MethodHandle invoker;

  RemoteMethod(Method method, Remote annotation) {
    this.javaName = method.getName();
    this.wireName = annotation.value().isEmpty() ? method.getName() : annotation.value();
    this.nonBlocking = annotation.nonBlocking();
    Parameter[] parameters = method.getParameters();
    this.types = method.getParameterTypes();
    this.names = new String[parameters.length];
    int broker = -1;
    int context = -1;
    for (int i = 0; i < parameters.length; i++) {
      names[i] = parameters[i].isNamePresent() ? parameters[i].getName() : null;
      if (types[i] == Broker.class) {
        broker = i;
      } else if (types[i] == CallContext.class) {
        context = i;
      }
    }
    this.brokerIndex = broker;
    this.contextIndex = context;
    this.perspectiveIndex = dev.pbj.Viewable.class.isAssignableFrom(method.getDeclaringClass())
        && types.length > 0 && dev.pbj.Avatar.class.isAssignableFrom(types[0]) ? 0 : -1;
    this.wireArity = parameters.length - (broker >= 0 ? 1 : 0) - (context >= 0 ? 1 : 0)
        - (perspectiveIndex >= 0 ? 1 : 0);
    try {
      method.setAccessible(true);
      this.invoker = MethodHandles.lookup().unreflect(method)
          .asSpreader(Object[].class, parameters.length)
          .asType(INVOKER_TYPE);
    } catch (ReflectiveOperationException | RuntimeException e) {
      throw new IllegalArgumentException("cannot bind remote method " + method + ": " + e, e);
    }
  }

  /** Whether parameter {@code index} is filled by PBJ rather than from the wire. */
  boolean isInjected(int index) {
    return index == brokerIndex || index == contextIndex || index == perspectiveIndex;
  }

  Object invoke(Object target, Object[] arguments) throws Throwable {
    return (Object) invoker.invokeExact(target, arguments);
  }

  @Override
  public String toString() {
    return wireName + "/" + wireArity;
  }
}
