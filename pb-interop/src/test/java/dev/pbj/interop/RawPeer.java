package dev.pbj.interop;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

/** A scripted PB peer on a raw socket: sends exactly the bytes a test gives it, hostile ones included. */
final class RawPeer implements AutoCloseable {
  private final Socket socket = new Socket();
  private final InputStream in;
  private final ByteArrayOutputStream received = new ByteArrayOutputStream();

  RawPeer(InetSocketAddress address) throws IOException {
    socket.connect(address, 10_000);
    socket.setSoTimeout(10_000);
    in = socket.getInputStream();
  }

  /** Reads the server's dialect offer and answers "pb" plus (version 6), as a Twisted client does. */
  RawPeer handshake() throws IOException {
    awaitReceived("04826e6f6e65");
    send("0282706202801387068" + "1");
    awaitReceived("02801387068" + "1");
    return this;
  }

  /** Chooses the msgpack dialect the server offers first, then exchanges (version 6) in msgpack frames. */
  RawPeer handshakeMsgpack() throws IOException {
    awaitReceived("07826d73677061636b"); // "msgpack" among the offered dialects
    awaitReceived("04826e6f6e65");
    send("07826d73677061636b 0000000c 92c7070076657273696f6e06");
    awaitReceived("0000000c 92c7070076657273696f6e06");
    return this;
  }

  void send(String hex) throws IOException {
    sendBytes(HexFormat.of().parseHex(hex.replace(" ", "")));
  }

  void sendBytes(byte[] bytes) throws IOException {
    socket.getOutputStream().write(bytes);
    socket.getOutputStream().flush();
  }

  /** Reads until everything received so far contains {@code hex}; fails on timeout or close. */
  void awaitReceived(String hex) throws IOException {
    byte[] wanted = HexFormat.of().parseHex(hex.replace(" ", ""));
    byte[] buffer = new byte[8192];
    while (indexOf(received.toByteArray(), wanted) < 0) {
      int n = in.read(buffer);
      if (n < 0) {
        throw new AssertionError("connection closed before " + hex + " arrived; got "
            + HexFormat.of().formatHex(received.toByteArray()));
      }
      received.write(buffer, 0, n);
    }
  }

  /** Reads until the text {@code ascii} has been received. */
  void awaitText(String ascii) throws IOException {
    awaitReceived(HexFormat.of().formatHex(ascii.getBytes(StandardCharsets.UTF_8)));
  }

  /** Whether the server closes the connection within 10 s (reading and discarding whatever it sends). */
  boolean closedByServer() throws IOException {
    byte[] buffer = new byte[8192];
    try {
      while (true) {
        int n = in.read(buffer);
        if (n < 0) {
          return true;
        }
        received.write(buffer, 0, n);
      }
    } catch (SocketTimeoutException e) {
      return false;
    } catch (IOException e) {
      return true; // reset by the server
    }
  }

  private static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i <= haystack.length - needle.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
