package dev.pbj.websocket;

import dev.pbj.ProtocolException;
import dev.pbj.TlsOptions;
import dev.pbj.spi.Link;
import dev.pbj.spi.LinkAcceptor;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.channel.ConnectTimeoutException;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameDecoder;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnknownHostException;
import java.nio.channels.UnresolvedAddressException;
import java.nio.charset.StandardCharsets;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;

/**
 * The client's side of one WebSocket: a {@link WebSocketLink} over a Netty channel. Its event thread is the
 * channel's event loop, which runs the upgrade, every read and write, the link's timers and every handler call.
 *
 * <p>Opening: the serializers the acceptor names are offered as subprotocols, in order ({@link ClientUpgrade} writes
 * the request and checks the answer). Once the server's {@code 101} names one of them, the HTTP codec gives way to
 * RFC 6455 frames, the choice becomes {@link #negotiatedSerializer()}, the acceptor runs, reading starts and the
 * connect future completes. A server that chose none, or one not offered, fails the connect (and is sent 1008).
 *
 * <p>Writing: a drain writes every queued message as a masked binary frame and flushes once, so the calls of one
 * burst leave in one write; a message counts as unwritten until Netty reports it written to the socket. Reading:
 * each frame as Netty decodes it; pausing stops the decoder after the frame it is on and the channel's auto-read
 * (see {@link #suspendReceiving()}), and resuming starts both again.
 */
final class NettyClientLink extends WebSocketLink {

  /** The most the server's answer to the upgrade request may take: its status line, headers and any body. */
  private static final int MAX_UPGRADE_ANSWER = 64 * 1024;

  private final ClientRuntime runtime;
  private final EventLoop loop;
  private final Endpoint endpoint;
  private final List<String> offered;
  private final LinkAcceptor acceptor;
  private final Set<NettyClientLink> openLinks;
  private final CompletableFuture<Link> connected = new CompletableFuture<>();
  private volatile Channel channel;
  // Event loop only.
  private boolean upgraded; // frames flow: the server's 101 was accepted
  private boolean inBinaryMessage; // continuation frames belong to a binary message (else to a text one)
  private boolean flushOwed;
  private WebSocket13FrameDecoder frames; // once upgraded
  private ChannelHandlerContext beforeFrames; // the context that feeds the frame decoder

  private NettyClientLink(ClientRuntime runtime, Settings settings, Endpoint endpoint, List<String> offered,
      LinkAcceptor acceptor, Set<NettyClientLink> openLinks) {
    super(settings, acceptor.limits());
    this.runtime = runtime;
    this.loop = runtime.group.next();
    this.endpoint = endpoint;
    this.offered = offered;
    this.acceptor = acceptor;
    this.openLinks = openLinks;
  }

  /**
   * Opens a WebSocket to {@code endpoint}. The future completes on the link's event loop once the acceptor has run,
   * or fails: {@link IllegalArgumentException} when the acceptor names no serializers or one that is not an HTTP
   * token, the connection error (a {@link ConnectException}: refused, unknown host, or
   * {@link ConnectTimeoutException} when the connect and upgrade together pass the connect timeout), the TLS
   * handshake's error, a {@link WebSocketUpgradeException} naming the HTTP status when the server refuses the
   * upgrade, a {@link ProtocolException} when its answer is not a WebSocket upgrade or agrees on no serializer this
   * side offered, or the acceptor's exception. An open link is in {@code openLinks}.
   */
  static CompletableFuture<Link> connect(ClientRuntime runtime, Settings settings, Endpoint endpoint,
      LinkAcceptor acceptor, Set<NettyClientLink> openLinks) {
    List<String> offered = List.copyOf(acceptor.serializers());
    if (offered.isEmpty()) {
      return CompletableFuture.failedFuture(new IllegalArgumentException("the LinkAcceptor names no serializers "
          + "(LinkAcceptor.serializers()); a WebSocket client offers them through Sec-WebSocket-Protocol"));
    }
    ClientUpgrade upgrade;
    SSLEngine tls;
    try {
      upgrade = new ClientUpgrade(endpoint, offered, settings.upgradeHeaders());
      tls = endpoint.secure() ? clientEngine(acceptor.tls(), settings.sslContext(), endpoint) : null;
    } catch (IllegalArgumentException e) {
      return CompletableFuture.failedFuture(e);
    }
    var link = new NettyClientLink(runtime, settings.withMaxFrameSize(acceptor.limits().maxMessageLength()), endpoint,
        offered, acceptor, openLinks);
    link.start(upgrade, tls);
    return link.connected;
  }

