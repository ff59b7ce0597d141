package dev.pbj.websocket;

import dev.pbj.Limits;
import dev.pbj.spi.LinkAcceptor;
import io.undertow.websockets.core.CloseMessage;
import io.undertow.websockets.core.StreamSourceFrameChannel;
import io.undertow.websockets.core.WebSocketCallback;
import io.undertow.websockets.core.WebSocketChannel;
import io.undertow.websockets.core.WebSockets;
import java.io.IOException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xnio.IoUtils;
import org.xnio.XnioExecutor;
import org.xnio.XnioIoThread;

/**
 * The server's side of one WebSocket: a {@link WebSocketLink} over Undertow's {@link WebSocketChannel}. Its event
 * thread is the connection's XNIO I/O thread, where Undertow calls every listener: frames are read there, one
 * message (with its continuation frames) at a time, and the link's timers run there too.
 *
 * <p>Flow control: a message counts as unwritten until Undertow reports its frame flushed to the socket; at most
 * {@value #MAX_IN_FLIGHT} are handed to Undertow at a time. Pausing suspends Undertow's receives, which lets a
 * frame under way finish and then stops parsing frames, so a message is never cut: a single-frame message is read
 * to its end (and held), a fragmented one waits between fragments for the resume.
 */
final class UndertowLink extends WebSocketLink {

