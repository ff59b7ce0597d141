package dev.pbj;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a method of a {@link Referenceable} as callable by the peer (Twisted's {@code remote_<name>}).
 *
 * <p>The wire name is the method name unless {@link #value()} gives one. A method may return a value, nothing
 * ({@code None} on the wire) or a {@link java.util.concurrent.CompletionStage} whose completion is the answer.
 * Parameters receive the positional arguments in order, then keyword arguments by parameter name (compile with
 * {@code -parameters}); overloads with the same wire name are chosen by the number of arguments. Throwing a
 * {@link PbError} sends Twisted's {@code pb.Error}; any other exception reaches the caller as a remote error
 * carrying the Java type name. A parameter of type {@link Broker} receives the calling connection and one of type
 * {@link CallContext} the call's deadline and cancellation, instead of wire arguments.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface Remote {
  /** The wire name; empty means the Java method name. */
  String value() default "";

  /**
   * Whether the method may run in its connection's serial context instead of on the executor (usually the
   * connection's I/O thread, like a Twisted method on the reactor): only for methods that never block, and
   * never wait for an answer of the same connection (it could not be read while the method waits). Saves a thread
   * hand-off per call.
   */
  boolean nonBlocking() default false;
}
