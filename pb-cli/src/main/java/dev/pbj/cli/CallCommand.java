package dev.pbj.cli;

import dev.pbj.Broker;
import dev.pbj.Kwargs;
import dev.pbj.PbException;
import dev.pbj.RemoteException;
import dev.pbj.RemoteReference;
import dev.pbj.cli.demo.DemoTypes;
import dev.pbj.cred.UnauthorizedLoginException;
import dev.pbj.core.PbClient;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@code pbj call}: connects, calls one method on the server's root object (or, with {@code --login} or
 * {@code --anonymous}, logs in first and calls the avatar), prints the answer as one line of JSON
 * ({@link JsonValues}) and disconnects. The timeout bounds connecting, logging in and calling together.
 *
 * <p>The client knows the demo's types ({@link DemoTypes}: {@code pbj.demo.Point}, {@code pbj.demo.Room}) and takes
 * copies of any other type as they come ({@link dev.pbj.CopiedObject}), so every copy prints.
 */
final class CallCommand implements Command {
  private static final String NO_TRACEBACK = "Traceback unavailable\n";

  private final URI uri;
  private final String method;
  private final List<Object> arguments;
  private final Kwargs kwargs;
  private final String serializer;
  private final String login;
  private final boolean anonymous;
  private final Duration timeout;
  private final TlsFiles tls;

  /**
   * @param login {@code USER:PASS} (split at the first colon) to log in with, or null
   * @param anonymous whether to log in anonymously (when {@code login} is null)
   * @param tls the CA to trust and the client certificate for a {@code tls://} or {@code wss://} URI, or null (the
   *     JDK's CAs, no client certificate)
   */
  CallCommand(URI uri, String method, List<Object> arguments, Kwargs kwargs, String serializer, String login,
      boolean anonymous, Duration timeout, TlsFiles tls) {
    this.uri = uri;
    this.method = method;
    this.arguments = new ArrayList<>(arguments); // may hold nulls
    this.kwargs = kwargs;
    this.serializer = serializer;
    this.login = login;
    this.anonymous = anonymous;
    this.timeout = timeout;
    this.tls = tls;
  }

  @Override
  public int run(InputStream in, PrintStream out, PrintStream err) {
    long deadline = System.nanoTime() + timeout.toNanos();
    PbClient.Builder builder = PbClient.builder().copies(DemoTypes.builder().deliverUnregistered(true).build());
    if (serializer != null) {
      builder.serializers(serializer);
    }
    if (tls != null) {
      try {
        builder.tls(tls.client());
      } catch (IllegalArgumentException e) {
        err.println("pbj call: " + e.getMessage());
        return FAILURE;
      }
    }
    try (PbClient client = builder.build()) {
      Broker broker;
      try {
        broker = await(client.connect(uri), deadline);
      } catch (ExecutionException e) {
        err.println("pbj call: cannot connect to " + uri + ": " + describe(e.getCause()));
        return FAILURE;
      }
      RemoteReference target = broker.rootObject();
      if (login != null || anonymous) {
        int colon = login == null ? -1 : login.indexOf(':');
        String user = login == null ? null : colon < 0 ? login : login.substring(0, colon);
        String password = login == null ? null : colon < 0 ? password(user, in, err) : login.substring(colon + 1);
        if (user != null && password == null) {
          err.println("pbj call: --login " + user + " needs a password: set PBJ_PASSWORD, run in a terminal to be "
              + "asked, or give it on standard input");
          return FAILURE;
        }
        try {
          target = await(user == null ? broker.loginAnonymous(null) : broker.login(user, password, null), deadline);
        } catch (ExecutionException e) {
          if (e.getCause() instanceof UnauthorizedLoginException) {
            return loginRefused((UnauthorizedLoginException) e.getCause(), user, err);
          }
          if (e.getCause() instanceof RemoteException) {
            return remoteError((RemoteException) e.getCause(), err);
          }
          err.println("pbj call: cannot log in" + (user == null ? " anonymously" : " as " + user) + ": "
              + describe(e.getCause()));
          return FAILURE;
        }
      }
      Object answer;
      try {
        answer = await(target.callRemote(method, callArguments()), deadline);
      } catch (ExecutionException e) {
        if (e.getCause() instanceof RemoteException) {
          return remoteError((RemoteException) e.getCause(), err);
        }
        err.println("pbj call: " + method + " failed: " + describe(e.getCause()));
        return FAILURE;
      }
      out.println(JsonValues.standard().format(answer));
      out.flush();
      return OK;
    } catch (TimeoutException e) {
      err.println("pbj call: no answer from " + uri + " within " + seconds(timeout) + " s (see --timeout)");
      return FAILURE;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      err.println("pbj call: interrupted");
      return FAILURE;
    } catch (PbException | IllegalArgumentException | IllegalStateException e) {
      // thrown before any future exists: no such serializer or transport, a URI the transport refuses
      err.println("pbj call: " + describe(e));
      return FAILURE;
    }
  }

  private Object[] callArguments() {
    List<Object> all = new ArrayList<>(arguments);
    if (!kwargs.isEmpty()) {
      all.add(kwargs);
    }
    return all.toArray();
  }

  /** Twisted's servers refuse with no message: say what it means. */
  private static int loginRefused(UnauthorizedLoginException error, String user, PrintStream err) {
    String message = error.remoteMessage();
    if (message == null || message.isBlank()) {
      message = user == null ? "anonymous login refused"
          : "login as " + user + " refused: unknown user or wrong password";
    }
    err.println(error.remoteType() + ": " + message);
    return REMOTE_ERROR;
  }

  private static int remoteError(RemoteException error, PrintStream err) {
    err.println(error.remoteType() + ": " + error.remoteMessage());
    String traceback = error.remoteTraceback();
    if (traceback != null && !traceback.isEmpty() && !traceback.equals(NO_TRACEBACK)) {
      err.print(traceback.endsWith("\n") ? traceback : traceback + "\n");
    }
    return REMOTE_ERROR;
  }

  private static <T> T await(CompletableFuture<T> future, long deadline)
      throws ExecutionException, TimeoutException, InterruptedException {
    return future.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
  }

  private static String describe(Throwable error) {
    for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof javax.net.ssl.SSLException) { // the server's certificate, or the server refused ours
        return "TLS handshake failed: " + t.getMessage();
      }
    }
    String message = error.getMessage();
    return message == null || message.isBlank() ? error.getClass().getName() : message;
  }

  private static String seconds(Duration duration) {
    return java.math.BigDecimal.valueOf(duration.toNanos(), 9).stripTrailingZeros().toPlainString();
  }

  /**
   * The password of {@code --login USER}, kept out of the shell's history: {@code PBJ_PASSWORD}, else asked on the
   * terminal (not echoed), else the first line of standard input; null if none of them gives one.
   */
  private static String password(String user, InputStream in, PrintStream err) {
    String fromEnvironment = System.getenv("PBJ_PASSWORD");
    if (fromEnvironment != null) {
      return fromEnvironment;
    }
    java.io.Console console = System.console();
    if (console != null) {
      char[] typed = console.readPassword("password for %s: ", user);
      return typed == null ? null : new String(typed);
    }
    try {
      return new java.io.BufferedReader(new java.io.InputStreamReader(in, java.nio.charset.StandardCharsets.UTF_8))
          .readLine();
    } catch (java.io.IOException e) {
      err.println("pbj call: cannot read the password from standard input: " + e.getMessage());
      return null;
    }
  }
}
