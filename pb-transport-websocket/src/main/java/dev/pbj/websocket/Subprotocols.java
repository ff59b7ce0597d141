package dev.pbj.websocket;

import java.util.ArrayList;
import java.util.List;

/**
 * The {@code Sec-WebSocket-Protocol} rules of this transport: the subprotocol names are the serializer names
 * ({@code banana}, {@code msgpack}); the client offers its list in its order of preference and the server picks
 * the first of its own preference list that the client offered.
 */
final class Subprotocols {

  private Subprotocols() {}

  /** The names in the request's {@code Sec-WebSocket-Protocol} header values, in order, without blanks. */
  static List<String> parse(Iterable<String> headerValues) {
    List<String> names = new ArrayList<>();
    if (headerValues == null) {
      return names;
    }
    for (String value : headerValues) {
      for (String name : value.split(",")) {
        String trimmed = name.trim();
        if (!trimmed.isEmpty()) {
          names.add(trimmed);
        }
      }
    }
    return names;
  }

  /**
   * What a client that offered no subprotocol gets: the first plain serializer name, since a variant after {@code +}
   * ({@code msgpack+pbj}, PBJ's extensions) must be asked for.
   */
  static String fallback(List<String> serverPreference) {
    for (String name : serverPreference) {
      if (name.indexOf('+') < 0) {
        return name;
      }
    }
    return serverPreference.get(0);
  }

  /** The first of {@code serverPreference} that {@code offered} contains, or {@code null} if none is. */
  static String choose(List<String> serverPreference, List<String> offered) {
    for (String name : serverPreference) {
      if (offered.contains(name)) {
        return name;
      }
    }
    return null;
  }
}