  /**
   * The engine for {@code wss://}: the acceptor's TLS options, else the provider's context, else the JDK's default
   * one, each checking the server's certificate and its name as {@link TlsOptions#newClientEngine} does.
   */
  private static SSLEngine clientEngine(TlsOptions options, SSLContext providerContext, Endpoint endpoint) {
    TlsOptions tls = options;
    if (tls == null) {
      try {
        tls = TlsOptions.of(providerContext != null ? providerContext : SSLContext.getDefault());
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalArgumentException("this JVM has no default TLS context for " + endpoint, e);
      }
    }
    return tls.newClientEngine(endpoint.host(), endpoint.port());
  }

  private void start(ClientUpgrade upgrade, SSLEngine tls) {
    int connectMillis = (int) Math.min(Integer.MAX_VALUE, settings.connectTimeout().toMillis());
    var bootstrap = new Bootstrap()
        .group(loop)
        .channelFactory(runtime.channels)
        .option(ChannelOption.TCP_NODELAY, true)
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, connectMillis)
        .handler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            channel = ch; // before any event of the channel can reach the link
            ChannelPipeline pipeline = ch.pipeline();
            if (tls != null) {
              pipeline.addLast(new SslHandler(tls));
            }
            pipeline.addLast(new HttpClientCodec(), new HttpObjectAggregator(MAX_UPGRADE_ANSWER),
                new Handler(upgrade));
          }
        });
    if (acceptor.localAddress() != null) {
      bootstrap.localAddress(new InetSocketAddress(acceptor.localAddress(), 0));
    }
    if (runtime.isShutdown()) { // the provider stopped its threads meanwhile
      connected.completeExceptionally(new IllegalStateException("the WebSocket transport provider is closed"));
      return;
    }
    ChannelFuture connecting = bootstrap.connect(endpoint.host(), endpoint.port());
    channel = connecting.channel();
    connecting.addListener(done -> {
      if (!done.isSuccess()) {
        connected.completeExceptionally(connectFailure(done.cause()));
      }
    });
    ScheduledFuture<?> deadline;
    try {
      deadline = loop.schedule(() -> {
        if (!upgraded && !connected.isDone()) {
          connected.completeExceptionally(new ConnectTimeoutException("no WebSocket connection to " + endpoint
              + " within " + connectMillis + " ms (WebSocketTransportProvider.Builder.connectTimeout)"));
          channel.close();
        }
      }, connectMillis, TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) { // the provider stopped its threads meanwhile
      connected.completeExceptionally(new IllegalStateException("the WebSocket transport provider is closed", e));
      return;
    }
    connected.whenComplete((ignored, error) -> {
      deadline.cancel(false);
      if (connected.isCancelled()) {
        abort();
      }
    });
  }

  private Throwable connectFailure(Throwable error) {
    Throwable cause = error instanceof DecoderException && error.getCause() != null ? error.getCause() : error;
    if (cause instanceof UnknownHostException || cause instanceof UnresolvedAddressException) {
      var unresolved = new ConnectException("cannot resolve " + endpoint.host() + " for " + endpoint);
      unresolved.initCause(cause);
      return unresolved;
    }
    return cause;
  }

  @Override
  public SocketAddress localAddress() {
    Channel ch = channel;
    return ch == null ? null : ch.localAddress();
  }

  @Override
  public SocketAddress remoteAddress() {
    Channel ch = channel;
    return ch == null ? null : ch.remoteAddress();
  }

  /** The channel's event loop: the layer above may run its short, non-blocking work there. */
  @Override
  public Executor ioExecutor() {
    return loop;
  }

  @Override
  public boolean inIoThread() {
    return loop.inEventLoop();
  }

  @Override
  public String toString() {
    return "NettyClientLink[" + endpoint + ", " + negotiatedSerializer() + "]";
  }

  /** On the event loop: the server's 101 named {@code chosen}; runs the acceptor, starts reading, completes. */
  private void opened(String chosen) {
    upgraded = true;
    if (chosen == null || !offered.contains(chosen)) {
      var refused = new ProtocolException(chosen == null
          ? "the server at " + endpoint + " agreed on no serializer; this client offered " + offered
          : "the server at " + endpoint + " chose the serializer '" + chosen + "', which this client did not offer "
              + offered);
      connected.completeExceptionally(refused);
      beginClose(CloseStatus.of(CloseStatus.POLICY_VIOLATION, "no serializer agreed"), refused, true);
      startReading(); // on to the server's answer
      return;
    }
    agreedOn(chosen);
    if (connected.isDone() || runtime.isShutdown()) { // cancelled, or the provider closed meanwhile
      connected.cancel(false);
      disconnect(true);
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

  // --- WebSocketLink primitives

  @Override
  void execute(Runnable task) {
    loop.execute(task);
  }

  @Override
  boolean inEventThread() {
    return loop.inEventLoop();
  }

  @Override
  Runnable schedule(Runnable task, long delayMillis) {
    try {
      var timer = loop.schedule(task, delayMillis, TimeUnit.MILLISECONDS);
      return () -> timer.cancel(false);
    } catch (RejectedExecutionException e) {
      return () -> {}; // the provider is closing, and takes the connection down itself
    }
  }

  @Override
  boolean writeBinary(byte[] message) {
    ChannelPromise written = channel.newPromise();
    written.addListener(done -> {
      writeFinished(message);
      if (!done.isSuccess()) {
        failed(done.cause());
      }
    });
    channel.write(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(message)), written);
    flushOwed = true;
    return true; // Netty queues it; the link's count says how much is unwritten
  }

  @Override
  void writesQueued() {
    if (flushOwed) {
      flushOwed = false;
      channel.flush();
    }
  }

  @Override
  boolean writeIdle() {
    return true; // Netty writes a close frame after the frames written before it
  }

  /**
   * Stops reading: auto-read off, and the frame decoder stops after the frame it is on, so that at most about one
   * message is held; the rest waits, decoded or not. When nothing is held, one more read is made: a peer's close
   * frame in it still gets its answer, as it would from a client that always has one read outstanding.
   */
  @Override
  void suspendReceiving() {
    frames.setSingleDecode(true);
    channel.config().setAutoRead(false);
    if (heldMessages() == 0) {
      channel.read();
    }
  }

  /** Reads again: every frame per decode, auto-read on, and the bytes read while paused decoded now. */
  @Override
  void resumeReceiving() {
    frames.setSingleDecode(false);
    channel.config().setAutoRead(true);
    // A task of its own: this may run inside the decoder's own loop, which must not be entered again.
    loop.execute(() -> {
      if (channel.isActive() && !frames.isSingleDecode()) {
        beforeFrames.fireChannelRead(Unpooled.EMPTY_BUFFER);
        beforeFrames.fireChannelReadComplete();
      }
    });
  }

  @Override
  void writeClose(CloseStatus status) {
    channel.writeAndFlush(closeFrame(status)).addListener(done ->
        closeFrameWritten(done.isSuccess() ? null : done.cause()));
  }

  private static CloseWebSocketFrame closeFrame(CloseStatus status) {
    byte[] reason = status.reason().getBytes(StandardCharsets.UTF_8);
    ByteBuf payload = Unpooled.buffer(2 + reason.length).writeShort(status.code()).writeBytes(reason);
    return new CloseWebSocketFrame(true, 0, payload);
  }

  @Override
  void writePing() {
    channel.writeAndFlush(new PingWebSocketFrame());
  }

  @Override
  void disconnect(boolean force) {
    // A TCP close either way: after the closing handshake nothing more is owed to the server.
    Channel ch = channel;
    if (ch != null) {
      ch.close();
    } else {
      terminated();
    }
  }

  // --- reading, on the event loop

  private void frameArrived(WebSocketFrame frame) {
    if (frame instanceof BinaryWebSocketFrame) {
      inBinaryMessage = !frame.isFinalFragment();
      binaryPart(frame.content().nioBuffer(), frame.isFinalFragment());
    } else if (frame instanceof ContinuationWebSocketFrame) {
      if (inBinaryMessage) {
        inBinaryMessage = !frame.isFinalFragment();
        binaryPart(frame.content().nioBuffer(), frame.isFinalFragment());
      } else {
        heard(); // the rest of a text message, already refused
      }
    } else if (frame instanceof TextWebSocketFrame) {
      textArrived();
    } else if (frame instanceof PingWebSocketFrame) {
      heard();
      if (!peerCloseReceived() && !closeFrameSent()) {
        channel.writeAndFlush(new PongWebSocketFrame(frame.content().retain()));
      }
    } else if (frame instanceof PongWebSocketFrame) {
      heard();
    } else if (frame instanceof CloseWebSocketFrame) {
      peerClosed(CloseStatus.parse(frame.content().nioBuffer()));
    }
  }

  /** The channel's last handler: the upgrade's answer, then frames, and the channel's end. */
  private final class Handler extends ChannelInboundHandlerAdapter {
    private final ClientUpgrade upgrade;

    Handler(ClientUpgrade upgrade) {
      this.upgrade = upgrade;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
      ctx.writeAndFlush(upgrade.request()); // behind the TLS handshake, if any: SslHandler holds it until then
      ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      try {
        if (msg instanceof WebSocketFrame frame) {
          frameArrived(frame);
        } else if (msg instanceof FullHttpResponse response && !upgraded) {
          answered(ctx, response);
        }
      } finally {
        ReferenceCountUtil.release(msg);
      }
    }

    private void answered(ChannelHandlerContext ctx, FullHttpResponse response) {
      ClientUpgrade.Outcome outcome = upgrade.check(response);
      if (outcome.failure() != null) {
        connected.completeExceptionally(outcome.failure());
        ctx.close();
        return;
      }
      frames = upgrade.switchToFrames(ctx.pipeline(), settings.maxFrameSize());
      beforeFrames = ctx.pipeline().context(ClientUpgrade.KICK);
      opened(outcome.subprotocol());
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      if (!connected.isDone()) {
        connected.completeExceptionally(new IOException("the server at " + endpoint
            + " closed the connection before the WebSocket upgrade completed"));
      }
      terminated();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable error) {
      Throwable cause = error instanceof DecoderException && error.getCause() != null ? error.getCause() : error;
      if (!upgraded) {
        connected.completeExceptionally(error instanceof DecoderException && !(cause instanceof SSLException)
            ? new ProtocolException("the server at " + endpoint + " answered the WebSocket upgrade with no valid "
                + "HTTP response: " + error.getMessage(), error)
            : connectFailure(cause));
        ctx.close();
      } else if (cause instanceof CorruptedWebSocketFrameException corrupt) {
        frameRefused(corrupt);
      } else {
        failed(cause);
      }
    }
  }

  /**
   * Netty's frame decoder refused what the server sent (a frame past the limit, an unmasked-frame rule, a bad
   * opcode) and reads nothing more: the link closes with the decoder's code and waits out the grace.
   */
  private void frameRefused(CorruptedWebSocketFrameException corrupt) {
    if (corrupt.closeStatus() != null && corrupt.closeStatus().code() == CloseStatus.MESSAGE_TOO_BIG) {
      messageTooBig(inbound.limit() + 1L); // a frame past the limit, refused before its payload was read
      return;
    }
    int code = corrupt.closeStatus() != null ? corrupt.closeStatus().code() : CloseStatus.PROTOCOL_ERROR;
    beginClose(CloseStatus.of(code, corrupt.getMessage()), new ProtocolException(
        "the server sent a frame this client cannot read: " + corrupt.getMessage(), corrupt), true);
  }
}
