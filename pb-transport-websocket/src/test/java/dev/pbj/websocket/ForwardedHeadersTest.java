package dev.pbj.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pbj.TrustedProxies;
import io.undertow.util.HeaderMap;
import io.undertow.util.HttpString;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

class ForwardedHeadersTest {
  private static final TrustedProxies TRUSTED = TrustedProxies.of("10.0.0.0/8");
  private static final InetSocketAddress PROXY = new InetSocketAddress("10.1.2.3", 40000);

  private static HeaderMap headers(String... namesAndValues) {
    HeaderMap map = new HeaderMap();
    for (int i = 0; i < namesAndValues.length; i += 2) {
      map.add(new HttpString(namesAndValues[i]), namesAndValues[i + 1]);
    }
    return map;
  }

  @Test
  void xForwardedHeadersFromATrustedProxy() {
    ForwardedHeaders got = ForwardedHeaders.of(headers("X-Forwarded-For", "198.51.100.9, 10.9.9.9",
        "X-Forwarded-Host", "app.example", "X-Forwarded-Proto", "https"), PROXY, TRUSTED);
    assertThat(got.client()).isEqualTo(new InetSocketAddress("198.51.100.9", 0)); // 10.9.9.9 is a trusted hop
    assertThat(got.host()).isEqualTo("app.example");
    assertThat(got.secure()).isTrue();
  }

  @Test
  void forwardedWinsAndKeepsPortsAndIpv6() {
    ForwardedHeaders got = ForwardedHeaders.of(headers("Forwarded",
        "for=\"[2001:db8::7]:4711\";proto=http;host=app.example:8080", "X-Forwarded-For", "203.0.113.1"),
        PROXY, TRUSTED);
    assertThat(got.client()).isEqualTo(new InetSocketAddress("2001:db8::7", 4711));
    assertThat(got.host()).isEqualTo("app.example:8080");
    assertThat(got.secure()).isFalse();
  }

  @Test
  void ignoredFromAnyoneElseAndNamesAreNotBelieved() {
    assertThat(ForwardedHeaders.of(headers("X-Forwarded-For", "198.51.100.9"),
        new InetSocketAddress("192.0.2.1", 1), TRUSTED)).isNull();
    assertThat(ForwardedHeaders.of(headers("X-Forwarded-For", "198.51.100.9"), PROXY, null)).isNull();
    assertThat(ForwardedHeaders.of(headers("Forwarded", "for=unknown"), PROXY, TRUSTED)).isNull();
    assertThat(ForwardedHeaders.of(headers("X-Forwarded-For", "evil.example"), PROXY, TRUSTED)).isNull();
    // an unknown hop stops the walk: what is left of it cannot be believed
    assertThat(ForwardedHeaders.of(headers("X-Forwarded-For", "198.51.100.9, _hidden, 10.0.0.5"), PROXY,
        TRUSTED).client()).isEqualTo(new InetSocketAddress("10.0.0.5", 0));
  }
}
