package dev.pbj.core.internal.endpoint;

import dev.pbj.Broker;
import dev.pbj.Keepalive;
import dev.pbj.Limits;
import dev.pbj.core.CopyRegistry;
import dev.pbj.core.internal.calls.Interceptors;
import dev.pbj.cred.Portal;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.function.Function;

/**
 * What every broker of a client or server shares: where remote methods and callbacks run, the limits, the
 * serializers it may speak and the root object it serves.
 *
 * @param executor runs remote methods, answers' completions and disconnect callbacks: user code
 * @param connections runs the connections' contexts (decoding, tables, dispatch, encoding): never blocked by a
 *     remote method, so an answer can always be read
 * @param limits receiver-side limits of each connection
 * @param unsafeTracebacks whether failures sent to the peer carry the Java stack trace
 * @param copies what received copies and caches become, and the names copies are sent under
 * @param root the root object served to each connection (null: none)
 * @param portal logs peers in through the root (null: no login)
 * @param serializers serializer names this side accepts, in preference order
 * @param defaultDeadline the deadline of calls made through references without one of their own (null: none)
 * @param keepalive dead-peer detection on byte-stream links
 * @param interceptors around calls either way
 */
public record BrokerConfig(Executor executor, Executor connections, Limits limits, boolean unsafeTracebacks,
    CopyRegistry copies, Function<Broker, ?> root, Portal portal, List<String> serializers, Duration defaultDeadline,
    Keepalive keepalive, Interceptors interceptors) {

  /** Without interceptors. */
  public BrokerConfig(Executor executor, Executor connections, Limits limits, boolean unsafeTracebacks,
      CopyRegistry copies, Function<Broker, ?> root, Portal portal, List<String> serializers, Duration defaultDeadline,
      Keepalive keepalive) {
    this(executor, connections, limits, unsafeTracebacks, copies, root, portal, serializers, defaultDeadline,
        keepalive, Interceptors.NONE);
  }
}
