package dev.pbj.core.internal;

import dev.pbj.Broker;
import dev.pbj.Limits;
import dev.pbj.core.internal.jelly.CopyResolver;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.function.Function;

/**
 * What every broker of a client or server shares: where remote methods and callbacks run, the limits, the
 * serializers it may speak and the root object it serves.
 *
 * @param executor runs remote methods, answers' completions and disconnect callbacks
 * @param limits receiver-side limits of each connection
 * @param unsafeTracebacks whether failures sent to the peer carry the Java stack trace
 * @param copies what received copies become
 * @param root the root object served to each connection (null: none)
 * @param serializers serializer names this side accepts, in preference order
 */
public record BrokerConfig(Executor executor, Limits limits, boolean unsafeTracebacks, CopyResolver copies,
    Function<Broker, ?> root, List<String> serializers) {
}
