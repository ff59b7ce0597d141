package dev.pbj.core.paging;

import dev.pbj.Broker;
import dev.pbj.Bytes;
import dev.pbj.RemoteReference;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;

/**
 * Sends pages to a remote collector with Twisted's paging protocol: one {@code gotPage(page)} call per page, then
 * {@code endedPaging()}, both asking for no answer, as Twisted's {@code Pager} does. The collector is any object
 * with those two methods: a Twisted {@code CallbackPageCollector} (what {@code util.getAllPages} passes), a
 * {@link PageCollector}, or the application's own.
 *
 * <p>A page is sent only when the connection can take it ({@link Broker#whenWritable()}): a peer that stops
 * reading stops the paging at the transport's high water mark, with no page read from the source meanwhile, and it
 * resumes as the peer drains its input. Each sending runs on the broker's executor, so a source that blocks
 * (a file) is read there.
 *
 * <p>The returned future completes with what was sent (bytes, or pages for a source of values) once
 * {@code endedPaging()} has been sent; it fails if the source fails or the connection goes first, and cancelling
 * it stops the paging (no {@code endedPaging()} is sent then).
 */
public final class Pager {
  /** The page size of the {@code InputStream} and byte-array forms unless told otherwise: 64 KiB. */
  public static final int DEFAULT_PAGE_SIZE = 64 * 1024;

  private Pager() {}

  /** Pages the bytes {@code in} holds, {@link #DEFAULT_PAGE_SIZE} at a time, and closes it at the end. */
  public static CompletableFuture<Long> send(RemoteReference collector, InputStream in) {
    return send(collector, in, DEFAULT_PAGE_SIZE);
  }

