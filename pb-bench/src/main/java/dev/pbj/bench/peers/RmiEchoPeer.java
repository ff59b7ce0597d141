package dev.pbj.bench.peers;

import java.io.IOException;
import java.io.Serializable;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.rmi.NoSuchObjectException;
import java.rmi.RemoteException;
import java.rmi.server.RMIClientSocketFactory;
import java.rmi.server.RMIServerSocketFactory;
import java.rmi.server.UnicastRemoteObject;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Java RMI (the JDK's JRMP) calling {@code echo("hello")} on an exported object over loopback: sockets bound to
 * and connecting to 127.0.0.1 whatever the stub's host says, with TCP_NODELAY. RMI calls block their thread, so
 * latency is measured with the caller making the call itself, and {@code n} calls in flight are {@code n} threads
 * each making one (RMI opens a connection per concurrent call). It also does the callback round trip: the client
 * exports a {@link Receiver} and the server calls it back.
 */
public final class RmiEchoPeer implements EchoPeer {

  /** The remote interface served. */
  public interface EchoService extends java.rmi.Remote {
    Object echo(Object x) throws RemoteException;

    /** Calls {@code receiver.got(x)} and returns what it returns. */
    Object callback(Receiver receiver, Object x) throws RemoteException;
  }

  /** The client's object the server calls back. */
  public interface Receiver extends java.rmi.Remote {
    Object got(Object x) throws RemoteException;
  }

  private final Service service = new Service();
  private final ReceiverImpl receiverImpl = new ReceiverImpl();
  private final EchoService stub;
  private final Receiver receiver;
  private final ExecutorService callers;

  private RmiEchoPeer(int maxInFlight) throws RemoteException {
    LoopbackSockets sockets = new LoopbackSockets();
    LoopbackServerSockets serverSockets = new LoopbackServerSockets();
    this.stub = (EchoService) UnicastRemoteObject.exportObject(service, 0, sockets, serverSockets);
    Receiver exported;
    try {
      exported = (Receiver) UnicastRemoteObject.exportObject(receiverImpl, 0, sockets, serverSockets);
    } catch (RemoteException e) {
      unexport(service);
      throw e;
    }
    this.receiver = exported;
    AtomicInteger count = new AtomicInteger();
    this.callers = Executors.newFixedThreadPool(Math.max(1, maxInFlight), task -> {
      Thread thread = new Thread(task, "rmi-caller-" + count.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    });
  }

  static RmiEchoPeer start(int maxInFlight) throws Exception {
    RmiEchoPeer peer = new RmiEchoPeer(maxInFlight);
    try {
      peer.roundTrip();
    } catch (Exception e) {
      peer.close();
      throw e;
    }
    return peer;
  }

  /** Starts a peer for the callback benchmark, which keeps one call in flight. */
  public static RmiEchoPeer startForCallbacks() throws Exception {
    return start(1);
  }

  @Override
  public Object roundTrip() throws RemoteException {
    return stub.echo("hello");
  }

  /** The callback round trip: client → server → client → server → client. */
  public Object callback() throws RemoteException {
    return stub.callback(receiver, "hello");
  }

  @Override
  public CompletableFuture<Object> send() {
    return CompletableFuture.supplyAsync(() -> {
      try {
        return stub.echo("hello");
      } catch (RemoteException e) {
        throw new CompletionException(e);
      }
    }, callers);
  }

  @Override
  public void close() {
    callers.shutdownNow();
    unexport(receiverImpl);
    unexport(service);
  }

  private static void unexport(java.rmi.Remote object) {
    try {
      UnicastRemoteObject.unexportObject(object, true);
    } catch (NoSuchObjectException e) {
      // already gone
    }
  }

  private static final class Service implements EchoService {
    @Override
    public Object echo(Object x) {
      return x;
    }

    @Override
    public Object callback(Receiver receiver, Object x) throws RemoteException {
      return receiver.got(x);
    }
  }

  private static final class ReceiverImpl implements Receiver {
    @Override
    public Object got(Object x) {
      return x;
    }
  }

  /** Server sockets on 127.0.0.1 only. */
  private static final class LoopbackServerSockets implements RMIServerSocketFactory {
    @Override
    public ServerSocket createServerSocket(int port) throws IOException {
      return new ServerSocket(port, 128, InetAddress.getLoopbackAddress());
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof LoopbackServerSockets;
    }

    @Override
    public int hashCode() {
      return LoopbackServerSockets.class.hashCode();
    }
  }

  /** Client sockets to 127.0.0.1, whatever host the stub names, with Nagle off. */
  private static final class LoopbackSockets implements RMIClientSocketFactory, Serializable {
    private static final long serialVersionUID = 1L;

    @Override
    public Socket createSocket(String host, int port) throws IOException {
      Socket socket = new Socket(InetAddress.getLoopbackAddress(), port);
      socket.setTcpNoDelay(true);
      return socket;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof LoopbackSockets;
    }

    @Override
    public int hashCode() {
      return LoopbackSockets.class.hashCode();
    }
  }
}
