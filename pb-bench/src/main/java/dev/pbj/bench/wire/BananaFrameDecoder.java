package dev.pbj.bench.wire;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;

/**
 * Splits a banana byte stream into its top-level expressions, each passed on as a retained slice of the bytes
 * received (no copy, no value built): the framing of the raw echo server's {@code banana} mode. The
 * {@link BananaScanner} never reads a byte twice: bytes of an expression still incomplete stay in the cumulation,
 * already scanned. One per connection.
 */
final class BananaFrameDecoder extends ByteToMessageDecoder {
  private final BananaScanner scanner = new BananaScanner(command -> ended());
  /** Bytes after the cumulation's reader index that the scanner has read: the incomplete expression so far. */
  private int scanned;
  private ByteBuf in;
  private ByteBuf rest;
  private int restBase;
  private List<Object> out;

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    if (in.readableBytes() == scanned) {
      return;
    }
    this.in = in;
    this.out = out;
    restBase = in.readerIndex() + scanned;
    rest = in.slice(restBase, in.writerIndex() - restBase);
    try {
      scanner.feed(rest);
    } finally {
      this.in = null;
      this.out = null;
      this.rest = null;
    }
    scanned = in.readableBytes();
  }

  private void ended() {
    int end = restBase + rest.readerIndex();
    out.add(in.readRetainedSlice(end - in.readerIndex()));
  }
}
