package dev.pbj.websocket;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static java.nio.charset.StandardCharsets.UTF_8;

import dev.pbj.spi.TransportServer;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * A hand-written WebSocket client for tests that need what a well-behaved client never does: chosen headers, text
 * frames, oversized or fragmented messages, silence. Speaks just enough RFC 6455: the upgrade request, masked
 * frames out, unmasked frames in. Reads time out after 10 seconds.
 */
final class RawWebSocket implements AutoCloseable {

  static final int CONTINUATION = 0x0;
  static final int TEXT = 0x1;
  static final int BINARY = 0x2;
  static final int CLOSE = 0x8;
  static final int PING = 0x9;
  static final int PONG = 0xA;

  /** The server's answer to the upgrade request; header names in lower case. */
  record Response(int status, Map<String, String> headers, String body) {}

  /** One frame from the server. */
  record Frame(boolean fin, int opcode, byte[] payload) {
    int closeCode() {
      return payload.length < 2 ? 1005 : ByteBuffer.wrap(payload).getShort() & 0xFFFF;
    }

    String closeReason() {
      return payload.length < 2 ? "" : new String(payload, 2, payload.length - 2, UTF_8);
    }

    @Override
    public String toString() {
      return "Frame[opcode=" + opcode + ", fin=" + fin + ", " + payload.length + " bytes"
          + (opcode == CLOSE ? ", " + closeCode() + " " + closeReason() : "") + "]";
    }
  }

  private final Socket socket;
  private final DataInputStream in;
  private final OutputStream out;
  private final Random random = new Random(42);

  private RawWebSocket(Socket socket) throws IOException {
    this.socket = socket;
    this.in = new DataInputStream(socket.getInputStream());
    this.out = socket.getOutputStream();
  }

  /** A TCP connection to the server, nothing sent yet. */
  static RawWebSocket connect(int port) throws IOException {
    var socket = new Socket();
    socket.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
    socket.setSoTimeout(10_000);
    socket.setTcpNoDelay(true);
    return new RawWebSocket(socket);
  }

  /** A WebSocket to {@code path} that offers {@code banana}; fails unless the server upgrades. */
  static RawWebSocket upgrade(TransportServer server, String path) throws IOException {
    RawWebSocket raw = connect(server.localAddress().getPort());
    Response response = raw.requestUpgrade(path, Map.of("Sec-WebSocket-Protocol", "banana"));
    if (response.status() != 101) {
      raw.close();
      throw new IOException("upgrade refused: " + response);
    }
    return raw;
  }

  Socket socket() {
    return socket;
  }

  /**
   * Sends an upgrade request for {@code path} with the usual headers (Host 127.0.0.1:port, a key, version 13) plus
   * {@code extra}, which may replace them; returns the response, with its body unless it is 101.
   */
  Response requestUpgrade(String path, Map<String, String> extra) throws IOException {
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Host", "127.0.0.1:" + socket.getPort());
    headers.put("Upgrade", "websocket");
    headers.put("Connection", "Upgrade");
    byte[] key = new byte[16];
    random.nextBytes(key);
    headers.put("Sec-WebSocket-Key", Base64.getEncoder().encodeToString(key));
    headers.put("Sec-WebSocket-Version", "13");
    headers.putAll(extra);
    return request("GET", path, headers);
  }

  /** Sends a plain HTTP/1.1 request and reads the response (with its body, unless 101). */
  Response request(String method, String path, Map<String, String> headers) throws IOException {
    StringBuilder request = new StringBuilder(method + " " + path + " HTTP/1.1\r\n");
    headers.forEach((name, value) -> request.append(name).append(": ").append(value).append("\r\n"));
    if (!headers.containsKey("Host")) {
      request.append("Host: 127.0.0.1:").append(socket.getPort()).append("\r\n");
    }
    request.append("\r\n");
    out.write(request.toString().getBytes(US_ASCII));
    out.flush();
    return readResponse(method.equals("HEAD"));
  }

  private Response readResponse(boolean head) throws IOException {
    String statusLine = readLine();
    int status = Integer.parseInt(statusLine.split(" ")[1]);
    Map<String, String> headers = new LinkedHashMap<>();
    for (String line = readLine(); !line.isEmpty(); line = readLine()) {
      int colon = line.indexOf(':');
      headers.merge(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim(),
          (a, b) -> a + ", " + b);
    }
    String body = "";
    if (status != 101 && !head && headers.containsKey("content-length")) {
      byte[] bytes = new byte[Integer.parseInt(headers.get("content-length"))];
      in.readFully(bytes);
      body = new String(bytes, UTF_8);
    }
    return new Response(status, headers, body);
  }

  private String readLine() throws IOException {
    var line = new ByteArrayOutputStream();
    int b;
    while ((b = in.read()) != '\n') {
      if (b < 0) {
        throw new EOFException("connection closed in the HTTP response");
      }
      if (b != '\r') {
        line.write(b);
      }
    }
    return line.toString(US_ASCII);
  }

  /** Sends one masked frame. */
  void send(int opcode, byte[] payload, boolean fin) throws IOException {
    var frame = new ByteArrayOutputStream();
    frame.write((fin ? 0x80 : 0) | opcode);
    if (payload.length < 126) {
      frame.write(0x80 | payload.length);
    } else if (payload.length < 65536) {
      frame.write(0x80 | 126);
      frame.write(payload.length >>> 8);
      frame.write(payload.length);
    } else {
      frame.write(0x80 | 127);
      frame.writeBytes(ByteBuffer.allocate(8).putLong(payload.length).array());
    }
    byte[] mask = new byte[4];
    random.nextBytes(mask);
    frame.writeBytes(mask);
    for (int i = 0; i < payload.length; i++) {
      frame.write(payload[i] ^ mask[i & 3]);
    }
    out.write(frame.toByteArray());
    out.flush();
  }

  void sendBinary(byte[] payload) throws IOException {
    send(BINARY, payload, true);
  }

  /** Sends a close frame with {@code code} and {@code reason}. */
  void sendClose(int code, String reason) throws IOException {
    byte[] text = reason.getBytes(UTF_8);
    send(CLOSE, ByteBuffer.allocate(2 + text.length).putShort((short) code).put(text).array(), true);
  }

  /** Reads the next frame from the server. */
  Frame read() throws IOException {
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
    return new Frame((first & 0x80) != 0, first & 0x0F, payload);
  }

  /** Reads frames until one of {@code opcode}, skipping others (pings, say); returns it. */
  Frame readUntil(int opcode) throws IOException {
    Frame frame;
    do {
      frame = read();
    } while (frame.opcode() != opcode);
    return frame;
  }

  /** Whether the server has closed the connection: the next read finds its end. */
  boolean atEnd() throws IOException {
    InputStream stream = socket.getInputStream();
    try {
      return stream.read() < 0;
    } catch (java.net.SocketException e) {
      return true; // reset
    }
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
