package dev.pbj;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;

class TrustedProxiesTest {
  private static InetAddress at(String literal) throws Exception {
    return InetAddress.getByName(literal);
  }

  @Test
  void addressesAndBlocksOfBothFamilies() throws Exception {
    TrustedProxies proxies = TrustedProxies.of("10.1.0.0/16", "192.0.2.7", "2001:db8::/32", "172.16.0.0/12");
    assertThat(proxies.trusts(at("10.1.255.3"))).isTrue();
    assertThat(proxies.trusts(at("10.2.0.1"))).isFalse();
    assertThat(proxies.trusts(at("192.0.2.7"))).isTrue();
    assertThat(proxies.trusts(at("192.0.2.8"))).isFalse();
    assertThat(proxies.trusts(at("2001:db8:1::5"))).isTrue();
    assertThat(proxies.trusts(at("2001:db9::5"))).isFalse();
    assertThat(proxies.trusts(at("172.31.255.255"))).isTrue(); // a prefix that is not a whole number of bytes
    assertThat(proxies.trusts(at("172.32.0.0"))).isFalse();
    assertThat(proxies.trusts(at("::ffff:10.1.2.3"))).as("an IPv4-mapped address is its IPv4 one").isTrue();
  }

  @Test
  void loopbackIsTheLoopbackBlocks() throws Exception {
    assertThat(TrustedProxies.loopback().trusts(at("127.0.0.1"))).isTrue();
    assertThat(TrustedProxies.loopback().trusts(at("127.9.9.9"))).isTrue();
    assertThat(TrustedProxies.loopback().trusts(at("::1"))).isTrue();
    assertThat(TrustedProxies.loopback().trusts(at("192.168.0.1"))).isFalse();
  }

  @Test
  void namesAndMalformedBlocksAreRefusedWithoutALookup() {
    for (String bad : new String[] {"proxy.example", "", "10.0.0.0/33", "10.0.0.0/x", "::1/129", "1.2.3.4/-1"}) {
      assertThatThrownBy(() -> TrustedProxies.of(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
    }
  }
}
