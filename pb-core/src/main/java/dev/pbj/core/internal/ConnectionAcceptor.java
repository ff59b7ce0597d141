package dev.pbj.core.internal;

import dev.pbj.Broker;
import dev.pbj.Keepalive;
import dev.pbj.Limits;
import dev.pbj.TlsOptions;
import dev.pbj.spi.Link;
import dev.pbj.spi.LinkAcceptor;
import dev.pbj.spi.LinkHandler;
import dev.pbj.spi.SerializerProvider;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * What a client or server tells its transports: each new link becomes a {@link Connection}, and the links get the
 * serializers (with PBJ's extensions offered first), limits, keepalive and TLS of its configuration.
 */
public final class ConnectionAcceptor implements LinkAcceptor {
  private final boolean server;
  private final List<SerializerProvider> serializers;
  private final BrokerConfig config;
  private final TlsOptions tls;
  private final Supplier<CompletableFuture<Broker>> ready;

  /**
   * @param tls null: the transports' own configuration
   * @param ready makes the future each new connection completes with its broker once the dialect is chosen
   */
  public ConnectionAcceptor(boolean server, List<SerializerProvider> serializers, BrokerConfig config,
      TlsOptions tls, Supplier<CompletableFuture<Broker>> ready) {
    this.server = server;
    this.serializers = serializers;
    this.config = config;
    this.tls = tls;
    this.ready = ready;
  }

  @Override
  public LinkHandler accept(Link link) {
    Connection connection = new Connection(link, server, serializers, config, ready.get());
    connection.start();
    return connection;
  }

  @Override
  public List<String> serializers() {
    return Connection.withExtensions(config.serializers());
  }

  @Override
  public Limits limits() {
    return config.limits();
  }

  @Override
  public Keepalive keepalive() {
    return config.keepalive();
  }

  @Override
  public TlsOptions tls() {
    return tls;
  }
}
