package dev.pbj.core.internal.calls;

import dev.pbj.CallInterceptor;
import dev.pbj.InterceptedCall;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * The interceptors of a client or server, inbound and outbound, and how a chain of them runs: the first added
 * outermost, the call itself last. A chain never throws: what an interceptor throws, or a {@code null} it returns,
 * becomes the call's failure; each interceptor's {@code proceed()} fails with the failure itself, unwrapped.
 *
 * @param inbound around the peer's calls to this side's objects
 * @param outbound around this side's calls to the peer's objects
 */
public record Interceptors(List<CallInterceptor> inbound, List<CallInterceptor> outbound) {
  public static final Interceptors NONE = new Interceptors(List.of(), List.of());

  public Interceptors {
    inbound = List.copyOf(inbound);
    outbound = List.copyOf(outbound);
  }

  /** Runs {@code chain} around {@code call}, which {@code terminal} performs. */
  static CompletionStage<Object> run(List<CallInterceptor> chain, InterceptedCall call,
      Supplier<CompletionStage<Object>> terminal) {
    return new Step(chain, 0, call, terminal).run();
  }

  /** One link of the chain: the interceptor at {@code index}, or the call itself past the last. */
  private static final class Step implements CallInterceptor.Next {
    private final List<CallInterceptor> chain;
    private final int index;
    private final InterceptedCall call;
    private final Supplier<CompletionStage<Object>> terminal;
    private boolean proceeded;

    Step(List<CallInterceptor> chain, int index, InterceptedCall call, Supplier<CompletionStage<Object>> terminal) {
      this.chain = chain;
      this.index = index;
      this.call = call;
      this.terminal = terminal;
    }

    CompletionStage<Object> run() {
      try {
        if (index == chain.size()) {
          return plain(terminal.get());
        }
        CallInterceptor interceptor = chain.get(index);
        CompletionStage<Object> outcome = interceptor.intercept(call, new Step(chain, index + 1, call, terminal));
        if (outcome == null) {
          return CompletableFuture.failedFuture(new NullPointerException("interceptor " + interceptor
              + " returned null instead of a stage for " + call.method()));
        }
        return plain(outcome);
      } catch (Throwable e) {
        return CompletableFuture.failedFuture(e);
      }
    }

    /**
     * {@code outcome} failing with the failure itself rather than the {@code CompletionException} a stage derived
     * with {@code whenComplete} or {@code thenApply} wraps it in: each interceptor sees the failure the call had.
     */
    private static CompletionStage<Object> plain(CompletionStage<Object> outcome) {
      CompletableFuture<Object> plain = new CompletableFuture<>();
      outcome.whenComplete((value, error) -> {
        if (error == null) {
          plain.complete(value);
        } else {
          while (error instanceof CompletionException && error.getCause() != null) {
            error = error.getCause();
          }
          plain.completeExceptionally(error);
        }
      });
      return plain;
    }

    /** The next link; this object is handed to the interceptor before it, which may call this once. */
    @Override
    public CompletionStage<Object> proceed() {
      synchronized (this) {
        if (proceeded) {
          return CompletableFuture.failedFuture(new IllegalStateException("proceed() called twice for "
              + call.method() + " by interceptor " + chain.get(index - 1)));
        }
        proceeded = true;
      }
      return run();
    }
  }
}
