package dev.pbj.core.internal.calls;

import dev.pbj.Bytes;
import dev.pbj.PbError;
import dev.pbj.RemoteException;
import dev.pbj.core.internal.jelly.CopiedValue;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Converts between Java exceptions and PB's failure record, Twisted's {@code CopyableFailure}: the copy
 * {@code ("twisted.spread.pb.CopyableFailure" {type, value, traceback, parents, frames, …})} that an
 * {@code error} message carries. Twisted's {@code failure.check(X)} looks for X's qualified name in
 * {@code parents}, so Java errors list Python's base names after their own.
 */
public final class Failures {
  /** What Twisted sends instead of a traceback unless the server opted in. */
  public static final String NO_TRACEBACK = "Traceback unavailable\n";
  static final String NO_SUCH_METHOD = "twisted.spread.flavors.NoSuchMethod";
  static final String TYPE_ERROR = "builtins.TypeError";
  private static final List<String> PYTHON_BASES = List.of("builtins.Exception", "builtins.BaseException",
      "builtins.object");
  private static final AtomicLong COUNT = new AtomicLong();

  private Failures() {}

  /** The failure record for {@code error}, with a Java stack trace only when {@code sendTraceback}. */
  public static CopiedValue toRecord(Throwable error, boolean sendTraceback) {
    List<String> parents = new ArrayList<>();
    String type;
    String message;
    if (error instanceof PbError) {
      type = ((PbError) error).remoteType();
      parents.add(type);
      if (!type.equals(PbError.TWISTED_TYPE)) {
        parents.add(PbError.TWISTED_TYPE);
      }
      message = error.getMessage();
    } else if (error instanceof RemoteException) {
      // a failure from further along (a callback into another peer) travels on as itself
      RemoteException remote = (RemoteException) error;
      type = remote.remoteType();
      parents.add(type);
      for (String parent : remote.parents()) {
        if (!parents.contains(parent)) {
          parents.add(parent);
        }
      }
      message = remote.remoteMessage();
    } else if (error instanceof PythonError) {
      PythonError python = (PythonError) error;
      type = python.type;
      parents.addAll(python.parents);
      message = error.getMessage();
    } else {
      type = error.getClass().getName();
      message = error.getMessage() == null ? "" : error.getMessage();
    }
    boolean javaNames = !(error instanceof PythonError) && !(error instanceof RemoteException);
    for (Class<?> c = error.getClass(); javaNames && c != Object.class; c = c.getSuperclass()) {
      if (!parents.contains(c.getName())) {
        parents.add(c.getName());
      }
    }
    for (String base : PYTHON_BASES) {
      if (!parents.contains(base)) {
        parents.add(base);
      }
    }
    return record(type, message, parents, sendTraceback ? stackTrace(error) : NO_TRACEBACK, sendTraceback);
  }

  private static CopiedValue record(String type, String message, List<String> parents, String traceback,
      boolean unsafe) {
    Map<String, Object> state = new LinkedHashMap<>();
    state.put("count", COUNT.incrementAndGet());
    state.put("type", Bytes.utf8(type));
    state.put("value", message == null ? "" : message);
    state.put("captureVars", Boolean.FALSE);
    state.put("frames", new ArrayList<>());
    state.put("stack", new ArrayList<>());
    state.put("tb", null);
    state.put("parents", parents);
    state.put("unsafeTracebacks", unsafe);
    state.put("traceback", traceback);
    return new CopiedValue(CopiedValue.FAILURE_TYPE, state);
  }

  /** The exception a Java caller sees for the payload of an {@code error} message. */
  public static RemoteException fromPayload(Object payload) {
    if (payload instanceof CopiedValue && ((CopiedValue) payload).state() instanceof Map) {
      Map<?, ?> state = (Map<?, ?>) ((CopiedValue) payload).state();
      String type = text(get(state, "type"), "unknown");
      String value = text(get(state, "value"), "");
      String traceback = text(get(state, "traceback"), NO_TRACEBACK);
      List<String> parents = new ArrayList<>();
      if (get(state, "parents") instanceof List) {
        for (Object parent : (List<?>) get(state, "parents")) {
          parents.add(text(parent, ""));
        }
      }
      if (type.equals(dev.pbj.cred.UnauthorizedLoginException.TWISTED_TYPE)) {
        return new dev.pbj.cred.UnauthorizedLoginException(value);
      }
      if (type.equals(dev.pbj.ShuttingDownException.REMOTE_TYPE)) {
        return new dev.pbj.ShuttingDownException(value);
      }
      if (type.equals(dev.pbj.CallRejectedException.REMOTE_TYPE)) {
        return new dev.pbj.CallRejectedException(value);
      }
      if (type.equals(dev.pbj.cred.UnhandledCredentialsException.TWISTED_TYPE)) {
        return new dev.pbj.cred.UnhandledCredentialsException(value);
      }
      return new RemoteException(type, value, traceback, parents);
    }
    if (payload instanceof CopiedValue) {
      CopiedValue copy = (CopiedValue) payload;
      return new RemoteException(copy.typeName(), String.valueOf(copy.state()), NO_TRACEBACK,
          List.of(copy.typeName()));
    }
    // Twisted sends a bare string in odd cases; keep whatever it said.
    return new RemoteException("unknown", text(payload, String.valueOf(payload)), NO_TRACEBACK, List.of());
  }

  private static Object get(Map<?, ?> state, String key) {
    Object value = state.get(key);
    return value != null ? value : state.get(Bytes.ascii(key));
  }

  private static String text(Object value, String fallback) {
    if (value instanceof String) {
      return (String) value;
    }
    if (value instanceof Bytes) {
      return ((Bytes) value).utf8();
    }
    return fallback;
  }

  private static String stackTrace(Throwable error) {
    StringWriter out = new StringWriter();
    error.printStackTrace(new PrintWriter(out));
    return out.toString();
  }

  /** An error that names a Python type, for failures PB defines in Python terms (missing method, bad arity). */
  public static final class PythonError extends RuntimeException {
    final String type;
    final List<String> parents;

    PythonError(String type, List<String> parents, String message) {
      super(message, null, false, false);
      this.type = type;
      this.parents = parents;
    }

    public static PythonError noSuchMethod(String name) {
      return new PythonError(NO_SUCH_METHOD, List.of(NO_SUCH_METHOD, "builtins.AttributeError"),
          "No such method: remote_" + name);
    }

    public static PythonError typeError(String message) {
      return new PythonError(TYPE_ERROR, List.of(TYPE_ERROR), message);
    }

    public static PythonError invalidObjectId() {
      return new PythonError(PbError.TWISTED_TYPE, List.of(PbError.TWISTED_TYPE), "Invalid Object ID");
    }

    public static PythonError insecure(String message) {
      String type = dev.pbj.InsecureJellyException.TWISTED_TYPE;
      return new PythonError(type, List.of(type), message);
    }
  }
}
