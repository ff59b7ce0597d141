package dev.pbj.bench.e2e;

import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * A Cacheable update fanned out to {@code observers} peers: {@code observers} connections each hold a RemoteCache
 * of the server's room; one operation is {@code say("hello")} through one of them, until the server answered and
 * every cache ran {@code said("hello")}. {@code encoding}: {@code each}, the room calls each observer by itself
 * (its arguments jellied and encoded per observer, as before {@code CacheObservers}); {@code once}, one
 * {@code CacheUpdate} to all (encoded once per serializer, copied into each connection's message); {@code oneway},
 * the same update asking no answers (the peers send none back). 10,000
 * observers need a client process of their own: {@link dev.pbj.bench.conn.Fanout}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class PbjFanoutBenchmark {

  @Param({"tcp", "ws"})
  public String transport;

  @Param({"banana", "msgpack"})
  public String serializer;

  @Param({"100", "1000"})
  public int observers;

  @Param({"each", "once", "oneway"})
  public String encoding;

  private PbjFixture fixture;
  private List<PbjFixture.RoomCache> caches;

  @Setup
  public void setUp() throws Exception {
    fixture = PbjFixture.start(transport, serializer, "pool", observers);
    caches = fixture.observeRoom();
    update();
  }

  @TearDown
  public void tearDown() {
    caches.forEach(PbjFixture.RoomCache::close);
    fixture.close();
  }

  @Benchmark
  public Object update() throws Exception {
    String method = switch (encoding) {
      case "once" -> "sayOnce";
      case "oneway" -> "sayOneWay";
      default -> "say";
    };
    return fixture.sayToAll(observers, method)
        .get(Window.TIMEOUT_SECONDS, TimeUnit.SECONDS);
  }
}
