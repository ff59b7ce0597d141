package dev.pbj;

import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * A reference to an object that lives on the other side of a connection (Twisted's {@code RemoteReference}):
 * the root object, or a {@link Referenceable} the peer passed in a call or an answer.
 *
 * <p>Calls are asynchronous and never block the caller; futures complete on the executor, off the transport's
 * I/O threads and the connection's own context, so a callback that blocks does not stall the connection.
 * Cancelling a call's future, a timeout completing it, or its deadline ({@link #withDeadline}) passing forgets the
 * call; its late answer is dropped, and a PBJ peer is told to stop working on it. Every future settles: with the
 * answer, with a {@link RemoteException} raised by the peer, with {@link DeadlineExceededException} when its
 * deadline passes, with {@link ConnectionLostException} when the connection drops first, or at once with
 * {@link DeadReferenceException} when the reference is already dead.
 *
 * <p>Closing releases the reference: the peer is told (a {@code decref} per time the reference was received)
 * and may forget the object. A reference that becomes unreachable is released by the garbage collector as a
 * fallback. References are thread-safe; equal references name the same remote object.
 */
public interface RemoteReference extends AutoCloseable {

  /**
   * Calls {@code method} on the remote object. A trailing {@link Kwargs} argument carries keyword arguments;
   * the others are positional and travel as Jelly values (see the README's mapping).
   *
   * @return a future of the answer, decoded to Java values
   */
  CompletableFuture<Object> callRemote(String method, Object... args);

  /**
   * Like {@link #callRemote(String, Object...)}, converting the answer to {@code resultType}: numbers are
   * narrowed or widened when the value fits, {@code null} stays {@code null}; anything else that is not an
   * instance of the type fails the future with a {@link ClassCastException}.
   */
  <T> CompletableFuture<T> callRemote(Class<T> resultType, String method, Object... args);

  /**
   * Sends a call that asks for no answer (Twisted's {@code pbanswer=False}): the peer sends neither the result
   * nor an error. Throws {@link DeadReferenceException} if the reference is dead.
   */
  void callRemoteNoAnswer(String method, Object... args);

  /**
   * This reference with a deadline for each call made through it: a call not answered within {@code timeout} of
   * being made fails with {@link DeadlineExceededException}. A PBJ peer receives the deadline with the call and
   * can see it ({@link CallContext}); a Twisted peer never hears of it. The view shares this handle: closing
   * either closes both. Replaces the client's or server's default deadline.
   *
   * @param timeout positive
   */
  RemoteReference withDeadline(java.time.Duration timeout);

  /** The connection this reference belongs to. */
  Broker broker();

  /**
   * Runs {@code callback} with this reference once its connection closes (at once if it already has). Callbacks
   * run in registration order off the I/O threads.
   */
  void notifyOnDisconnect(Consumer<? super RemoteReference> callback);

  /** Removes a callback added by {@link #notifyOnDisconnect(Consumer)}; unknown callbacks are ignored. */
  void dontNotifyOnDisconnect(Consumer<? super RemoteReference> callback);

  /**
   * A typed stub of the remote object: an implementation of interface {@code type} whose methods call the remote
   * methods of the same name (or the name their {@link Remote#value()} gives), with their arguments as
   * {@link #callRemote(String, Object...)} takes them, and convert the answer to the method's result type as
   * {@link #callRemote(Class, String, Object...)} does:
   *
   * <pre>{@code
   * interface Greeter {
   *   @Remote CompletableFuture<String> greet(String name);
   *   @Remote("shout") CompletionStage<String> loudly(String what);
   * }
   * Greeter greeter = ref.as(Greeter.class);
   * greeter.greet("x").thenAccept(System.out::println);
   * }</pre>
   *
   * Methods return {@code CompletableFuture<T>} or {@code CompletionStage<T>}, or are {@code void} for calls that
   * want no answer; default methods run as written. A server object may implement the same interface (its
   * {@code @Remote} annotations then serve both sides). The stub shares this handle: closing the reference ends it,
   * and it follows the reference's deadline. No code generation: a dynamic proxy.
   *
   * @throws IllegalArgumentException if {@code type} is not an interface, or one of its methods returns anything
   *     else, naming the method
   */
  default <T> T as(Class<T> type) {
    java.util.Objects.requireNonNull(type, "type");
    return RemoteStubs.stub(this, type);
  }

  /**
   * Releases this handle; idempotent. Later calls through it fail with {@link DeadReferenceException}. Each
   * reference received is a handle of its own: other handles of the same remote object (received by other calls,
   * and {@code equals} to this one) keep working, and the peer is told once the last of them is closed or collected.
   */
  @Override
  void close();
}
