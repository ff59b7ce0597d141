package dev.pbj.spi;

import java.net.URI;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A transport module's entry point, found through {@link java.util.ServiceLoader} by URI scheme
 * ({@code tcp://host:port}, {@code ws://host:port/path}). Implementations have a public no-argument constructor;
 * they own their threads, which {@link #close()} releases.
 */
public interface TransportProvider extends AutoCloseable {

  /** The URI schemes served, e.g. {@code tcp}. */
  List<String> schemes();

  /** Whether the provider can work in this JVM; must not throw. */
  default boolean isAvailable() {
    return true;
  }

  /** Preference among providers of the same scheme: 0 to 10, 5 the default, higher wins. */
  default int priority() {
    return 5;
  }

  /**
   * Connects to {@code uri}. The acceptor is called with the new link before any bytes arrive; the future
   * completes after that, or fails with the connection error.
   */
  CompletableFuture<Link> connect(URI uri, LinkAcceptor acceptor);

  /** Listens on the host and port of {@code uri} (port 0: any free port). */
  CompletableFuture<TransportServer> listen(URI uri, LinkAcceptor acceptor);

  /** Releases the provider's threads; links and servers it made are closed. */
  @Override
  default void close() {}
}
