package dev.pbj.core.internal;

import static dev.pbj.core.internal.BrokerPair.eventually;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.pbj.Bytes;
import dev.pbj.ConnectionLostException;
import dev.pbj.DeadReferenceException;
import dev.pbj.Referenceable;
import dev.pbj.Remote;
import dev.pbj.RemoteReference;
import dev.pbj.core.internal.connection.ReadGate;
import dev.pbj.core.paging.PageCollector;
import dev.pbj.core.paging.Pager;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.SubmissionPublisher;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Twisted's paging protocol between two PBJ sides, over every transport × serializer: each form of {@link Pager}
 * to {@link PageCollector}, the pacing by the connection's back-pressure, and a connection lost mid-paging.
 */
@ParameterizedClass(name = "{0}")
@MethodSource("dev.pbj.core.internal.BrokerPair#setups")
class PagingTest {
  @Parameter
  BrokerPair.Setup setup;

  private final Source source = new Source();
  private BrokerPair pair;

  /** The server's root: pages what it is asked for, the way a Twisted method starting a pager does. */
  public static final class Source implements Referenceable {
    final AtomicLong read = new AtomicLong();
    volatile CompletableFuture<Long> paging;

    @Remote
    public void stream(RemoteReference collector, long n, int pageSize) {
      paging = Pager.send(collector, new Pattern(n, read), pageSize);
    }

    @Remote
    public void string(RemoteReference collector, Bytes bytes, int pageSize) {
      paging = Pager.send(collector, bytes.toByteArray(), pageSize);
    }

    @Remote
    public void values(RemoteReference collector, List<Object> values) {
      paging = Pager.send(collector, values.iterator());
    }

    @Remote
    public void published(RemoteReference collector, List<Object> values) {
      SubmissionPublisher<Object> publisher = new SubmissionPublisher<>();
      paging = Pager.send(collector, publisher);
      new Thread(() -> { // submit blocks while the pager has not asked for more: back-pressure on the publisher
        values.forEach(publisher::submit);
        publisher.close();
      }).start();
    }
  }

  /** Byte {@code i} is {@code i % 251}, counting what was read. */
  static final class Pattern extends InputStream {
    private final long length;
    private final AtomicLong read;
    private long position;

    Pattern(long length, AtomicLong read) {
      this.length = length;
      this.read = read;
    }

