package dev.pbj.websocket;

import dev.pbj.TrustedProxies;
import io.undertow.util.HeaderMap;
import io.undertow.util.HttpString;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What a trusted proxy says of the request it forwarded: the client's address ({@code Forwarded: for=}, else
 * {@code X-Forwarded-For}), and the host and scheme the client used ({@code Forwarded: host= proto=}, else
 * {@code X-Forwarded-Host} and {@code X-Forwarded-Proto}), for the link's peer address and the Origin check. Believed
 * only from a {@link TrustedProxies} address; from anyone else the headers are ignored. With several proxies in a
 * row, the client is the nearest address that is not itself a trusted proxy; a value that is no IP literal
 * ({@code unknown}, an obfuscated name) is not taken.
 */
record ForwardedHeaders(InetSocketAddress client, String host, Boolean secure) {
  private static final HttpString FORWARDED = new HttpString("Forwarded");
  private static final HttpString X_FORWARDED_FOR = new HttpString("X-Forwarded-For");
  private static final HttpString X_FORWARDED_HOST = new HttpString("X-Forwarded-Host");
  private static final HttpString X_FORWARDED_PROTO = new HttpString("X-Forwarded-Proto");

  /** What {@code headers} say, if {@code peer} is trusted; null when it is not, or they say nothing. */
  static ForwardedHeaders of(HeaderMap headers, InetSocketAddress peer, TrustedProxies trusted) {
    if (trusted == null || peer == null || peer.getAddress() == null || !trusted.trusts(peer.getAddress())) {
      return null;
    }
    List<String[]> hops = forwardedElements(headers); // each: for, host, proto
    List<String> fors = new ArrayList<>();
    String host = null;
    String proto = null;
    if (!hops.isEmpty()) {
      for (String[] hop : hops) {
        fors.add(hop[0]);
      }
      String[] nearest = hops.get(hops.size() - 1);
      host = nearest[1];
      proto = nearest[2];
    } else {
      for (String value : values(headers, X_FORWARDED_FOR)) {
        for (String part : value.split(",")) {
          fors.add(part.trim());
        }
      }
      host = last(values(headers, X_FORWARDED_HOST));
      proto = last(values(headers, X_FORWARDED_PROTO));
    }
    InetSocketAddress client = null;
    for (int i = fors.size() - 1; i >= 0; i--) {
      InetSocketAddress hop = address(fors.get(i));
      if (hop == null) {
        break; // unknown or obfuscated: nothing further left is to be believed
      }
      client = hop;
      if (!trusted.trusts(hop.getAddress())) {
        break;
      }
    }
    Boolean secure = proto == null ? null : switch (proto.toLowerCase(Locale.ROOT)) {
      case "https", "wss" -> Boolean.TRUE;
      case "http", "ws" -> Boolean.FALSE;
      default -> null;
    };
    if (client == null && host == null && secure == null) {
      return null;
    }
    return new ForwardedHeaders(client, host == null || host.isBlank() ? null : host.trim(), secure);
  }

  /** RFC 7239's elements, in order, each as {for, host, proto} (null where absent). */
  private static List<String[]> forwardedElements(HeaderMap headers) {
    List<String[]> elements = new ArrayList<>();
    for (String value : values(headers, FORWARDED)) {
      for (String element : value.split(",")) {
        String[] hop = new String[3];
        for (String pair : element.split(";")) {
          int equals = pair.indexOf('=');
          if (equals < 0) {
            continue;
          }
          String name = pair.substring(0, equals).trim().toLowerCase(Locale.ROOT);
          String token = unquote(pair.substring(equals + 1).trim());
          switch (name) {
            case "for" -> hop[0] = token;
            case "host" -> hop[1] = token;
            case "proto" -> hop[2] = token;
            default -> { }
          }
        }
        if (hop[0] != null || hop[1] != null || hop[2] != null) {
          elements.add(hop);
        }
      }
    }
    return elements;
  }

  /** An IP literal, bracketed for IPv6, with or without a port; null for anything else. */
  static InetSocketAddress address(String value) {
    if (value == null || value.isEmpty()) {
      return null;
    }
    String literal = value;
    int port = 0;
    if (value.startsWith("[")) {
      int close = value.indexOf(']');
      if (close < 0) {
        return null;
      }
      literal = value.substring(1, close);
      String rest = value.substring(close + 1);
      if (rest.startsWith(":")) {
        port = port(rest.substring(1));
      } else if (!rest.isEmpty()) {
        return null;
      }
    } else if (value.indexOf(':') >= 0 && value.indexOf(':') == value.lastIndexOf(':')) {
      literal = value.substring(0, value.indexOf(':')); // IPv4 with a port
      port = port(value.substring(value.indexOf(':') + 1));
    }
    if (port < 0 || !(literal.indexOf(':') >= 0 || literal.matches("[0-9]{1,3}(\\.[0-9]{1,3}){3}"))) {
      return null;
    }
    try {
      return new InetSocketAddress(InetAddress.getByName(literal), port); // a literal: no lookup
    } catch (UnknownHostException | IllegalArgumentException e) {
      return null;
    }
  }

  private static int port(String digits) {
    if (!digits.matches("[0-9]{1,5}")) {
      return -1;
    }
    int port = Integer.parseInt(digits);
    return port <= 65535 ? port : -1;
  }

  private static String unquote(String token) {
    return token.length() >= 2 && token.startsWith("\"") && token.endsWith("\"")
        ? token.substring(1, token.length() - 1) : token;
  }

  private static List<String> values(HeaderMap headers, HttpString name) {
    var values = headers.get(name);
    return values == null ? List.of() : new ArrayList<>(values);
  }

  private static String last(List<String> values) {
    if (values.isEmpty()) {
      return null;
    }
    String value = values.get(values.size() - 1);
    int comma = value.lastIndexOf(',');
    return (comma < 0 ? value : value.substring(comma + 1)).trim();
  }
}
