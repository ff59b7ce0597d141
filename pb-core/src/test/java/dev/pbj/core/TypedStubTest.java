package dev.pbj.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pbj.Broker;
import dev.pbj.DeadReferenceException;
import dev.pbj.Referenceable;
import dev.pbj.Remote;
import dev.pbj.RemoteException;
import dev.pbj.RemoteReference;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@link RemoteReference#as}: typed stubs over real connections, served by an object implementing the interface. */
class TypedStubTest {

  /** The remote object's interface, shared by both sides. */
  public interface Greeter {
    @Remote
    CompletableFuture<String> greet(String name);

    @Remote("shout")
    CompletionStage<String> loudly(String what);

    @Remote
    CompletableFuture<Integer> add(int a, int b);

    @Remote
    CompletableFuture<List<String>> names();

    @Remote
    void poke(String note);

    @Remote
    CompletableFuture<String> fail();

    default CompletableFuture<String> greetTwice(String name) {
      return greet(name).thenCompose(first -> greet(first));
    }
  }

  /** The server's implementation. */
  public static final class GreeterImpl implements Greeter, Referenceable {
    final CountDownLatch poked = new CountDownLatch(1);
    volatile String note;

    @Override
    public CompletableFuture<String> greet(String name) {
      return CompletableFuture.completedFuture("hello " + name);
    }

    @Override
    public CompletionStage<String> loudly(String what) {
      return CompletableFuture.completedFuture(what.toUpperCase(java.util.Locale.ROOT));
    }

    @Override
    public CompletableFuture<Integer> add(int a, int b) {
      return CompletableFuture.completedFuture(a + b);
    }

    @Override
    public CompletableFuture<List<String>> names() {
      return CompletableFuture.completedFuture(List.of("ann", "bob"));
    }

    @Override
    public void poke(String note) {
      this.note = note;
      poked.countDown();
    }

    @Override
    public CompletableFuture<String> fail() {
      return CompletableFuture.failedFuture(new IllegalStateException("no"));
    }
  }

  /** An interface whose one method cannot be a remote call. */
  public interface Blocking {
    String greet(String name);
  }

  @ParameterizedTest
  @ValueSource(strings = {"tcp", "ws"})
  void aStubCallsTheRemoteMethodsAndConvertsTheirAnswers(String scheme) throws Exception {
    GreeterImpl served = new GreeterImpl();
    try (PbServer server = PbServer.builder().root(served).listen(scheme + "://127.0.0.1:0/pb").build().start();
        PbClient client = PbClient.builder().build()) {
      Broker broker = client.connect(server.uri(0)).get(10, TimeUnit.SECONDS);
      Greeter greeter = broker.rootObject().as(Greeter.class);
      assertThat(greeter.greet("x").get(10, TimeUnit.SECONDS)).isEqualTo("hello x");
      assertThat(greeter.loudly("hey").toCompletableFuture().get(10, TimeUnit.SECONDS)).isEqualTo("HEY");
      Integer sum = greeter.add(2, 40).get(10, TimeUnit.SECONDS);
      assertThat(sum).isEqualTo(42);
      assertThat(greeter.names().get(10, TimeUnit.SECONDS)).containsExactly("ann", "bob");
      assertThat(greeter.greetTwice("y").get(10, TimeUnit.SECONDS)).isEqualTo("hello hello y");
      greeter.poke("one way");
      assertThat(served.poked.await(10, TimeUnit.SECONDS)).isTrue();
      assertThat(served.note).isEqualTo("one way");
      assertThatThrownBy(() -> greeter.fail().get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
          .cause().isInstanceOf(RemoteException.class).hasMessageContaining("no");

      assertThat(greeter).isEqualTo(broker.rootObject().as(Greeter.class)).isNotEqualTo(broker.rootObject())
          .hasSameHashCodeAs(broker.rootObject().as(Greeter.class));
      assertThat(greeter.toString()).startsWith("Greeter stub of RemoteReference(root");
    }
  }

  @Test
  void aStubOfAReferenceEndsWithItAndKeepsItsDeadline() throws Exception {
    try (PbServer server = PbServer.builder().root(new Holder()).listen("tcp://127.0.0.1:0").build().start();
        PbClient client = PbClient.builder().build()) {
      Broker broker = client.connect(server.uri(0)).get(10, TimeUnit.SECONDS);
      RemoteReference ref = (RemoteReference) broker.rootObject().callRemote("greeter").get(10, TimeUnit.SECONDS);
      Greeter greeter = ref.withDeadline(java.time.Duration.ofSeconds(5)).as(Greeter.class);
      assertThat(greeter.greet("z").get(10, TimeUnit.SECONDS)).isEqualTo("hello z");
      ref.close();
      assertThatThrownBy(() -> greeter.greet("z").get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
          .cause().isInstanceOf(DeadReferenceException.class);
    }
  }

  /** Hands out a greeter by reference. */
  public static final class Holder implements Referenceable {
    @Remote
    public GreeterImpl greeter() {
      return new GreeterImpl();
    }
  }

  @Test
  void whatCannotBeAStubIsRefusedAtAsTimeNamingTheMethod() throws Exception {
    try (PbServer server = PbServer.builder().root(new GreeterImpl()).listen("tcp://127.0.0.1:0").build().start();
        PbClient client = PbClient.builder().build()) {
      RemoteReference root = client.connect(server.uri(0)).get(10, TimeUnit.SECONDS).rootObject();
      assertThatThrownBy(() -> root.as(Blocking.class)).isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("Blocking.greet returns String").hasMessageContaining("CompletableFuture");
      assertThatThrownBy(() -> root.as(GreeterImpl.class)).isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("is not an interface");
    }
  }
}