  private static final Logger log = LoggerFactory.getLogger(UndertowLink.class);
  private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);
  /**
   * Messages handed to Undertow at a time. Undertow keeps no limit of its own and rescans its whole queue on each
   * send, which turns quadratic when a slow peer lets it grow; the rest wait in the link's queue.
   */
  private static final int MAX_IN_FLIGHT = 64;

  private final WebSocketChannel channel;
  private final XnioIoThread ioThread;
  private final SocketAddress localAddress;
  private final SocketAddress remoteAddress;
  private final Object peerIdentity;
  private boolean readingMessage; // I/O thread only
  private int inFlight; // I/O thread only: messages handed to Undertow and not yet written

  /**
   * @param peerIdentity what the upgrade's authenticator or TLS established the peer to be, or null
   * @param client the client a trusted proxy named ({@link ForwardedHeaders}), or null: the socket's peer
   */
  UndertowLink(WebSocketChannel channel, String serializer, Settings settings, Limits limits, Object peerIdentity,
      SocketAddress client) {
    super(settings, limits);
    this.peerIdentity = peerIdentity;
    this.channel = channel;
    this.ioThread = channel.getIoThread();
    this.localAddress = channel.getDestinationAddress();
    this.remoteAddress = client != null ? client : channel.getSourceAddress();
    agreedOn(serializer);
  }

  /**
   * On the I/O thread, right after the upgrade: runs the acceptor, then starts reading. A failing acceptor closes the
   * connection with 1011 (internal error).
   */
  void start(LinkAcceptor acceptor) {
    channel.addCloseTask(closed -> terminated());
    RuntimeException refused = open(acceptor, CloseStatus.INTERNAL_ERROR);
    if (refused != null) {
      log.warn("LinkAcceptor failed for {}; closing the connection", this, refused);
    }
    channel.getReceiveSetter().set(ws -> receive());
    startReading();
  }

  @Override
  public SocketAddress localAddress() {
    return localAddress;
  }

  @Override
  public SocketAddress remoteAddress() {
    return remoteAddress;
  }

  @Override
  public Object peerIdentity() {
    return peerIdentity;
  }

  @Override
  public String toString() {
    return "UndertowLink[" + localAddress + " <-> " + remoteAddress + ", " + negotiatedSerializer() + "]";
  }

  /** The connection's XNIO I/O thread: the layer above may run its short, non-blocking work there. */
  @Override
  public java.util.concurrent.Executor ioExecutor() {
    return ioThread;
  }

  @Override
  public boolean inIoThread() {
    return Thread.currentThread() == ioThread;
  }

  // --- WebSocketLink primitives

  @Override
  void execute(Runnable task) {
    ioThread.execute(task);
  }

  @Override
  boolean inEventThread() {
    return Thread.currentThread() == ioThread;
  }

  @Override
  Runnable schedule(Runnable task, long delayMillis) {
    XnioExecutor.Key key = ioThread.executeAfter(task, delayMillis, TimeUnit.MILLISECONDS);
    return key::remove;
  }

  @Override
  boolean writeBinary(byte[] message) {
    if (inFlight == MAX_IN_FLIGHT) {
      return false; // drained again as frames go out
    }
    inFlight++;
    WebSockets.sendBinary(ByteBuffer.wrap(message), channel, new WebSocketCallback<Void>() {
      @Override
      public void complete(WebSocketChannel ws, Void context) {
        inFlight--;
        writeFinished(message);
        drain();
      }

      @Override
      public void onError(WebSocketChannel ws, Void context, Throwable error) {
        inFlight--;
        writeFinished(message);
        failed(error);
      }
    });
    return true;
  }

  @Override
  void suspendReceiving() {
    channel.suspendReceives();
  }

  @Override
  void resumeReceiving() {
    // Also wakes the receive listener for frames Undertow read from the socket before the pause.
    channel.resumeReceives();
  }

  @Override
  boolean writeIdle() {
    return true; // Undertow sends a close frame after the messages handed to it before
  }

  @Override
  void writeClose(CloseStatus status) {
    WebSockets.sendClose(new CloseMessage(status.code(), status.reason()), channel, new WebSocketCallback<Void>() {
      @Override
      public void complete(WebSocketChannel ws, Void context) {
        closeFrameWritten(null);
      }

      @Override
      public void onError(WebSocketChannel ws, Void context, Throwable error) {
        closeFrameWritten(error);
      }
    });
  }

  @Override
  void writePing() {
    WebSockets.sendPing(EMPTY.duplicate(), channel, null); // a failed ping closes the channel
  }

  @Override
  void disconnect(boolean force) {
    IoUtils.safeClose(channel); // the close task reports it
  }

  // --- reading

  /** Undertow's receive listener: one frame channel per call, each message read whole before the next. */
  private void receive() {
    StreamSourceFrameChannel frame;
    try {
      frame = channel.receive();
    } catch (IOException e) {
      failed(e);
      return;
    }
    heard(); // called as bytes arrive, also those of a message under way: a long message is no silence
    if (frame == null) {
      return;
    }
    switch (frame.getType()) {
      case BINARY -> readMessage(frame);
      case TEXT -> {
        textArrived();
        readControl(frame, 0, payload -> {});
      }
      case PING -> readControl(frame, 125, payload -> {
        if (!channel.isCloseFrameSent()) {
          // a copy: the payload's array goes back to the thread's spare before Undertow writes the pong
          WebSockets.sendPong(ByteBuffer.allocate(payload.remaining()).put(payload).flip(), channel, null);
        }
      });
      case CLOSE -> readControl(frame, 125, payload -> peerClosed(CloseStatus.parse(payload)));
      default -> readControl(frame, 125, payload -> {}); // PONG: heard, nothing more to do
    }
  }

  private void readMessage(StreamSourceFrameChannel frame) {
    if (readingMessage) {
      // Undertow hands a frame's bytes over before it parses the next header, so this would be a bug of ours.
      failed(new IOException("a message began before the previous one was read"));
      return;
    }
    readingMessage = true;
    FrameReader.read(frame, inbound, new FrameReader.Outcome() {
      @Override
      public void read(MessageAssembler message) {
        readingMessage = false;
        if (!message.overflowed()) {
          messageArrived(message.message());
        }
        message.reset();
      }

      @Override
      public void tooBig(long seen) {
        messageTooBig(seen);
      }

      @Override
      public void failed(IOException error) {
        readingMessage = false;
        inbound.reset();
        UndertowLink.this.failed(error);
      }
    });
  }

  /** Reads a small frame whole, then hands its payload on (a too-long payload is cut to {@code limit}). */
  private void readControl(StreamSourceFrameChannel frame, int limit, Consumer<ByteBuffer> then) {
    FrameReader.read(frame, new MessageAssembler(limit), new FrameReader.Outcome() {
      @Override
      public void read(MessageAssembler message) {
        then.accept(message.message());
        message.reset(); // gives the thread's spare array back
      }

      @Override
      public void tooBig(long seen) {}

      @Override
      public void failed(IOException error) {
        UndertowLink.this.failed(error);
      }
    });
  }
}
