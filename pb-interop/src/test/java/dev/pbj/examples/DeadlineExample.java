package dev.pbj.examples;

import static java.util.concurrent.TimeUnit.SECONDS;

import dev.pbj.Broker;
import dev.pbj.CallContext;
import dev.pbj.Keepalive;
import dev.pbj.Referenceable;
import dev.pbj.Remote;
import dev.pbj.RemoteReference;
import dev.pbj.core.PbClient;
import dev.pbj.core.PbServer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;

/** The README's deadlines and shutdown example, run by {@link DeadlineExampleTest}. */
final class DeadlineExample {
  private DeadlineExample() {}

  /** A server object whose reports take longer than their callers wait. */
  public static final class Reports implements Referenceable {
    final CountDownLatch stopped = new CountDownLatch(1);

    // README:deadlines-server-begin
    @Remote
    public CompletionStage<String> report(String quarter, CallContext call) {
      CompletableFuture<String> report = new CompletableFuture<>();   // still being written …
      call.onCancel(stopped::countDown);          // the caller's deadline passed: stop working on it
      return report;
    }
    // README:deadlines-server-end
  }

  /** What the example saw: the caller's failure and whether the server heard of it. */
  record Seen(Throwable failure, boolean serverStopped, boolean terminated) {}

  static Seen run() throws Exception {
    Reports reports = new Reports();
    PbServer server = PbServer.builder().root(reports).listen("tcp://127.0.0.1:0").build().start();
    // README:keepalive-begin
    Keepalive keepalive = new Keepalive(Duration.ofSeconds(30), Duration.ofSeconds(20));   // quiet for, answer within
    // README:keepalive-end
    try (PbClient client = PbClient.builder().defaultDeadline(Duration.ofSeconds(30)).keepalive(keepalive).build()) {
      Broker broker = client.connect(server.uri(0)).get(10, SECONDS);
      // README:deadlines-begin
      RemoteReference hurried = broker.rootObject().withDeadline(Duration.ofMillis(200));
      CompletableFuture<Object> q3 = hurried.callRemote("report", "q3");   // DeadlineExceededException in 200 ms
      // README:deadlines-end
      Throwable failure = q3.handle((answer, error) -> error).get(10, SECONDS);
      boolean stopped = reports.stopped.await(10, SECONDS);
      // README:shutdown-begin
      server.shutdown(Duration.ofSeconds(5));   // stop accepting; calls in flight may finish for 5 s
      boolean terminated = server.awaitTermination(Duration.ofSeconds(10));
      // README:shutdown-end
      return new Seen(failure, stopped, terminated);
    } finally {
      server.close();
    }
  }
}