    @Override
    public int read() {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] buffer, int offset, int count) {
      if (position >= length) {
        return -1;
      }
      int n = (int) Math.min(count, length - position);
      for (int i = 0; i < n; i++) {
        buffer[offset + i] = (byte) ((position + i) % 251);
      }
      position += n;
      read.addAndGet(n);
      return n;
    }
  }

  static byte[] pattern(int n) {
    byte[] bytes = new byte[n];
    for (int i = 0; i < n; i++) {
      bytes[i] = (byte) (i % 251);
    }
    return bytes;
  }

  @BeforeEach
  void open() throws Exception {
    pair = BrokerPair.open(setup, source);
  }

  @AfterEach
  void close() throws Exception {
    pair.close();
  }

  @Test
  void streamArrivesWholeInPagesOfTheSizeAsked() throws Exception {
    int n = 3 * 1024 * 1024 + 17;
    List<Object> pages = PageCollector.getAllPages(pair.client.rootObject(), "stream", n, 64 * 1024)
        .get(30, TimeUnit.SECONDS);
    assertThat(pages).hasSize(49);
    ByteArrayOutputStream joined = new ByteArrayOutputStream();
    for (Object page : pages) {
      joined.writeBytes(((Bytes) page).toByteArray());
    }
    assertThat(joined.toByteArray()).isEqualTo(pattern(n));
    assertThat(((Bytes) pages.get(48)).length()).isEqualTo(17);
    assertThat(source.paging.get(10, TimeUnit.SECONDS)).isEqualTo(n);
    eventually(() -> pair.server.stats().remoteReferences() == 0); // the pager is done with the collector
  }

  @Test
  void bytesPagedAsTwistedsStringPagerDoesIncludingTheEmptyString() throws Exception {
    byte[] bytes = pattern(100_000);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PageCollector<Long> collector = PageCollector.toStream(out);
    assertThat(PageCollector.collect(pair.client.rootObject(), "string", new Object[] {Bytes.wrap(bytes), 8192},
        collector).get(30, TimeUnit.SECONDS)).isEqualTo(100_000L);
    assertThat(out.toByteArray()).isEqualTo(bytes);
    assertThat(PageCollector.getAllPages(pair.client.rootObject(), "string", Bytes.wrap(new byte[0]), 8192)
        .get(30, TimeUnit.SECONDS)).containsExactly(Bytes.wrap(new byte[0]));
  }

  @Test
  void valuesPagedOneAPageFromAnIteratorOrAPublisher() throws Exception {
    List<Object> values = List.of("one", 2L, List.of("three"), Bytes.ascii("four"));
    assertThat(PageCollector.getAllPages(pair.client.rootObject(), "values", values).get(30, TimeUnit.SECONDS))
        .isEqualTo(values);
    assertThat(source.paging.get(10, TimeUnit.SECONDS)).isEqualTo(4L);
    assertThat(PageCollector.getAllPages(pair.client.rootObject(), "published", values).get(30, TimeUnit.SECONDS))
        .isEqualTo(values);
    assertThat(source.paging.get(10, TimeUnit.SECONDS)).isEqualTo(4L);
  }

  @Test
  void aBoundedCollectorRefusesMoreThanItsBound() throws Exception {
    CompletableFuture<byte[]> bytes = PageCollector.getAllBytes(pair.client.rootObject(), 100_000, "stream",
        1_000_000, 8192);
    assertThat(bytes).failsWithin(30, TimeUnit.SECONDS).withThrowableOfType(ExecutionException.class)
        .withCauseInstanceOf(dev.pbj.LimitExceededException.class);
    source.paging.get(30, TimeUnit.SECONDS); // the pager still ends: one-way pages, refused one by one
  }

  @Test
  void pagingWaitsWhileThePeerDoesNotReadAndResumesWhenItDoes() throws Exception {
    assumeThat(setup.inMemory()).as("the in-memory pipe has no flow control").isFalse();
    // more than loopback's socket buffers (up to 32 MiB here) and the high water mark (4 MiB) together hold
    long n = 64L * 1024 * 1024;
    pair.client.connection().gate().close(ReadGate.HELD); // the client stops reading its socket
    java.security.MessageDigest digest = java.security.MessageDigest.getInstance("SHA-256");
    PageCollector<Long> collector = PageCollector.toStream(new java.security.DigestOutputStream(
        java.io.OutputStream.nullOutputStream(), digest));
    CompletableFuture<Long> got = PageCollector.collect(pair.client.rootObject(), "stream",
        new Object[] {n, 64 * 1024}, collector);
    // the pager stops reading its source once the connection's output is full, and stays stopped
    eventually(() -> source.read.get() > 0);
    long before;
    long after = source.read.get();
    do {
      before = after;
      Thread.sleep(200);
      after = source.read.get();
    } while (after != before);
    assertThat(after).as("bytes read from the source while the peer read nothing").isLessThan(n - 4L * 1024 * 1024);
    // the high water mark (4 MiB) and the pages already encoded when the link said so
    assertThat(pair.server.link().unwrittenBytes()).isLessThan(32L * 1024 * 1024);
    assertThat(source.paging).isNotDone();
    pair.client.connection().gate().open(ReadGate.HELD);
    assertThat(got.get(120, TimeUnit.SECONDS)).isEqualTo(n);
    assertThat(source.paging.get(10, TimeUnit.SECONDS)).isEqualTo(n);
    java.security.MessageDigest expected = java.security.MessageDigest.getInstance("SHA-256");
    byte[] chunk = new byte[64 * 1024];
    InputStream again = new Pattern(n, new AtomicLong());
    int r;
    while ((r = again.read(chunk, 0, chunk.length)) > 0) {
      expected.update(chunk, 0, r);
    }
    assertThat(digest.digest()).isEqualTo(expected.digest());
  }

  @Test
  void aConnectionLostMidPagingFailsBothEnds() throws Exception {
    assumeThat(setup.inMemory()).as("the in-memory pipe has no flow control").isFalse();
    pair.client.connection().gate().close(ReadGate.HELD);
    CompletableFuture<List<Object>> pages = PageCollector.getAllPages(pair.client.rootObject(), "stream",
        1L << 40, 64 * 1024);
    eventually(() -> source.paging != null && source.read.get() > 0);
    pair.client.close();
    assertThat(pages).failsWithin(30, TimeUnit.SECONDS).withThrowableOfType(ExecutionException.class)
        .withCauseInstanceOf(ConnectionLostException.class);
    // the pager learns it from its next page (the reference is dead) or from the wait for room (the connection is)
    Throwable stopped = catchThrowable(() -> source.paging.get(30, TimeUnit.SECONDS));
    assertThat(stopped).isInstanceOf(ExecutionException.class);
    assertThat(stopped.getCause()).isInstanceOfAny(ConnectionLostException.class, DeadReferenceException.class);
  }
}
