package dev.pbj.metrics;

import dev.pbj.Broker;
import dev.pbj.CallInterceptor;
import dev.pbj.CallRejectedException;
import dev.pbj.ConnectionEvent;
import dev.pbj.ConnectionLostException;
import dev.pbj.ConnectionState;
import dev.pbj.DeadReferenceException;
import dev.pbj.DeadlineExceededException;
import dev.pbj.InterceptedCall;
import dev.pbj.RemoteException;
import dev.pbj.ShuttingDownException;
import dev.pbj.TrafficStats;
import dev.pbj.core.KeptConnection;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.ToDoubleFunction;

/**
 * PBJ's meters in a Micrometer {@link MeterRegistry}: connections, calls by method and outcome with their latency,
 * bytes, pending calls, back-pressure pauses and reconnects.
 *
 * <pre>{@code
 * PbjMetrics metrics = PbjMetrics.of(registry, Tags.of("service", "chat"));
 * PbServer server = PbServer.builder()
 *     .interceptInbound(metrics.inbound()).interceptOutbound(metrics.outbound())
 *     .onConnect(metrics::track)
 *     …
 * }</pre>
 *
 * <table>
 *   <caption>Meters</caption>
 *   <tr><td>{@value #CALLS} (timer, histogram)</td><td>calls by {@code direction} ({@code inbound}: the peer's calls
 *       this side served; {@code outbound}: this side's), {@code method} and {@code outcome} ({@code ok},
 *       {@code remote_error}, {@code rejected}, {@code deadline_exceeded}, {@code cancelled},
 *       {@code connection_lost}, {@code shutting_down}, {@code error})</td></tr>
 *   <tr><td>{@value #CONNECTIONS_OPEN} (gauge)</td><td>tracked connections open now</td></tr>
 *   <tr><td>{@value #CONNECTIONS_OPENED} (counter)</td><td>connections tracked so far</td></tr>
 *   <tr><td>{@value #BYTES_RECEIVED}, {@value #BYTES_SENT} (counters)</td><td>message bytes of tracked
 *       connections, closed ones included</td></tr>
 *   <tr><td>{@value #PENDING_CALLS} (gauge)</td><td>this side's calls waiting for an answer on tracked
 *       connections</td></tr>
 *   <tr><td>{@value #READ_PAUSES} (counter)</td><td>times a tracked connection stopped reading for
 *       back-pressure</td></tr>
 *   <tr><td>{@value #RECONNECTS} (counter)</td><td>connections a {@link KeptConnection} made again after losing
 *       one</td></tr>
 * </table>
 *
 * Method names come from calls that reached a method (inbound) or that this side made (outbound), so a peer cannot
 * grow the set of tags by sending made-up names. Thread-safe; one instance may serve several clients and servers.
 */
public final class PbjMetrics {
  public static final String CALLS = "pbj.calls";
  public static final String CONNECTIONS_OPEN = "pbj.connections.open";
  public static final String CONNECTIONS_OPENED = "pbj.connections.opened";
  public static final String BYTES_RECEIVED = "pbj.bytes.received";
  public static final String BYTES_SENT = "pbj.bytes.sent";
  public static final String PENDING_CALLS = "pbj.calls.pending";
  public static final String READ_PAUSES = "pbj.backpressure.pauses";
  public static final String RECONNECTS = "pbj.reconnects";

  private final MeterRegistry registry;
  private final Tags tags;
  private final Set<Broker> open = ConcurrentHashMap.newKeySet();
  /** What closed connections carried, so the counters never go down. */
  private final AtomicLong closedReceived = new AtomicLong();
  private final AtomicLong closedSent = new AtomicLong();
  private final AtomicLong closedPauses = new AtomicLong();
  private final Counter opened;
  private final Counter reconnects;
  private final CallInterceptor inbound;
  private final CallInterceptor outbound;

  private PbjMetrics(MeterRegistry registry, Tags tags) {
    this.registry = registry;
    this.tags = tags;
    Gauge.builder(CONNECTIONS_OPEN, open, Set::size).tags(tags).description("PB connections open")
        .register(registry);
    Gauge.builder(PENDING_CALLS, open, brokers -> sum(brokers, b -> b.stats().pendingCalls())).tags(tags)
        .description("calls waiting for the peer's answer").register(registry);
    FunctionCounter.builder(BYTES_RECEIVED, this, m -> m.traffic(TrafficStats::bytesReceived, m.closedReceived))
        .tags(tags).baseUnit("bytes").description("message bytes received").register(registry);
    FunctionCounter.builder(BYTES_SENT, this, m -> m.traffic(TrafficStats::bytesSent, m.closedSent))
        .tags(tags).baseUnit("bytes").description("message bytes sent").register(registry);
    FunctionCounter.builder(READ_PAUSES, this, m -> m.traffic(TrafficStats::readPauses, m.closedPauses))
        .tags(tags).description("times reading stopped for back-pressure").register(registry);
    this.opened = Counter.builder(CONNECTIONS_OPENED).tags(tags).description("PB connections opened")
        .register(registry);
    this.inbound = timing("inbound");
    this.outbound = timing("outbound");
    this.reconnects = Counter.builder(RECONNECTS).tags(tags).description("connections made again after a loss")
        .register(registry);
  }

