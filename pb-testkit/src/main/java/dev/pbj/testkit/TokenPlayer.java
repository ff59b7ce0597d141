package dev.pbj.testkit;

import dev.pbj.spi.TokenSink;
import java.math.BigInteger;
import java.util.Arrays;
import java.util.List;

/** Replays tokens into a sink (an encoder), as Jelly would call it. */
public final class TokenPlayer {
  private TokenPlayer() {}

  public static void play(List<Token> tokens, TokenSink sink) {
    for (Token t : tokens) {
      switch (t.kind()) {
        case "list":
          sink.beginList(Integer.parseInt(t.value()));
          break;
        case "end":
          sink.endList();
          break;
        case "int": {
          BigInteger v = new BigInteger(t.value());
          if (v.bitLength() < Long.SIZE) {
            sink.integer(v.longValue());
          } else {
            sink.bigInteger(v);
          }
          break;
        }
        case "float":
          sink.floating(t.doubleValue());
          break;
        case "bytes": {
          // Surrounded by junk, so an encoder that ignores offset or length is caught.
          byte[] bytes = Hex.decode(t.value());
          byte[] padded = new byte[bytes.length + 5];
          Arrays.fill(padded, (byte) 0x5a);
          System.arraycopy(bytes, 0, padded, 3, bytes.length);
          sink.bytes(padded, 3, bytes.length);
          break;
        }
        case "symbol":
          sink.symbol(t.value());
          break;
        case "text":
          sink.text(t.value());
          break;
        default:
          throw new IllegalArgumentException("unknown token kind " + t.kind());
      }
    }
  }
}
