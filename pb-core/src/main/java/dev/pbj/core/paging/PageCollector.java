package dev.pbj.core.paging;

import dev.pbj.Bytes;
import dev.pbj.ConnectionLostException;
import dev.pbj.LimitExceededException;
import dev.pbj.Referenceable;
import dev.pbj.Remote;
import dev.pbj.RemoteReference;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Consumer;

/**
 * The receiving end of Twisted's paging protocol, Twisted's {@code CallbackPageCollector}: a {@link Referenceable}
 * whose {@code gotPage(page)} takes each page and whose {@code endedPaging()} completes {@link #result()}. Pass it to
 * a method that pages to it (a Twisted {@code Pager}, {@code StringPager} or {@code FilePager}, or PBJ's
 * {@link Pager}); {@link #getAllPages} and {@link #getAllBytes} do that and wait, as Twisted's
 * {@code util.getAllPages} does.
 *
 * <p>The pages go where the factory says: kept as they came ({@link #toList()}), joined into bytes up to a bound
 * ({@link #toBytes(long)}), or written to a stream ({@link #toStream(OutputStream)}). A byte page may be bytes or
 * text (its UTF-8 form); any other page fails the result and is refused to the sender with a {@code TypeError}.
 * The result fails too if the connection goes before the end (see {@link #getAllPages}); pages after the end, or
 * after a failure, are refused.
 *
 * @param <T> what the pages make
 */
public final class PageCollector<T> implements Referenceable {
  private final Sink<T> sink;
  private final CompletableFuture<T> result = new CompletableFuture<>();

  private PageCollector(Sink<T> sink) {
    this.sink = sink;
  }

  /** A collector that keeps each page as it came, of any type. */
  public static PageCollector<List<Object>> toList() {
    List<Object> pages = new ArrayList<>();
    return new PageCollector<>(new Sink<>() {
      @Override
      public void page(Object page) {
        pages.add(page);
      }

      @Override
      public List<Object> end() {
        return Collections.unmodifiableList(pages);
      }
    });
  }

  /** A collector that joins the pages' bytes, failing (and refusing further pages) past {@code maxBytes}. */
  public static PageCollector<byte[]> toBytes(long maxBytes) {
    if (maxBytes < 0) {
      throw new IllegalArgumentException("maxBytes must not be negative");
    }
    ByteArrayOutputStream joined = new ByteArrayOutputStream();
    return new PageCollector<>(new Sink<>() {
      @Override
      public void page(Object page) {
        byte[] bytes = bytesOf(page);
        if (joined.size() + (long) bytes.length > maxBytes) {
          throw new LimitExceededException("paged bytes", "maxBytes", joined.size() + (long) bytes.length,
              maxBytes);
        }
        joined.writeBytes(bytes);
      }

      @Override
      public byte[] end() {
        return joined.toByteArray();
      }
    });
  }

  /**
   * A collector that writes each page's bytes to {@code out} as it arrives (on the broker's executor, so a stream
   * that blocks is fine); the result is the number of bytes written. {@code out} is flushed at the end, not closed.
   */
  public static PageCollector<Long> toStream(OutputStream out) {
    Objects.requireNonNull(out, "out");
    long[] written = {0};
    return new PageCollector<>(new Sink<>() {
      @Override
      public void page(Object page) throws IOException {
        byte[] bytes = bytesOf(page);
        out.write(bytes);
        written[0] += bytes.length;
      }

      @Override
      public Long end() throws IOException {
        out.flush();
        return written[0];
      }
    });
  }

  /**
   * Calls {@code method} on {@code source} with a fresh list collector first and then {@code args}, as Twisted's
   * {@code util.getAllPages(source, method, *args)} does, and completes with the pages once the paging ends.
   * Fails with the call's error, with the collector's, or when the connection goes before the end.
   */
  public static CompletableFuture<List<Object>> getAllPages(RemoteReference source, String method, Object... args) {
    return collect(source, method, args, toList());
  }

  /** As {@link #getAllPages}, joining the pages' bytes, at most {@code maxBytes} of them. */
  public static CompletableFuture<byte[]> getAllBytes(RemoteReference source, long maxBytes, String method,
      Object... args) {
    return collect(source, method, args, toBytes(maxBytes));
  }

  /**
   * Calls {@code method} on {@code source} with {@code collector} first and then {@code args}, and completes with
   * the collector's result; it fails with the call's error, or when the connection goes before the end.
   */
  public static <R> CompletableFuture<R> collect(RemoteReference source, String method, Object[] args,
      PageCollector<R> collector) {
    Objects.requireNonNull(source, "source");
    Object[] withCollector = new Object[args.length + 1];
    withCollector[0] = collector;
    System.arraycopy(args, 0, withCollector, 1, args.length);
    Consumer<RemoteReference> lost = gone -> collector.fail(new ConnectionLostException(
        "connection to " + gone.broker().remoteAddress() + " lost before the paging ended", null));
    source.notifyOnDisconnect(lost);
    collector.result.whenComplete((value, error) -> source.dontNotifyOnDisconnect(lost));
    source.callRemote(method, withCollector).whenComplete((answer, error) -> {
      if (error != null) {
        collector.fail(error instanceof CompletionException && error.getCause() != null
            ? error.getCause() : error);
      }
    });
    return collector.result;
  }

  /** Completes with what the pages made once {@code endedPaging()} arrives; fails as the class says. */
  public CompletableFuture<T> result() {
    return result;
  }

  /** Takes one page. */
  @Remote
  public synchronized void gotPage(Object page) throws IOException {
    if (result.isDone()) {
      throw new IllegalStateException("page received after the paging " + (result.isCompletedExceptionally()
          ? "failed" : "ended"));
    }
    try {
      sink.page(page);
    } catch (IOException | RuntimeException e) {
      result.completeExceptionally(e);
      throw e;
    }
  }

  /** The paging is over: the result completes. */
  @Remote
  public synchronized void endedPaging() throws IOException {
    if (result.isDone()) {
      return;
    }
    try {
      result.complete(sink.end());
    } catch (IOException | RuntimeException e) {
      result.completeExceptionally(e);
      throw e;
    }
  }

  /** Fails the result (the paging stops counting) unless it is complete already. */
  public void fail(Throwable cause) {
    result.completeExceptionally(cause);
  }

  private static byte[] bytesOf(Object page) {
    if (page instanceof Bytes) {
      return ((Bytes) page).toByteArray();
    }
    if (page instanceof byte[]) {
      return (byte[]) page;
    }
    if (page instanceof String) {
      return ((String) page).getBytes(StandardCharsets.UTF_8);
    }
    throw new ClassCastException("a page of bytes must be bytes or text, not "
        + (page == null ? "None" : page.getClass().getName()));
  }

  /** What a collector does with the pages. */
  private interface Sink<T> {
    void page(Object page) throws IOException;

    T end() throws IOException;
  }
}