  /** Meters in {@code registry}, each with {@code tags} (which may be empty). */
  public static PbjMetrics of(MeterRegistry registry, Tags tags) {
    return new PbjMetrics(Objects.requireNonNull(registry, "registry"), Objects.requireNonNull(tags, "tags"));
  }

  /** Meters in {@code registry} without extra tags. */
  public static PbjMetrics of(MeterRegistry registry) {
    return of(registry, Tags.empty());
  }

  /** Times the peer's calls to this side's objects: give it to {@code interceptInbound}. */
  public CallInterceptor inbound() {
    return inbound;
  }

  /** Times this side's calls to the peer: give it to {@code interceptOutbound}. */
  public CallInterceptor outbound() {
    return outbound;
  }

  /** Counts {@code broker} among the open connections until it closes; e.g. {@code PbServer.builder().onConnect}. */
  public void track(Broker broker) {
    if (!open.add(broker)) {
      return;
    }
    opened.increment();
    broker.closeFuture().whenComplete((ignored, error) -> {
      TrafficStats last = broker.traffic();
      // added before removal: a scrape in between counts the connection twice for a moment, never not at all
      closedReceived.addAndGet(last.bytesReceived());
      closedSent.addAndGet(last.bytesSent());
      closedPauses.addAndGet(last.readPauses());
      open.remove(broker);
    });
  }

  /** Tracks each connection {@code connection} makes and counts its reconnects. */
  public void track(KeptConnection connection) {
    boolean[] connectedBefore = {false};
    connection.addListener((ConnectionEvent event) -> {
      if (event.state() == ConnectionState.CONNECTED) {
        synchronized (connectedBefore) {
          if (connectedBefore[0]) {
            reconnects.increment();
          }
          connectedBefore[0] = true;
        }
        track(event.broker());
      }
    });
  }

  private double traffic(ToDoubleFunction<TrafficStats> field, AtomicLong closed) {
    double total = closed.get();
    for (Broker broker : open) {
      total += field.applyAsDouble(broker.traffic());
    }
    return total;
  }

  private static double sum(Set<Broker> brokers, ToDoubleFunction<Broker> value) {
    double total = 0;
    for (Broker broker : brokers) {
      total += value.applyAsDouble(broker);
    }
    return total;
  }

  private CallInterceptor timing(String direction) {
    Tags base = tags.and(Tag.of("direction", direction));
    // method → outcome → timer: found without building a key per call
    ConcurrentHashMap<String, ConcurrentHashMap<String, Timer>> timers = new ConcurrentHashMap<>();
    return (call, next) -> {
      long start = System.nanoTime();
      CompletionStage<Object> outcome = next.proceed();
      return outcome.whenComplete((value, error) -> {
        String method = call.method();
        String result = outcome(error);
        ConcurrentHashMap<String, Timer> byOutcome = timers.computeIfAbsent(method, m -> new ConcurrentHashMap<>());
        Timer timer = byOutcome.get(result);
        if (timer == null) {
          timer = byOutcome.computeIfAbsent(result, r -> Timer.builder(CALLS).tags(base).tag("method", method)
              .tag("outcome", r).publishPercentileHistogram().description("PB calls by method and outcome")
              .register(registry));
        }
        timer.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
      });
    };
  }

  /** The {@code outcome} tag of a call that ended with {@code error} (null: success). */
  static String outcome(Throwable error) {
    if (error == null) {
      return "ok";
    }
    if (error instanceof CallRejectedException) {
      return "rejected";
    }
    if (error instanceof ShuttingDownException) {
      return "shutting_down";
    }
    if (error instanceof DeadlineExceededException) {
      return "deadline_exceeded";
    }
    if (error instanceof CancellationException) {
      return "cancelled";
    }
    if (error instanceof ConnectionLostException || error instanceof DeadReferenceException) {
      return "connection_lost";
    }
    if (error instanceof RemoteException) {
      return "remote_error";
    }
    return "error";
  }

  @Override
  public String toString() {
    return "PbjMetrics[" + registry.getClass().getSimpleName() + ", " + tags + "]";
  }
}
