package dev.pbj.core.internal.dispatch;

import dev.pbj.Broker;
import dev.pbj.CallContext;
import dev.pbj.core.internal.calls.Failures.PythonError;
import java.util.List;
import java.util.Map;

/**
 * Matches a received call to one of the target's {@link dev.pbj.Remote} methods and binds its arguments:
 * positional first, then keyword arguments by parameter name, each coerced to the declared type. Mismatches are
 * reported the way Python reports them ({@code TypeError}), so a Twisted caller can trap them.
 */
public final class Dispatcher {
  private Dispatcher() {}

  /** A method with its bound arguments, ready to run. */
  public record Invocation(Object target, RemoteMethod method, Object[] arguments) {
    public Object invoke() throws Throwable {
      return method.invoke(target, arguments);
    }
  }

  /**
   * @param context given to a {@link CallContext} parameter
   * @param viewer the avatar a view point was exported for; given to a {@link dev.pbj.Viewable}'s methods first
   */
  public static Invocation resolve(Object target, String name, List<?> args, Map<String, Object> kwargs, Broker broker,
      CallContext context, dev.pbj.Avatar viewer) {
    RemoteMethod[] overloads = MethodTable.of(target.getClass()).lookup(name);
    if (overloads == null) {
      if (target instanceof Delegating && ((Delegating) target).delegate() != null) {
        return resolve(((Delegating) target).delegate(), name, args, kwargs, broker, context, viewer);
      }
      throw PythonError.noSuchMethod(name);
    }
    int given = args.size() + kwargs.size();
    RuntimeException firstError = null;
    for (RemoteMethod method : overloads) {
      if (method.wireArity != given) {
        continue;
      }
      try {
        return new Invocation(target, method, bind(method, args, kwargs, broker, context, viewer));
      } catch (PythonError e) {
        if (firstError == null) {
          firstError = e;
        }
      }
    }
    if (firstError != null) {
      throw firstError;
    }
    throw PythonError.typeError(name + "() takes " + arities(overloads) + " argument(s) but " + given
        + " were given");
  }

  private static String arities(RemoteMethod[] overloads) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < overloads.length; i++) {
      if (i > 0) {
        sb.append(i == overloads.length - 1 ? " or " : ", ");
      }
      sb.append(overloads[i].wireArity);
    }
    return sb.toString();
  }

  private static Object[] bind(RemoteMethod method, List<?> args, Map<String, Object> kwargs, Broker broker,
      CallContext context, dev.pbj.Avatar viewer) {
    Object[] bound = new Object[method.types.length];
    boolean[] filled = new boolean[bound.length];
    int next = 0;
    for (Object arg : args) {
      while (method.isInjected(next)) {
        next++;
      }
      bound[next] = coerce(method, next, arg);
      filled[next++] = true;
    }
    for (Map.Entry<String, Object> kw : kwargs.entrySet()) {
      int index = indexOf(method, kw.getKey());
      if (index < 0) {
        throw PythonError.typeError(method.wireName + "() got an unexpected keyword argument '"
            + kw.getKey() + "'");
      }
      if (filled[index]) {
        throw PythonError.typeError(method.wireName + "() got multiple values for argument '"
            + kw.getKey() + "'");
      }
      bound[index] = coerce(method, index, kw.getValue());
      filled[index] = true;
    }
    if (method.brokerIndex >= 0) {
      bound[method.brokerIndex] = broker;
    }
    if (method.contextIndex >= 0) {
      bound[method.contextIndex] = context;
    }
    if (method.perspectiveIndex >= 0) {
      if (viewer != null && !method.types[method.perspectiveIndex].isInstance(viewer)) {
        throw PythonError.typeError(method.wireName + "() is for " + method.types[0].getSimpleName()
            + " perspectives, not " + viewer.getClass().getSimpleName());
      }
      bound[method.perspectiveIndex] = viewer;
    }
    return bound;
  }

  private static int indexOf(RemoteMethod method, String name) {
    for (int i = 0; i < method.names.length; i++) {
      if (!method.isInjected(i) && name.equals(method.names[i])) {
        return i;
      }
    }
    return -1;
  }

  private static Object coerce(RemoteMethod method, int index, Object value) {
    Object coerced = Coercion.coerce(value, method.types[index]);
    if (coerced == Coercion.NO_MATCH) {
      String name = method.names[index] != null ? method.names[index] : "#" + index;
      throw PythonError.typeError(method.wireName + "() argument '" + name + "' must be "
          + method.types[index].getSimpleName() + ", not " + describe(value));
    }
    return coerced;
  }

  public static String describe(Object value) {
    return value == null ? "None" : value.getClass().getSimpleName();
  }
}
