package dev.pbj.websocket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.Test;

class SubprotocolsAndEndpointTest {

  @Test
  void parsesOffersFromEveryHeaderValue() {
    assertThat(Subprotocols.parse(List.of("banana, msgpack", " cbor ", ",,"))).containsExactly("banana", "msgpack",
        "cbor");
    assertThat(Subprotocols.parse(null)).isEmpty();
  }

  @Test
  void choosesByTheServersPreference() {
    List<String> server = List.of("msgpack", "banana");
    assertThat(Subprotocols.choose(server, List.of("banana", "msgpack"))).isEqualTo("msgpack");
    assertThat(Subprotocols.choose(server, List.of("banana"))).isEqualTo("banana");
    assertThat(Subprotocols.choose(server, List.of("json"))).isNull();
    assertThat(Subprotocols.choose(server, List.of("MSGPACK"))).as("names are case-sensitive").isNull();
  }

  @Test
  void endpointsTakeWsUrisApartWithDefaults() {
    assertThat(Endpoint.of(URI.create("ws://127.0.0.1:8790/pb"), true))
        .isEqualTo(new Endpoint(false, "127.0.0.1", 8790, "/pb"));
    assertThat(Endpoint.of(URI.create("WSS://example.com"), false))
        .isEqualTo(new Endpoint(true, "example.com", 443, "/pb"));
    assertThat(Endpoint.of(URI.create("ws://[::1]:1/"), true)).isEqualTo(new Endpoint(false, "::1", 1, "/pb"));
    assertThat(Endpoint.of(URI.create("ws://example.com/deep/path"), false).uri())
        .isEqualTo(URI.create("ws://example.com:80/deep/path"));
    assertThat(Endpoint.of(URI.create("ws://[::1]:8790"), false).uri()).isEqualTo(URI.create("ws://[::1]:8790/pb"));
    assertThat(Endpoint.of(URI.create("ws://[::1]:8790"), false)).hasToString("ws://[::1]:8790/pb");
  }

  @Test
  void endpointsRefuseOtherUris() {
    assertThatThrownBy(() -> Endpoint.of(URI.create("http://example.com/pb"), false))
        .hasMessage("not a ws:// or wss:// URI: http://example.com/pb");
    assertThatThrownBy(() -> Endpoint.of(URI.create("ws:///pb"), false)).hasMessageContaining("no host");
    assertThatThrownBy(() -> Endpoint.of(URI.create("ws://example.com/pb"), true)).hasMessageContaining("no port");
  }
}
