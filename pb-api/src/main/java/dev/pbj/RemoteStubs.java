package dev.pbj;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Proxy;
import java.lang.reflect.Type;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The typed stubs of {@link RemoteReference#as(Class)}: a dynamic proxy per reference whose methods call the remote
 * ones. Each interface is checked and its methods' wire names and result types worked out once.
 */
final class RemoteStubs {
  private RemoteStubs() {}

  /** How each method of one interface calls: its wire name and the type its answer is converted to. */
  private record Signature(String wireName, Class<?> resultType, boolean oneWay) {}

  private static final ClassValue<Map<Method, Signature>> SIGNATURES = new ClassValue<>() {
    @Override
    protected Map<Method, Signature> computeValue(Class<?> type) {
      return signatures(type);
    }
  };

  static <T> T stub(RemoteReference reference, Class<T> type) {
    if (!type.isInterface()) {
      throw new IllegalArgumentException(type.getName() + " is not an interface: as() makes stubs of interfaces "
          + "whose methods return CompletableFuture or CompletionStage");
    }
    Map<Method, Signature> signatures = SIGNATURES.get(type);
    InvocationHandler handler = new Handler(reference, type, signatures);
    return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, handler));
  }

  private static Map<Method, Signature> signatures(Class<?> type) {
    Map<Method, Signature> signatures = new HashMap<>();
    for (Method method : type.getMethods()) {
      if (method.isDefault() || Modifier.isStatic(method.getModifiers()) || isObjectMethod(method)) {
        continue;
      }
      Remote remote = method.getAnnotation(Remote.class);
      String wireName = remote != null && !remote.value().isEmpty() ? remote.value() : method.getName();
      Class<?> returned = method.getReturnType();
      if (returned == void.class) {
        signatures.put(method, new Signature(wireName, Void.class, true));
      } else if (returned == CompletableFuture.class || returned == CompletionStage.class) {
        signatures.put(method, new Signature(wireName, resultType(method), false));
      } else {
        throw new IllegalArgumentException(type.getName() + "." + method.getName() + " returns "
            + returned.getSimpleName() + ": a remote call's method must return CompletableFuture<T> or "
            + "CompletionStage<T> (its answer comes later), or void (a call that wants no answer)");
      }
    }
    return Map.copyOf(signatures);
  }

  /** The {@code T} of a {@code CompletableFuture<T>} result, erased; {@code Object} when it names none. */
  private static Class<?> resultType(Method method) {
    Type returned = method.getGenericReturnType();
    if (returned instanceof ParameterizedType) {
      Type argument = ((ParameterizedType) returned).getActualTypeArguments()[0];
      if (argument instanceof Class) {
        return (Class<?>) argument;
      }
      if (argument instanceof ParameterizedType && ((ParameterizedType) argument).getRawType() instanceof Class) {
        return (Class<?>) ((ParameterizedType) argument).getRawType();
      }
    }
    return Object.class;
  }

  private static boolean isObjectMethod(Method method) {
    try {
      Object.class.getMethod(method.getName(), method.getParameterTypes());
      return true;
    } catch (NoSuchMethodException e) {
      return false;
    }
  }

  /** What a stub's methods do. */
  private static final class Handler implements InvocationHandler {
    private final RemoteReference reference;
    private final Class<?> type;
    private final Map<Method, Signature> signatures;

    Handler(RemoteReference reference, Class<?> type, Map<Method, Signature> signatures) {
      this.reference = reference;
      this.type = type;
      this.signatures = signatures;
    }

    @Override
    public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
      Signature signature = signatures.get(method);
      if (signature != null) {
        Object[] arguments = args == null ? new Object[0] : args;
        if (signature.oneWay()) {
          reference.callRemoteNoAnswer(signature.wireName(), arguments);
          return null;
        }
        return reference.callRemote(signature.resultType(), signature.wireName(), arguments);
      }
      if (method.isDefault()) {
        return InvocationHandler.invokeDefault(proxy, method, args);
      }
      switch (method.getName()) {
        case "equals":
          Object other = args[0];
          return other != null && Proxy.isProxyClass(other.getClass())
              && Proxy.getInvocationHandler(other) instanceof Handler
              && ((Handler) Proxy.getInvocationHandler(other)).type == type
              && ((Handler) Proxy.getInvocationHandler(other)).reference.equals(reference);
        case "hashCode":
          return reference.hashCode() * 31 + type.hashCode();
        case "toString":
          return type.getSimpleName() + " stub of " + reference;
        default:
          throw new UnsupportedOperationException(method.toString());
      }
    }
  }
}
