package dev.pbj.tcp;

import dev.pbj.TlsOptions;
import dev.pbj.spi.LinkAcceptor;
import dev.pbj.spi.TransportServer;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A listening TCP socket; each connection it accepts becomes a {@link TcpLink} whose handler the acceptor gives,
 * on that link's I/O thread.
 *
 * <p>Thread-safe. {@link #close()} stops accepting, then closes every link it accepted after their written bytes
 * (forcing any that take longer than the provider's close grace); it waits for that unless called on an I/O
 * thread, and is idempotent.
 */
final class TcpServer implements TransportServer {

  private final Channel serverChannel;
  private final InetSocketAddress localAddress;
  private final ChannelGroup links;
  private final AtomicBoolean closed;
  private final EventLoops loops;
  private final long closeGraceMillis;

  private TcpServer(Channel serverChannel, ChannelGroup links, AtomicBoolean closed, EventLoops loops,
      long closeGraceMillis) {
    this.serverChannel = serverChannel;
    this.localAddress = (InetSocketAddress) serverChannel.localAddress();
    this.links = links;
    this.closed = closed;
    this.loops = loops;
    this.closeGraceMillis = closeGraceMillis;
  }

  /**
   * Binds {@code address}; the future completes with the server once it listens, or fails with the bind error.
   * The server stays in {@code openServers} while it is open. With {@code tls}, each connection's link is handed
   * to the acceptor after its TLS handshake.
   */
  static CompletableFuture<TransportServer> bind(EventLoops loops, InetSocketAddress address,
      LinkAcceptor acceptor, TlsOptions tls, Set<TcpServer> openServers, long closeGraceMillis) {
    ChannelGroup links = new DefaultChannelGroup("pbj-tcp-links", GlobalEventExecutor.INSTANCE);
    AtomicBoolean closed = new AtomicBoolean();
    ServerBootstrap bootstrap = new ServerBootstrap()
        .group(loops.group)
        .channelFactory(loops.serverChannels)
        .childOption(ChannelOption.TCP_NODELAY, true)
        .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, TcpTransportProvider.waterMarks(acceptor))
        .childHandler(new ChannelInitializer<Channel>() {
          @Override
          protected void initChannel(Channel channel) {
            // Added before the check so that close() either sees the link in the group or this sees the flag.
            links.add(channel);
            if (closed.get()) {
              channel.close();
              return;
            }
            if (tls != null) {
              TlsHandshake.installServer(channel, tls);
            }
            if (acceptor.proxyProtocol() != null) {
              ProxyProtocol.install(channel, acceptor.proxyProtocol()); // first: the header precedes TLS
            }
            TcpKeepalive.install(channel, acceptor.keepalive());
            channel.pipeline().addLast(new TcpLink(channel, acceptor, null, closeGraceMillis));
          }
        });

    CompletableFuture<TransportServer> result = new CompletableFuture<>();
    ChannelFuture bound = bootstrap.bind(address);
    bound.addListener(done -> {
      if (!done.isSuccess()) {
        result.completeExceptionally(done.cause());
        return;
      }
      TcpServer server = new TcpServer(bound.channel(), links, closed, loops, closeGraceMillis);
      openServers.add(server);
      // once closed (not when it only stopped accepting: its links are still the provider's to close)
      server.forget = () -> openServers.remove(server);
      bound.channel().closeFuture().addListener(gone -> {
        if (closed.get()) {
          server.forget.run();
        }
      });
      if (!result.complete(server)) {
        server.close(); // the caller cancelled
      }
    });
    result.whenComplete((server, error) -> {
      if (result.isCancelled()) {
        bound.channel().close();
      }
    });
    return result;
  }

  @Override
  public InetSocketAddress localAddress() {
    return localAddress;
  }

  /** Removes this server from its provider's open servers; set once bound. */
  private volatile Runnable forget = () -> {};

  @Override
  public void stopAccepting() {
    ChannelFuture stopped = serverChannel.close();
    if (!loops.inIoThread()) {
      stopped.awaitUninterruptibly(1_000);
    }
  }

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    ChannelFuture stopped = serverChannel.close();
    stopped.addListener(gone -> forget.run());
    TcpLink.closeAll(links, loops, closeGraceMillis);
    if (!loops.inIoThread()) {
      stopped.awaitUninterruptibly(1_000);
    }
  }

  @Override
  public String toString() {
    return "TcpServer[" + localAddress + "]";
  }
}
