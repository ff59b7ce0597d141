package dev.pbj.core.internal.connection;

import dev.pbj.Avatar;
import dev.pbj.core.internal.calls.Failures;
import dev.pbj.core.internal.jelly.UserCode;
import dev.pbj.spi.TokenSink;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The messages a broker writes of its own accord, beside the calls it makes: the version, answers and error answers
 * to the peer's calls, keepalive pings and pongs, and the releases of references and caches ({@code decref},
 * {@code decache}, {@code uncache}). Each is encoded in the connection's context; one whose value may run the
 * application's getters is written away from an I/O thread (see {@link UserCode}).
 */
public final class BrokerMessages {
  private static final Logger log = LoggerFactory.getLogger(BrokerMessages.class);

  private final Outbox outbox;
  private final Connection connection;
  private final boolean unsafeTracebacks;
  private final BooleanSupplier connected;

  BrokerMessages(Outbox outbox, Connection connection, boolean unsafeTracebacks, BooleanSupplier connected) {
    this.outbox = outbox;
    this.connection = connection;
    this.unsafeTracebacks = unsafeTracebacks;
    this.connected = connected;
  }

  /** In the context: {@code (version 6)}; each side sends it right after the dialect is chosen. */
  void version() {
    counted("version", BrokerImpl.PROTOCOL_VERSION);
  }

  /** From any thread: the answer {@code value} to request {@code requestId}, written in the context. */
  public void answer(long requestId, Object value, Avatar perspective, String what) {
    Answer answer = new Answer(requestId, value, perspective, what);
    if (UserCode.mayRunWriting(value)) {
      connection.postUserCode(answer);
    } else {
      connection.post(answer);
    }
  }

  /** One answer: the task posted to the context and the writer it hands the outbox, as one object per answer. */
  private final class Answer implements Runnable, Outbox.MessageWriter {
    private final long requestId;
    private final Object value;
    private final Avatar perspective;
    private final String what;

    Answer(long requestId, Object value, Avatar perspective, String what) {
      this.requestId = requestId;
      this.value = value;
      this.perspective = perspective;
      this.what = what;
    }

    @Override
    public void run() {
      if (!connected.getAsBoolean()) {
        return;
      }
      try {
        outbox.write(this);
      } catch (Throwable e) {
        log.warn("answer of {} could not be sent; the peer receives the error instead: {}", what, e.toString());
        writeFailure(requestId, e);
      }
    }

    @Override
    public void write(TokenSink out) {
      out.beginList(3);
      out.symbol("answer");
      out.integer(requestId);
      outbox.jellier().write(out, value, perspective);
      out.endList();
    }
  }

  /**
   * From any thread: request {@code requestId} failed with {@code error}. Its message and cause are the
   * application's code, so it is written away from an I/O thread.
   */
  public void failure(long requestId, Throwable error) {
    connection.postUserCode(() -> writeFailure(requestId, error));
  }

  private void writeFailure(long requestId, Throwable error) {
    if (!connected.getAsBoolean()) {
      return;
    }
    try {
      outbox.write(out -> {
        out.beginList(3);
        out.symbol("error");
        out.integer(requestId);
        outbox.jellier().write(out, Failures.toRecord(error, unsafeTracebacks));
        out.endList();
      });
    } catch (Throwable e) {
      log.error("error answer to request {} could not be sent", requestId, e);
    }
  }

  /** In the context: a keepalive {@code ("ping" n)}, which a PBJ peer answers with {@code ("pong" n)}. */
  void ping(long n) {
    counted("ping", n);
  }

  /** In the context: the answer to the peer's {@code ("ping" n)}. */
  void pong(long n) {
    counted("pong", n);
  }

  /** In the context: {@code count} decrefs of the peer's object {@code luid}. */
  public void decrefs(long luid, int count) {
    repeated("decref", luid, count);
  }

  /** From any thread (a cache's close, the cleaner): {@code count} decaches, written in the context. */
  public void decaches(long luid, int count) {
    connection.postAsync(() -> repeated("decache", luid, count));
  }

  /** In the context: this side's cache {@code luid} is no longer observed by the peer. */
  void uncache(long luid) {
    repeated("uncache", luid, 1);
  }

  private void repeated(String command, long id, int count) {
    for (int i = 0; i < count && connected.getAsBoolean(); i++) {
      counted(command, id);
    }
  }

  /** {@code (command n)}. */
  private void counted(String command, long n) {
    outbox.write(out -> {
      out.beginList(2);
      out.symbol(command);
      out.integer(n);
      out.endList();
    });
  }
}
