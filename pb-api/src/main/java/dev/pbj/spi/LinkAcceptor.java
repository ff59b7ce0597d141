package dev.pbj.spi;

import dev.pbj.Limits;
import java.util.List;

/**
 * Gives each new link its handler, before any bytes are delivered: on the server for each accepted connection,
 * on the client for the connection it opened. Called on the link's I/O thread; must not block.
 */
@FunctionalInterface
public interface LinkAcceptor {
  LinkHandler accept(Link link);

  /**
   * The serializer names this side accepts, preferred first. A transport that agrees on the serializer itself (a
   * WebSocket subprotocol) offers or picks from these and reports the choice as
   * {@link Link#negotiatedSerializer()}; a byte stream ignores them (the first bytes negotiate in band).
   */
  default List<String> serializers() {
    return List.of();
  }

  /**
   * The limits of the connections this acceptor serves. A transport that frames messages itself (WebSocket) refuses
   * a frame over {@link Limits#maxMessageLength()} before reading it.
   */
  default Limits limits() {
    return Limits.defaults();
  }
}
