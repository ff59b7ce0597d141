package dev.pbj.core.internal.connection;

import dev.pbj.LimitExceededException;
import dev.pbj.Limits;
import dev.pbj.core.internal.jelly.Jellier;
import dev.pbj.spi.Link;
import dev.pbj.spi.MessageEncoder;
import dev.pbj.spi.TokenSink;
import java.util.ArrayList;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * What a connection sends, in its context: each message is encoded when its turn comes (Jelly writing tokens to the
 * serializer's encoder), held, and handed to the link when the context runs out of work or enough has piled up,
 * so a burst of answers goes out with one flush. A message that fails to encode sends nothing and leaves the
 * encoder and the tables as they were.
 *
 * <p>It also watches output the peer does not take: unwritten bytes above {@link Limits#maxUnreadOutput()} for
 * longer than {@link Limits#unreadOutputGrace()} end the connection with a {@link LimitExceededException}.
 */
public final class Outbox {
  /** Encoded bytes held before they are handed to the link without waiting for the context to go idle. */
  private static final int HOLD_BYTES = 64 * 1024;

  /** Message bytes handed to the link; written in the context only. */
  private volatile long sent;
  private final Link link;
  private final MessageEncoder encoder;
  private final Jellier jellier;
  private final Limits limits;
  private final Executor context;
  private final Consumer<RuntimeException> abort;
  private final ArrayList<byte[]> held = new ArrayList<>();
  private int heldBytes;
  private boolean watchingUnread;

  /**
   * @param context the connection's context, where every method here runs
   * @param abort ends the connection with the given cause; called in the context
   */
  Outbox(Link link, MessageEncoder encoder, Jellier jellier, Limits limits, Executor context,
      Consumer<RuntimeException> abort) {
    this.context = context;
    this.link = link;
    this.encoder = encoder;
    this.jellier = jellier;
    this.limits = limits;
    this.abort = abort;
  }

  /** Writes one message's tokens. */
  @FunctionalInterface
  public interface MessageWriter {
    void write(TokenSink out);
  }

  /** In the context: encodes one message and holds it for the next flush; throws what encoding threw. */
  public void write(MessageWriter writer) {
    byte[] bytes;
    jellier.startMessage();
    try {
      writer.write(encoder);
      bytes = encoder.takeMessage();
    } catch (Throwable e) {
      encoder.reset();
      jellier.rollback();
      throw e;
    }
    held.add(bytes);
    heldBytes += bytes.length;
    if (heldBytes >= HOLD_BYTES) {
      flush();
    }
  }

  /**
   * In the context, while a message is written: copies in a run of tokens encoded once for many connections
   * ({@link MessageEncoder#encodeRun}) by an encoder with the same {@link MessageEncoder#runKey()} as this one's.
   */
  public void writeRun(byte[] run) {
    encoder.writeRun(run);
  }

  /** The encoder the messages are written with; its {@link MessageEncoder#runKey()} may be asked on any thread. */
  MessageEncoder encoder() {
    return encoder;
  }

  /** In the context: hands what is held to the link as one run, then looks at what the peer has not taken. */
  void flush() {
    int count = held.size();
    if (count == 0) {
      return;
    }
    long bytes = 0;
    for (int i = 0; i < count; i++) {
      byte[] message = held.get(i);
      bytes += message.length;
      link.send(message, i < count - 1);
    }
    sent += bytes; // only the context writes it
    held.clear();
    heldBytes = 0;
    if (!watchingUnread && link.unwrittenBytes() > limits.maxUnreadOutput()) {
      watchingUnread = true;
      // The JDK's shared delay thread only posts the check; it runs in the context like everything else here.
      CompletableFuture.delayedExecutor(limits.unreadOutputGrace().toMillis(), TimeUnit.MILLISECONDS, context)
          .execute(this::checkUnread);
    }
  }

  /** Message bytes handed to the link so far; any thread. */
  long bytesSent() {
    return sent;
  }

  /** The jellier the messages are written with. */
  Jellier jellier() {
    return jellier;
  }

  private void checkUnread() {
    watchingUnread = false;
    long unread = link.unwrittenBytes();
    if (unread > limits.maxUnreadOutput()) {
      abort.accept(new LimitExceededException("output unread by " + link.remoteAddress() + " for "
          + limits.unreadOutputGrace().toMillis() + " ms", "maxUnreadOutput", unread, limits.maxUnreadOutput()));
    }
  }
}
