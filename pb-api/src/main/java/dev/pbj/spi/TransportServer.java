package dev.pbj.spi;

import java.net.InetSocketAddress;

/**
 * A listening endpoint of a transport. Closing stops accepting and closes the links it accepted.
 */
public interface TransportServer extends AutoCloseable {

  /** The address actually bound (with the real port when port 0 was asked for). */
  InetSocketAddress localAddress();

  /**
   * Stops accepting connections and leaves those accepted open (a graceful shutdown lets them finish, then closes
   * them); idempotent. {@link #close()} still closes them.
   */
  void stopAccepting();

  @Override
  void close();
}