  /**
   * Pages the bytes {@code in} holds, {@code pageSize} at a time (the last page may be shorter), and closes it at
   * the end, as Twisted's {@code FilePager} does; completes with the number of bytes sent.
   */
  public static CompletableFuture<Long> send(RemoteReference collector, InputStream in, int pageSize) {
    Objects.requireNonNull(in, "in");
    requirePageSize(pageSize);
    byte[] buffer = new byte[pageSize];
    return run(collector, new Source() {
      @Override
      public Object next() {
        try {
          int filled = in.readNBytes(buffer, 0, pageSize);
          return filled == 0 ? null : Bytes.wrap(Arrays.copyOf(buffer, filled));
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }

      @Override
      public void close() {
        try {
          in.close();
        } catch (IOException e) {
          // the pages are sent; a failure to close the source is not the collector's concern
        }
      }
    }, true);
  }

  /** Pages {@code bytes}, {@code pageSize} at a time, as Twisted's {@code StringPager} does. */
  public static CompletableFuture<Long> send(RemoteReference collector, byte[] bytes, int pageSize) {
    Objects.requireNonNull(bytes, "bytes");
    requirePageSize(pageSize);
    int[] offset = {0};
    return run(collector, () -> {
      if (offset[0] >= bytes.length && !(bytes.length == 0 && offset[0] == 0)) {
        return null;
      }
      int from = offset[0];
      int to = Math.min(bytes.length, from + pageSize);
      offset[0] = to == from ? 1 : to; // an empty string is one empty page, as in Twisted
      return Bytes.wrap(Arrays.copyOfRange(bytes, from, to));
    }, true);
  }

  /**
   * Sends each of {@code pages} as a page, values of any type PB carries (Twisted's {@code Pager} with its own
   * {@code nextPage}); completes with the number of pages sent.
   */
  public static CompletableFuture<Long> send(RemoteReference collector, Iterator<?> pages) {
    Objects.requireNonNull(pages, "pages");
    return run(collector, () -> {
      if (!pages.hasNext()) {
        return null;
      }
      return Objects.requireNonNull(pages.next(), "a page is null");
    }, false);
  }

  /**
   * Sends each item {@code pages} publishes as a page, requesting the next only when the connection can take it;
   * completes with the number of pages sent when the publisher completes, and fails with its error.
   */
  public static CompletableFuture<Long> send(RemoteReference collector, Flow.Publisher<?> pages) {
    Objects.requireNonNull(pages, "pages");
    PublisherRun run = new PublisherRun(collector);
    pages.subscribe(run);
    return run.done;
  }

  private static void requirePageSize(int pageSize) {
    if (pageSize <= 0) {
      throw new IllegalArgumentException("page size must be positive, not " + pageSize);
    }
  }

  private static CompletableFuture<Long> run(RemoteReference collector, Source source, boolean countBytes) {
    Objects.requireNonNull(collector, "collector");
    PullRun run = new PullRun(collector, source, countBytes);
    run.next();
    return run.done;
  }

  /** Where the pages of a pull come from: null once there are no more. */
  private interface Source {
    Object next();

    default void close() {}
  }

  /** Sends a page each time the connection can take one, until the source runs dry. */
  private static final class PullRun {
    private final RemoteReference collector;
    private final Source source;
    private final boolean countBytes;
    private final CompletableFuture<Long> done = new CompletableFuture<>();
    private long sent;

    PullRun(RemoteReference collector, Source source, boolean countBytes) {
      this.collector = collector;
      this.source = source;
      this.countBytes = countBytes;
      done.whenComplete((value, error) -> source.close());
    }

    /**
     * Sends a page each time the connection can take one; one step at a time, never two at once, and in a loop
     * rather than a recursion while the connection answers at once.
     */
    void next() {
      while (!done.isDone()) {
        CompletableFuture<Void> ready = collector.broker().whenWritable();
        if (!ready.isDone()) {
          ready.whenComplete((writable, lost) -> {
            if (lost != null) {
              done.completeExceptionally(lost);
            } else if (step()) {
              next();
            }
          });
          return;
        }
        if (ready.isCompletedExceptionally()) {
          ready.whenComplete((writable, lost) -> done.completeExceptionally(lost));
          return;
        }
        if (!step()) {
          return;
        }
      }
    }

    /** Sends the next page, or ends the paging; whether there may be more. */
    private boolean step() {
      if (done.isDone()) {
        return false;
      }
      try {
        Object page = source.next();
        if (page == null) {
          collector.callRemoteNoAnswer("endedPaging");
          done.complete(sent);
          return false;
        }
        collector.callRemoteNoAnswer("gotPage", page);
        sent += countBytes ? ((Bytes) page).length() : 1;
        return true;
      } catch (Throwable e) {
        done.completeExceptionally(e instanceof UncheckedIOException ? e.getCause() : e);
        return false;
      }
    }
  }

  /** Sends what a publisher publishes, one request at a time, each made when the connection can take a page. */
  private static final class PublisherRun implements Flow.Subscriber<Object> {
    private final RemoteReference collector;
    private final CompletableFuture<Long> done = new CompletableFuture<>();
    private volatile Flow.Subscription subscription;
    private long sent;

    PublisherRun(RemoteReference collector) {
      this.collector = Objects.requireNonNull(collector, "collector");
      done.whenComplete((value, error) -> {
        Flow.Subscription s = subscription;
        if (error != null && s != null) {
          s.cancel(); // given up, or the connection went: the publisher stops too
        }
      });
    }

    @Override
    public void onSubscribe(Flow.Subscription subscription) {
      this.subscription = subscription;
      requestWhenWritable();
    }

    @Override
    public void onNext(Object page) {
      if (done.isDone()) {
        return;
      }
      try {
        collector.callRemoteNoAnswer("gotPage", Objects.requireNonNull(page, "a page is null"));
        sent++;
      } catch (Throwable e) {
        done.completeExceptionally(e);
        return;
      }
      requestWhenWritable();
    }

    @Override
    public void onError(Throwable error) {
      done.completeExceptionally(error);
    }

    @Override
    public void onComplete() {
      if (done.isDone()) {
        return;
      }
      try {
        collector.callRemoteNoAnswer("endedPaging");
        done.complete(sent);
      } catch (Throwable e) {
        done.completeExceptionally(e);
      }
    }

    private void requestWhenWritable() {
      collector.broker().whenWritable().whenComplete((ready, lost) -> {
        if (lost != null) {
          done.completeExceptionally(lost);
        } else if (!done.isDone()) {
          subscription.request(1);
        }
      });
    }
  }
}
