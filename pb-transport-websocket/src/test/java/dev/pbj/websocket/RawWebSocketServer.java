package dev.pbj.websocket;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A hand-written WebSocket server for client tests: accepts one connection on 127.0.0.1, answers its upgrade with
 * 101 and the given subprotocol (or none), then lets the test read the client's frames and write its own, unmasked.
 * Never answers pings unless told to.
 */
final class RawWebSocketServer implements AutoCloseable {

  private static final String ACCEPT_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

  private final ServerSocket listener;
  private final CompletableFuture<Socket> connection = new CompletableFuture<>();
  private final CompletableFuture<Void> requested = new CompletableFuture<>();

  /** Listens and, on a thread of its own, upgrades the first connection, answering with {@code subprotocol}. */
  RawWebSocketServer(String subprotocol) throws IOException {
    this(subprotocol, CompletableFuture.completedFuture(null));
  }

  /** As {@link #RawWebSocketServer(String)}, holding the answer to the upgrade until {@code answer} completes. */
  RawWebSocketServer(String subprotocol, CompletableFuture<Void> answer) throws IOException {
    this(subprotocol, answer, 0);
  }

  /**
   * As {@link #RawWebSocketServer(String)}, its connection's kernel receive buffer fixed at
   * {@code receiveBufferSize} bytes (0: the system's, which may grow to many MiB), for tests of a server that does not
   * read.
   */
  RawWebSocketServer(String subprotocol, int receiveBufferSize) throws IOException {
    this(subprotocol, CompletableFuture.completedFuture(null), receiveBufferSize);
  }

  private RawWebSocketServer(String subprotocol, CompletableFuture<Void> answer, int receiveBufferSize)
      throws IOException {
    listener = new ServerSocket();
    if (receiveBufferSize > 0) {
      listener.setReceiveBufferSize(receiveBufferSize); // before bind: accepted sockets inherit it
    }
    listener.bind(new InetSocketAddress("127.0.0.1", 0));
    Thread acceptor = new Thread(() -> {
      try {
        Socket socket = listener.accept();
        socket.setSoTimeout(10_000);
        String key = null;
        for (String line = readLine(socket); !line.isEmpty(); line = readLine(socket)) {
          if (line.toLowerCase(Locale.ROOT).startsWith("sec-websocket-key:")) {
            key = line.substring(line.indexOf(':') + 1).trim();
          }
        }
        requested.complete(null);
        answer.get(RecordingHandler.TIMEOUT_SECONDS, TimeUnit.SECONDS);
        String response = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            + "Sec-WebSocket-Accept: " + accept(key) + "\r\n"
            + (subprotocol == null ? "" : "Sec-WebSocket-Protocol: " + subprotocol + "\r\n") + "\r\n";
        socket.getOutputStream().write(response.getBytes(US_ASCII));
        socket.getOutputStream().flush();
        connection.complete(socket);
      } catch (Exception e) {
        requested.completeExceptionally(e);
        connection.completeExceptionally(e);
      }
    }, "raw-websocket-server");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  int port() {
    return listener.getLocalPort();
  }

  /** Completes once the upgrade request has been read, before it is answered. */
  CompletableFuture<Void> upgradeRequested() {
    return requested;
  }

  /** The upgraded connection, once the client has connected. */
  Socket connection() throws Exception {
    return connection.get(RecordingHandler.TIMEOUT_SECONDS, TimeUnit.SECONDS);
  }

  /** Whether the client has closed the connection: the next read finds its end. */
  boolean atEnd() throws Exception {
    try {
      return connection().getInputStream().read() < 0;
    } catch (java.net.SocketException e) {
      return true; // reset
    }
  }

  /** Reads the next frame from the client, unmasking it. */
  RawWebSocket.Frame read() throws Exception {
    var in = new DataInputStream(connection().getInputStream());
    int first = in.readUnsignedByte();
    int second = in.readUnsignedByte();
    long length = second & 0x7F;
    if (length == 126) {
      length = in.readUnsignedShort();
    } else if (length == 127) {
      length = in.readLong();
    }
    byte[] mask = (second & 0x80) != 0 ? in.readNBytes(4) : null;
    byte[] payload = new byte[Math.toIntExact(length)];
    in.readFully(payload);
    if (mask != null) {
      for (int i = 0; i < payload.length; i++) {
        payload[i] ^= mask[i & 3];
      }
    }
    return new RawWebSocket.Frame((first & 0x80) != 0, first & 0x0F, payload);
  }

  /** Writes one unmasked frame. */
  void send(int opcode, byte[] payload, boolean fin) throws Exception {
    var frame = new ByteArrayOutputStream();
    frame.write((fin ? 0x80 : 0) | opcode);
    if (payload.length < 126) {
      frame.write(payload.length);
    } else if (payload.length < 65536) {
      frame.write(126);
      frame.write(payload.length >>> 8);
      frame.write(payload.length);
    } else {
      frame.write(127);
      frame.writeBytes(java.nio.ByteBuffer.allocate(8).putLong(payload.length).array());
    }
    frame.writeBytes(payload);
    OutputStream out = connection().getOutputStream();
    out.write(frame.toByteArray());
    out.flush();
  }

  void sendText(String text) throws Exception {
    send(RawWebSocket.TEXT, text.getBytes(UTF_8), true);
  }

  @Override
  public void close() throws IOException {
    listener.close();
    connection.thenAccept(socket -> {
      try {
        socket.close();
      } catch (IOException ignored) {
        // closing anyway
      }
    });
  }

  private static String readLine(Socket socket) throws IOException {
    var line = new ByteArrayOutputStream();
    int b;
    while ((b = socket.getInputStream().read()) != '\n') {
      if (b < 0) {
        throw new EOFException("connection closed in the upgrade request");
      }
      if (b != '\r') {
        line.write(b);
      }
    }
    return line.toString(US_ASCII);
  }

  private static String accept(String key) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-1").digest((key + ACCEPT_GUID).getBytes(US_ASCII));
      return Base64.getEncoder().encodeToString(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }
}
