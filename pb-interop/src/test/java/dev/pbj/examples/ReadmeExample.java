package dev.pbj.examples;

import static java.util.concurrent.TimeUnit.SECONDS;

import dev.pbj.Broker;
import dev.pbj.PbError;
import dev.pbj.Referenceable;
import dev.pbj.Remote;
import dev.pbj.RemoteException;
import dev.pbj.RemoteReference;
import dev.pbj.core.PbClient;
import dev.pbj.core.PbServer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;

/** The example shown in the README, kept compiling and running by {@link ReadmeExampleTest}. */
final class ReadmeExample {
  private ReadmeExample() {}

  // README:begin
  /** A server object: its @Remote methods are what peers (Java or Twisted) may call. */
  public static class Greeter implements Referenceable {
    @Remote
    public String greet(String name) {
      return "hello, " + name;
    }

    @Remote
    public void fail(String why) {
      throw new PbError(why); // a Twisted caller sees pb.Error
    }

    @Remote
    public Counter counter() {
      return new Counter(); // sent by reference: the caller gets a RemoteReference
    }
  }

  public static class Counter implements Referenceable {
    private long value;

    @Remote
    public synchronized long increment() {
      return ++value;
    }
  }

  static List<Object> run() throws Exception {
    List<Object> seen = new ArrayList<>();
    try (PbServer server = PbServer.builder().root(new Greeter()).listen("tcp://127.0.0.1:0").build().start();
        PbClient client = PbClient.builder().build()) {
      Broker broker = client.connect(server.uri(0)).get(10, SECONDS);
      RemoteReference root = broker.rootObject();
      seen.add(root.callRemote("greet", "PB").get(10, SECONDS));            // "hello, PB"
      try {
        root.callRemote("fail", "nope").get(10, SECONDS);
      } catch (ExecutionException e) {
        RemoteException error = (RemoteException) e.getCause();           // error.isPbError() is true
        seen.add(error.remoteMessage());                                    // "nope"
      }
      try (RemoteReference counter = root.callRemote(RemoteReference.class, "counter").get(10, SECONDS)) {
        counter.callRemote("increment").get(10, SECONDS);
        seen.add(counter.callRemote("increment").get(10, SECONDS));         // 2L; close() releases it
      }
    }
    return seen;
  }
  // README:end
}
