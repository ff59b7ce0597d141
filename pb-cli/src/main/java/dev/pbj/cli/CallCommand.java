package dev.pbj.cli;

import dev.pbj.Broker;
import dev.pbj.Kwargs;
import dev.pbj.PbException;
import dev.pbj.RemoteException;
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
 * {@code pbj call}: connects, calls one method on the server's root object, prints the answer as one line of JSON
 * ({@link JsonValues}) and disconnects. The timeout bounds connecting and calling together.
 */
final class CallCommand implements Command {
  private static final String NO_TRACEBACK = "Traceback unavailable\n";

  private final URI uri;
  private final String method;
  private final List<Object> arguments;
  private final Kwargs kwargs;
  private final String serializer;
  private final String login;
  private final Duration timeout;

  CallCommand(URI uri, String method, List<Object> arguments, Kwargs kwargs, String serializer, String login,
      Duration timeout) {
    this.uri = uri;
    this.method = method;
    this.arguments = new ArrayList<>(arguments); // may hold nulls
    this.kwargs = kwargs;
    this.serializer = serializer;
    this.login = login;
    this.timeout = timeout;
  }

  @Override
  public int run(InputStream in, PrintStream out, PrintStream err) {
    if (login != null) {
      err.println("pbj call: --login is not available yet: logging in to the demo portal comes in a later "
          + "version of pbj");
      return FAILURE;
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    PbClient.Builder builder = PbClient.builder();
    if (serializer != null) {
      builder.serializers(serializer);
    }
    try (PbClient client = builder.build()) {
      Broker broker;
      try {
        broker = await(client.connect(uri), deadline);
      } catch (ExecutionException e) {
        err.println("pbj call: cannot connect to " + uri + ": " + describe(e.getCause()));
        return FAILURE;
      }
      Object answer;
      try {
        answer = await(broker.rootObject().callRemote(method, callArguments()), deadline);
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
    String message = error.getMessage();
    return message == null || message.isBlank() ? error.getClass().getName() : message;
  }

  private static String seconds(Duration duration) {
    return java.math.BigDecimal.valueOf(duration.toNanos(), 9).stripTrailingZeros().toPlainString();
  }
}
