package dev.pbj;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * The addresses whose word on a client's address a server believes: the proxies in front of it. A TCP listener
 * with the PROXY protocol on ({@code PbServer.Builder#proxyProtocol}) takes a HAProxy PROXY header from these and
 * refuses a connection from anywhere else. Each entry is an IP address literal or a block of them in CIDR form
 * ({@code 10.0.0.0/8}, {@code ::1/128}); names are not looked up. Immutable.
 */
public final class TrustedProxies {
  private static final TrustedProxies LOOPBACK = of("127.0.0.0/8", "::1");

  private final List<Block> blocks;

  private TrustedProxies(List<Block> blocks) {
    this.blocks = List.copyOf(blocks);
  }

  /** The loopback addresses ({@code 127.0.0.0/8}, {@code ::1}): a proxy on the same machine. */
  public static TrustedProxies loopback() {
    return LOOPBACK;
  }

  /**
   * These addresses and blocks.
   *
   * @throws IllegalArgumentException for an entry that is not an IP literal or a CIDR block of one
   */
  public static TrustedProxies of(String... entries) {
    List<Block> blocks = new ArrayList<>();
    for (String entry : entries) {
      blocks.add(Block.parse(Objects.requireNonNull(entry, "entry").trim()));
    }
    return new TrustedProxies(blocks);
  }

  /** Whether {@code address} is one of these. */
  public boolean trusts(InetAddress address) {
    for (Block block : blocks) {
      if (block.contains(address)) {
        return true;
      }
    }
    return false;
  }

  @Override
  public String toString() {
    return blocks.toString();
  }

  /** An address and how many of its leading bits a match shares. */
  private record Block(byte[] address, int bits, String text) {
    static Block parse(String entry) {
      int slash = entry.indexOf('/');
      String literal = slash < 0 ? entry : entry.substring(0, slash);
      if (literal.isEmpty() || !(literal.indexOf(':') >= 0 || literal.matches("[0-9.]+"))) {
        throw new IllegalArgumentException("not an IP address or CIDR block: '" + entry + "'");
      }
      byte[] address;
      try {
        address = InetAddress.getByName(literal).getAddress(); // a literal: no lookup
      } catch (UnknownHostException e) {
        throw new IllegalArgumentException("not an IP address or CIDR block: '" + entry + "'", e);
      }
      int bits = address.length * 8;
      if (slash >= 0) {
        try {
          bits = Integer.parseInt(entry.substring(slash + 1));
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException("not a CIDR block: '" + entry + "'", e);
        }
        if (bits < 0 || bits > address.length * 8) {
          throw new IllegalArgumentException("prefix length out of range in '" + entry + "'");
        }
      }
      return new Block(address, bits, entry);
    }

    boolean contains(InetAddress candidate) {
      byte[] other = candidate.getAddress();
      if (other.length != address.length) {
        if (other.length == 16 && address.length == 4 && isMappedV4(other)) {
          other = Arrays.copyOfRange(other, 12, 16); // ::ffff:a.b.c.d is a.b.c.d
        } else {
          return false;
        }
      }
      int whole = bits / 8;
      for (int i = 0; i < whole; i++) {
        if (other[i] != address[i]) {
          return false;
        }
      }
      int rest = bits % 8;
      if (rest == 0) {
        return true;
      }
      int mask = 0xff << (8 - rest);
      return (other[whole] & mask) == (address[whole] & mask);
    }

    private static boolean isMappedV4(byte[] v6) {
      for (int i = 0; i < 10; i++) {
        if (v6[i] != 0) {
          return false;
        }
      }
      return v6[10] == (byte) 0xff && v6[11] == (byte) 0xff;
    }

    @Override
    public String toString() {
      return text;
    }
  }
}
