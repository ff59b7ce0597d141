package dev.pbj.spi;

import dev.pbj.Keepalive;
import dev.pbj.Limits;
import dev.pbj.TlsOptions;
import dev.pbj.TrustedProxies;
import java.net.InetAddress;
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
   * {@link Link#negotiatedSerializer()}; a byte stream ignores them (the first bytes negotiate in band). A name may
   * carry a variant after {@code +} ({@code msgpack+pbj}: PBJ's extensions); a peer that names none gets the first
   * plain name.
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

  /**
   * Dead-peer detection for the links this acceptor serves. A byte-stream transport turns on the socket's keepalive
   * probes with these times and calls {@link LinkHandler#onReadIdle()} when the peer has been silent for
   * {@link Keepalive#time()}; a transport with a keepalive of its own (WebSocket ping/pong) may use its own settings.
   */
  default Keepalive keepalive() {
    return Keepalive.disabled();
  }

  /**
   * TLS for the links of a secure scheme ({@code tls://}, {@code wss://}); {@code null}: the transport's own
   * configuration, if it has one (a client then trusts the JDK's CAs). A plain scheme ignores it.
   */
  default TlsOptions tls() {
    return null;
  }

  /**
   * For a server's TCP listeners: {@code null} (the default) reads no PROXY header; otherwise every connection
   * starts with a HAProxy PROXY protocol header (v1 or v2) from one of these proxies, and the link's remote address
   * is the client's that it names. A connection from any other address is refused, as is one whose header is
   * malformed or does not come in time.
   */
  default TrustedProxies proxyProtocol() {
    return null;
  }

  /**
   * For a server's WebSocket listeners: the proxies whose forwarded headers ({@code Forwarded},
   * {@code X-Forwarded-For}, {@code X-Forwarded-Host}, {@code X-Forwarded-Proto}) are believed, for the link's
   * remote address and the Origin check; {@code null} (the default): nobody's, the headers are ignored.
   */
  default TrustedProxies trustedProxies() {
    return null;
  }

  /**
   * For a client's connection: the local address its socket is bound to before it connects (the source address,
   * say one of several of {@code 127.0.0.0/8}, each with its own range of ports); {@code null} (the default): the
   * system's choice. A transport that cannot choose fails the connect with {@link UnsupportedOperationException}.
   */
  default InetAddress localAddress() {
    return null;
  }
}
