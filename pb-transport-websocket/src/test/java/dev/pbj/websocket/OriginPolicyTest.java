package dev.pbj.websocket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class OriginPolicyTest {

  private final OriginPolicy byDefault = OriginPolicy.sameOriginAndLoopback();

  @Test
  void requestsWithoutAnOriginAlwaysPass() {
    assertThat(byDefault.allows(null, "example.com", false)).isTrue();
    assertThat(OriginPolicy.exactly(List.of("https://a.example")).allows(null, null, true)).isTrue();
  }

  @Test
  void theDefaultTakesLoopbackPagesOnAnyPortAndTheServersOwnOrigin() {
    assertThat(byDefault.allows("http://localhost:1", "10.0.0.1:8790", false)).isTrue();
    assertThat(byDefault.allows("https://127.0.0.1:65535", null, false)).isTrue();
    assertThat(byDefault.allows("http://[::1]:3000", null, false)).isTrue();
    assertThat(byDefault.allows("http://pbj.example:8790", "pbj.example:8790", false)).isTrue();
    assertThat(byDefault.allows("http://PBJ.example:8790", "pbj.EXAMPLE:8790", false)).isTrue();
    assertThat(byDefault.allows("https://pbj.example", "pbj.example", true)).as("443 on both sides").isTrue();
    assertThat(byDefault.allows("http://pbj.example", "pbj.example:80", false)).isTrue();
    assertThat(byDefault.allows("http://[2001:db8::1]:8790", "[2001:db8::1]:8790", false)).isTrue();
  }

  @Test
  void theDefaultRefusesOtherPagesAndOpaqueOrigins() {
    assertThat(byDefault.allows("http://evil.example", "pbj.example", false)).isFalse();
    assertThat(byDefault.allows("http://pbj.example:8791", "pbj.example:8790", false)).isFalse();
    assertThat(byDefault.allows("https://pbj.example", "pbj.example", false)).as("443 against 80").isFalse();
    assertThat(byDefault.allows("null", "pbj.example", false)).isFalse();
    assertThat(byDefault.allows("http://localhost.evil.example", null, false)).isFalse();
    assertThat(byDefault.allows("not a uri", "pbj.example", false)).isFalse();
    assertThat(byDefault.allows("http://pbj.example", null, false)).as("no Host to compare").isFalse();
  }

  @Test
  void exactOriginsCompareBySchemeHostAndPort() {
    var policy = OriginPolicy.exactly(List.of("https://app.example", "http://127.0.0.1:8790/"));
    assertThat(policy.allows("https://app.example:443", "x", false)).isTrue();
    assertThat(policy.allows("HTTPS://App.Example", "x", false)).isTrue();
    assertThat(policy.allows("http://127.0.0.1:8790", "x", false)).isTrue();
    assertThat(policy.allows("http://app.example", "app.example", false)).isFalse();
    assertThat(policy.allows("http://localhost:8790", "x", false)).isFalse();
    assertThat(policy.allows("http://127.0.0.1:8790", "127.0.0.1:8790", false)).isTrue();
    assertThat(policy.allows("http://127.0.0.1:8791", "127.0.0.1:8791", false))
        .as("not even the same origin, unless listed").isFalse();
  }

  @Test
  void exactOriginsMustBeOrigins() {
    for (String bad : List.of("app.example", "https://app.example/path", "https://app.example?q", "ftp://x.example",
        "https://user@app.example")) {
      assertThatThrownBy(() -> OriginPolicy.exactly(List.of(bad))).as(bad)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("'" + bad + "' is not an origin");
    }
  }

  @Test
  void anyOriginIsAny() {
    assertThat(OriginPolicy.any().allows("null", null, false)).isTrue();
    assertThat(OriginPolicy.any().describe()).isEqualTo("any origin");
  }
}
