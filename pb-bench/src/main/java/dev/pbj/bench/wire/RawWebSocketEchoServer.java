package dev.pbj.bench.wire;

import io.undertow.Handlers;
import io.undertow.Undertow;
import io.undertow.websockets.core.AbstractReceiveListener;
import io.undertow.websockets.core.BufferedBinaryMessage;
import io.undertow.websockets.core.WebSocketCallback;
import io.undertow.websockets.core.WebSocketChannel;
import io.undertow.websockets.core.WebSockets;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import org.xnio.Pooled;

/**
 * The raw WebSocket echo of the WebSocket floor, run as a process of its own ({@link ServerProcess#webSocketEcho}):
 * Undertow, the server PBJ's WebSocket transport is built on, with its own API and nothing of PBJ. It binds
 * 127.0.0.1 on an ephemeral port with one I/O thread, prints {@code listening ws://127.0.0.1:PORT/}, upgrades any
 * request path, and writes every binary message back as one binary message as soon as it is read (Undertow's
 * {@code AbstractReceiveListener} and {@code WebSockets.sendBinary}, the pooled buffers sent as they are and freed
 * once written). No subprotocol is negotiated, so a browser's plain {@code new WebSocket(url)} can use it too.
 *
 * <p>It exits when its standard input reaches its end, which is when the process that started it closes the pipe or
 * dies, so it never outlives a benchmark.
 */
public final class RawWebSocketEchoServer {

  private RawWebSocketEchoServer() {}

  /** Frees a message's pooled buffers once Undertow wrote them (or failed to); one serves every message. */
  @SuppressWarnings("deprecation") // BufferedBinaryMessage hands its data over as XNIO's Pooled
  private static final WebSocketCallback<Pooled<ByteBuffer[]>> FREE = new WebSocketCallback<>() {
    @Override
    public void complete(WebSocketChannel channel, Pooled<ByteBuffer[]> data) {
      data.free();
    }

    @Override
    public void onError(WebSocketChannel channel, Pooled<ByteBuffer[]> data, Throwable error) {
      data.free();
      try {
        channel.close();
      } catch (IOException e) {
        // closing anyway
      }
    }
  };

  public static void main(String[] args) {
    AbstractReceiveListener echo = new AbstractReceiveListener() {
      @Override
      @SuppressWarnings("deprecation")
      protected void onFullBinaryMessage(WebSocketChannel channel, BufferedBinaryMessage message) {
        Pooled<ByteBuffer[]> data = message.getData();
        WebSockets.sendBinary(data.getResource(), channel, FREE, data);
      }
    };
    Undertow server = Undertow.builder()
        .setIoThreads(1)
        .setWorkerThreads(1)
        .addHttpListener(0, "127.0.0.1")
        .setHandler(Handlers.websocket((exchange, channel) -> {
          channel.getReceiveSetter().set(echo);
          channel.resumeReceives();
        }))
        .build();
    server.start();
    try {
      InetSocketAddress bound = (InetSocketAddress) server.getListenerInfo().get(0).getAddress();
      System.out.println("listening ws://" + bound.getAddress().getHostAddress() + ":" + bound.getPort() + "/");
      System.out.flush();
      drain(System.in);
    } finally {
      server.stop();
    }
  }

  private static void drain(InputStream in) {
    byte[] buffer = new byte[256];
    try {
      while (in.read(buffer) >= 0) {
        // only the end matters
      }
    } catch (IOException e) {
      // a broken pipe counts as closed
    }
  }
}
