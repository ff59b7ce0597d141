package dev.pbj.websocket;

import dev.pbj.Limits;
import dev.pbj.spi.Link;
import dev.pbj.spi.LinkAcceptor;
import dev.pbj.spi.LinkHandler;
import java.util.List;
import java.util.function.Function;

/** {@link LinkAcceptor}s for tests: a handler function plus the serializer names (and limits) the side accepts. */
final class Acceptors {

  static final List<String> BANANA_MSGPACK = List.of("banana", "msgpack");

  private Acceptors() {}

  static LinkAcceptor accepting(List<String> serializers, Function<Link, LinkHandler> handlers) {
    return accepting(serializers, Limits.defaults(), handlers);
  }

  static LinkAcceptor accepting(Limits limits, Function<Link, LinkHandler> handlers) {
    return accepting(BANANA_MSGPACK, limits, handlers);
  }

  static LinkAcceptor accepting(List<String> serializers, Limits limits, Function<Link, LinkHandler> handlers) {
    return new LinkAcceptor() {
      @Override
      public LinkHandler accept(Link link) {
        return handlers.apply(link);
      }

      @Override
      public List<String> serializers() {
        return serializers;
      }

      @Override
      public Limits limits() {
        return limits;
      }
    };
  }

  static LinkAcceptor accepting(Function<Link, LinkHandler> handlers) {
    return accepting(BANANA_MSGPACK, handlers);
  }

  static LinkAcceptor handing(LinkHandler handler) {
    return accepting(link -> handler);
  }
}
