package dev.pbj.spi;

/**
 * Gives each new link its handler, before any bytes are delivered: on the server for each accepted connection,
 * on the client for the connection it opened. Called on the link's I/O thread; must not block.
 */
@FunctionalInterface
public interface LinkAcceptor {
  LinkHandler accept(Link link);
}
