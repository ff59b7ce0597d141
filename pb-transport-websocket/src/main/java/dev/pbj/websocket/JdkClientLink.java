package dev.pbj.websocket;

import dev.pbj.ProtocolException;
import dev.pbj.spi.Link;
import dev.pbj.spi.LinkAcceptor;
import dev.pbj.spi.SerialExecutor;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The client's side of one WebSocket: a {@link WebSocketLink} over the JDK's {@link WebSocket}, and the
 * {@link WebSocket.Listener} that feeds it. The link's event thread is a {@link SerialExecutor} on the provider's
 * client pool; the JDK's listener calls enter it on their own thread when it is free, and the stage each returns
 * completes once the call has run there (the JDK then reuses its buffer).
 *
 * <p>Opening: the serializers the acceptor names are offered as subprotocols, in order. In {@code onOpen} the
 * server's choice becomes {@link #negotiatedSerializer()} (a server that chose none, or one not offered, fails
 * the connect), then the acceptor runs, then the first message is requested, then the connect future completes.
 * Each binary message, however the JDK splits it, reaches the handler as one {@code onBytes}; the next is
 * requested once the handler returns.
 *
 * <p>Flow control: the JDK reads the socket only as far as this side requests, one part at a time, so pausing
 * withholds the next {@code request(1)} (a part already requested still comes) and resuming makes it. A message
 * counts as unwritten until the JDK's {@code sendBinary} completes, which it does once the message is handed to
 * the socket; the JDK takes one message at a time.
 *
 * <p>The JDK reserves some close codes for itself (see {@link CloseStatus#forClient()}): this side closes with
 * 1008 (policy violation) where the server would use 1002, 1003 or 1009. {@link #localAddress()} is {@code null}:
 * the JDK does not expose the socket.
 */
final class JdkClientLink extends WebSocketLink implements WebSocket.Listener {

  private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);

  private final ClientRuntime runtime;
  private final SerialExecutor events;
  private final Endpoint endpoint;
  private final List<String> offered;
  private final LinkAcceptor acceptor;
  private final Set<JdkClientLink> openLinks;
  private final CompletableFuture<Link> connected = new CompletableFuture<>();
  private volatile WebSocket webSocket;
  private volatile SocketAddress remoteAddress;
  // Event thread only.
  private boolean sending; // a binary message is being written
  private boolean receiving; // the link wants input: suspendReceiving and resumeReceiving set it
  private boolean requestOwed = true; // the next part has not been requested, because reading was paused

  private JdkClientLink(ClientRuntime runtime, Settings settings, Endpoint endpoint, List<String> offered,
      LinkAcceptor acceptor, Set<JdkClientLink> openLinks) {
    super(settings, acceptor.limits());
    this.runtime = runtime;
    this.events = new SerialExecutor(runtime.pool);
    this.endpoint = endpoint;
    this.offered = offered;
    this.acceptor = acceptor;
    this.openLinks = openLinks;
  }

  /**
   * Opens a WebSocket to {@code endpoint}. The future completes on the link's event thread once the acceptor has
   * run, or fails: {@link IllegalArgumentException} when the acceptor names no serializers, the connection error
   * ({@link java.net.ConnectException}, {@link java.net.http.HttpConnectTimeoutException}), an {@link IOException}
   * naming the HTTP status when the server refuses the upgrade, a {@link ProtocolException} when the server agrees
   * on no serializer this side offered, or the acceptor's exception. An open link is in {@code openLinks}.
   */
  static CompletableFuture<Link> connect(ClientRuntime runtime, Settings settings, Endpoint endpoint,
      LinkAcceptor acceptor, Set<JdkClientLink> openLinks) {
    List<String> offered = List.copyOf(acceptor.serializers());
    if (offered.isEmpty()) {
      return CompletableFuture.failedFuture(new IllegalArgumentException("the LinkAcceptor names no serializers "
          + "(LinkAcceptor.serializers()); a WebSocket client offers them through Sec-WebSocket-Protocol"));
    }
    var link = new JdkClientLink(runtime, settings.withMaxFrameSize(acceptor.limits().maxMessageLength()), endpoint,
        offered, acceptor, openLinks);
    CompletableFuture<WebSocket> opening;
    try {
      java.net.http.WebSocket.Builder builder = runtime.httpClient(acceptor.tls()).newWebSocketBuilder()
          .connectTimeout(settings.connectTimeout())
          .subprotocols(offered.get(0), offered.subList(1, offered.size()).toArray(String[]::new));
      settings.upgradeHeaders().forEach(builder::header);
      opening = builder.buildAsync(endpoint.uri(), link);
    } catch (IllegalArgumentException e) { // a serializer name that is not an HTTP token
      return CompletableFuture.failedFuture(e);
    }
    opening.whenComplete((ws, error) -> {
      if (error != null) {
        link.connected.completeExceptionally(link.connectFailure(error));
      }
    });
    link.connected.whenComplete((ignored, error) -> {
      if (link.connected.isCancelled()) {
        opening.cancel(true);
        link.abort();
      }
    });
    return link.connected;
  }

  @Override
  public SocketAddress localAddress() {
    return null;
  }

  @Override
  public SocketAddress remoteAddress() {
    return remoteAddress;
  }

  @Override
  public String toString() {
    return "JdkClientLink[" + endpoint + ", " + negotiatedSerializer() + "]";
  }

  // --- WebSocket.Listener, on the JDK's threads; each hands over to the event thread

  @Override
  public void onOpen(WebSocket webSocket) {
    this.webSocket = webSocket;
    runHere(this::opened);
  }

  @Override
  public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
    // The stage completes once the part is consumed, which is when the JDK may reuse its buffer.
    return runHere(() -> {
      binaryPart(data, last);
      requestNext();
    });
  }

  @Override
  public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
    return runHere(() -> {
      textArrived();
      requestNext(); // on to the server's answer to our close frame
    });
  }

  @Override
  public CompletionStage<?> onPing(WebSocket webSocket, ByteBuffer message) {
    return runHere(() -> { // the JDK answers with a pong by itself
      heard();
      requestNext();
    });
  }

  @Override
  public CompletionStage<?> onPong(WebSocket webSocket, ByteBuffer message) {
    return runHere(() -> {
      heard();
      requestNext();
    });
  }

  @Override
  public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
    return runHere(() -> {
      if (statusCode == CloseStatus.ABNORMAL) { // the JDK's word for a connection that ended without a frame
        terminated();
      } else {
        peerClosed(CloseStatus.of(statusCode, reason));
      }
    });
  }

  @Override
  public void onError(WebSocket webSocket, Throwable error) {
    runHere(() -> {
      connected.completeExceptionally(error);
      failed(error);
    });
  }

  /** On the event thread: checks the server's choice, runs the acceptor, starts reading, completes the connect. */
  private void opened() {
    WebSocket ws = webSocket;
    remoteAddress = new InetSocketAddress(endpoint.host(), endpoint.port()); // resolved just now by the JDK: cached
    String chosen = ws.getSubprotocol();
    if (!offered.contains(chosen)) {
      var refused = new ProtocolException(chosen.isEmpty()
          ? "the server at " + endpoint + " agreed on no serializer; this client offered " + offered
          : "the server at " + endpoint + " chose the serializer '" + chosen + "', which this client did not offer "
              + offered);
      connected.completeExceptionally(refused);
      beginClose(CloseStatus.of(CloseStatus.POLICY_VIOLATION, "no serializer agreed"), refused, true);
      startReading(); // on to the server's answer
      return;
    }
    agreedOn(chosen);
    if (connected.isDone() || runtime.pool.isShutdown()) { // cancelled, or the provider closed meanwhile
      connected.cancel(false);
      ws.abort();
      terminated();
      return;
    }
    RuntimeException refused = open(acceptor, CloseStatus.GOING_AWAY);
    startReading(); // unless the acceptor paused it; a refused link reads on to the server's answer
    if (refused != null) {
      connected.completeExceptionally(refused);
      return;
    }
    openLinks.add(this);
    whenTerminated().whenComplete((ignored, error) -> openLinks.remove(this));
    if (!connected.complete(this)) {
      close(); // cancelled while the acceptor ran
    }
  }

  /**
   * Runs {@code task} on the event thread, here if it is idle; the stage completes once the task has run, which is
   * when a listener call's buffer is consumed.
   */
  private CompletionStage<?> runHere(Runnable task) {
    CompletableFuture<Void> ran = new CompletableFuture<>();
    events.executeHere(() -> {
      try {
        task.run();
      } finally {
        ran.complete(null);
      }
    });
    return ran;
  }

  /** After a listener call: asks the JDK for the next part, or owes it while reading is paused. */
  private void requestNext() {
    if (receiving) {
      webSocket.request(1);
    } else {
      requestOwed = true;
    }
  }

  /** What the connect future fails with when the opening handshake does. */
  private Throwable connectFailure(Throwable error) {
    Throwable cause = error;
    while ((cause instanceof CompletionException || cause instanceof ExecutionException) && cause.getCause() != null) {
      cause = cause.getCause();
    }
    if (cause instanceof WebSocketHandshakeException refused) {
      HttpResponse<?> response = refused.getResponse();
      String body = response.body() instanceof String text && !text.isBlank() ? ": " + text.strip() : "";
      return new WebSocketUpgradeException(response.statusCode(), "the server at " + endpoint
          + " refused the WebSocket upgrade with HTTP " + response.statusCode() + body, refused);
    }
    return cause;
  }

  // --- WebSocketLink primitives

  @Override
  void execute(Runnable task) {
    events.execute(task);
  }

  @Override
  boolean inEventThread() {
    return events.inContext();
  }

  @Override
  Runnable schedule(Runnable task, long delayMillis) {
    try {
      ScheduledFuture<?> timer = runtime.timer.schedule(() -> events.execute(task), delayMillis, TimeUnit.MILLISECONDS);
      return () -> timer.cancel(false);
    } catch (RejectedExecutionException e) {
      return () -> {}; // the provider is closing, and takes the connection down itself
    }
  }

  @Override
  boolean writeBinary(byte[] message) {
    if (sending) {
      return false; // the JDK takes one message at a time
    }
    sending = true;
    webSocket.sendBinary(ByteBuffer.wrap(message), true).whenComplete((ws, error) -> events.execute(() -> {
      sending = false;
      writeFinished(message);
      if (error != null) {
        failed(error);
      } else {
        drain();
      }
    }));
    return true;
  }

  @Override
  boolean writeIdle() {
    return !sending;
  }

  @Override
  void suspendReceiving() {
    receiving = false;
  }

  @Override
  void resumeReceiving() {
    receiving = true;
    if (requestOwed) {
      requestOwed = false;
      webSocket.request(1);
    }
  }

  @Override
  void writeClose(CloseStatus status) {
    WebSocket ws = webSocket;
    if (answeredByTheJdk(ws)) {
      closeFrameWritten(null);
      return;
    }
    CloseStatus allowed = status.forClient();
    ws.sendClose(allowed.code(), allowed.reason()).whenComplete((ignored, error) -> events.execute(
        () -> closeFrameWritten(error == null || answeredByTheJdk(ws) ? null : error)));
  }

  /**
   * Whether the JDK has answered the peer's close frame by itself, as it does once {@code onClose}'s stage completes
   * (here, while a message was still being written when the close arrived).
   */
  private boolean answeredByTheJdk(WebSocket ws) {
    return peerCloseReceived() && ws.isOutputClosed();
  }

  @Override
  void writePing() {
    webSocket.sendPing(EMPTY.duplicate()); // fails only while the previous ping is still being written: no matter
  }

  @Override
  void disconnect(boolean force) {
    WebSocket ws = webSocket;
    // After the closing handshake the JDK closes the socket itself, once its answer to a close frame is out.
    if (force && ws != null) {
      ws.abort();
    }
    terminated();
  }
}
