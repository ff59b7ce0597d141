package dev.pbj;

import java.util.concurrent.CompletionStage;

/**
 * Runs around calls: to log, measure, trace or authorize them. An interceptor sees the call ({@link InterceptedCall}:
 * connection, avatar, target, method, arguments, deadline) and decides what happens by what it returns:
 *
 * <pre>{@code
 * CallInterceptor timing = (call, next) -> {
 *   long start = System.nanoTime();
 *   return next.proceed().whenComplete((answer, error) ->
 *       log.info("{} took {} µs, {}", call.method(), (System.nanoTime() - start) / 1000,
 *           error == null ? "ok" : error.toString()));
 * };
 * CallInterceptor adminsOnly = (call, next) -> {
 *   if (call.method().startsWith("admin") && !(call.avatar().orElse(null) instanceof Admin)) {
 *     throw new CallRejectedException("only administrators may call " + call.method());
 *   }
 *   return next.proceed();
 * };
 * PbServer.builder().interceptInbound(timing).interceptInbound(adminsOnly)…
 * }</pre>
 *
 * <p>{@link Next#proceed()} runs the rest of the chain and then the call itself, and returns its outcome; an
 * interceptor may return that, a stage derived from it, or, to reject the call without running it, throw (or return a
 * failed stage). The caller receives whatever failure the chain ends with: {@link CallRejectedException} is the one
 * made for refusals, and reaches a PBJ caller as itself.
 *
 * <p>Order: interceptors run in the order they were added, the first outermost (it sees the call first and its
 * outcome last). Inbound interceptors (the peer's calls to this side's objects) run where the method runs, on the
 * executor, one call after another in the connection's arrival order, like the methods; with any inbound
 * interceptor, {@code @Remote(nonBlocking = true)} methods run there too. Calls that never reach a method are
 * answered before interceptors see them: an unknown object or method, arguments that do not bind. Outbound
 * interceptors (this side's calls) run on the thread that calls {@code callRemote}, before the call is sent.
 */
@FunctionalInterface
public interface CallInterceptor {

  /**
   * Intercepts {@code call}; {@code next} goes on with it. Must not block: a slow decision holds up the calls behind
   * it on this connection (return a stage that completes later instead).
   */
  CompletionStage<Object> intercept(InterceptedCall call, Next next) throws Exception;

  /** The rest of the chain, ending with the call itself. */
  @FunctionalInterface
  interface Next {
    /**
     * Goes on with the call and returns its outcome: the method's result (inbound) or the peer's answer (outbound),
     * or their failure (the failure itself, never a {@code CompletionException} around it). Once per call: a second
     * time returns a failed stage.
     */
    CompletionStage<Object> proceed();
  }
}
