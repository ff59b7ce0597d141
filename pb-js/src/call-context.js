/**
 * What a JavaScript method serving the peer's call may know of that call: its deadline and whether the caller gave
 * up on it (Java's `CallContext`). A method opts in with {@link withCallContext}, and then receives a
 * {@link CallContext} as its first argument, before the caller's; every other method keeps its signature.
 */

const contextual = new WeakSet();

/**
 * Marks `method` as one that takes a {@link CallContext} first, before the caller's arguments (keyword arguments,
 * when sent, still come last), and returns the same function:
 * `new Referenceable({ build: withCallContext(async (call, name) => …) })`. On a class, mark the method once:
 * `static { withCallContext(this.prototype.build); }`, or make it a field: `build = withCallContext(…)`.
 */
export function withCallContext(method) {
  if (typeof method !== 'function') {
    throw new TypeError(`withCallContext(method): method is the remote method, a function (got ${typeof method})`);
  }
  contextual.add(method);
  return method;
}

/** Whether `method` was marked by {@link withCallContext}. */
export function wantsCallContext(method) {
  return contextual.has(method);
}

/**
 * One served call, as its method sees it. `signal` aborts once the call is cancelled: the caller gave up (PBJ's
 * `cancel`; reason an `AbortError`), its deadline passed (reason a `DeadlineExceededError`) or the connection went
 * (reason a `ConnectionLostError`). It never aborts once the call has been answered, and never for a call that
 * wants no answer or comes from a peer without PBJ's extensions (a Twisted peer): those are never cancelled. Pass
 * it on (`fetch(url, { signal: call.signal })`) or listen with {@link CallContext#onCancel}. The abort runs on a
 * turn of its own, never inside the connection's handling of a message. Made by the connection only.
 */
export class CallContext {
  #signal;
  #record;
  #onWarning;

  /**
   * @param signal the signal the connection aborts
   * @param record `{ deadline, due, cancelled, finished }` of the call, kept by the connection
   * @param onWarning receives the failures of onCancel callbacks
   */
  constructor(signal, record, onWarning) {
    this.#signal = signal;
    this.#record = record;
    this.#onWarning = onWarning;
  }

  /** Aborts when the call is cancelled (see the class). */
  get signal() {
    return this.#signal;
  }

  /** The milliseconds the caller gave the call (its `deadline` message), or null when it set none. */
  get deadline() {
    return this.#record.deadline;
  }

  /** Milliseconds until the caller's deadline (0 or less once it passed), or null when it set none. */
  timeRemaining() {
    return this.#record.due === null ? null : this.#record.due - performance.now();
  }

  /**
   * Whether the call is cancelled: the caller gave up, the connection went, or its deadline passed (true from that
   * moment, even before the signal's abort event, which waits for its turn).
   */
  get cancelled() {
    const { cancelled, due } = this.#record;
    return cancelled || this.#signal.aborted || (due !== null && performance.now() >= due);
  }

  /**
   * Runs `callback(reason)` once the call is cancelled (soon, if it already is), never if it is answered first.
   * Returns a function that undoes it. A callback that throws is reported to the connection's `onWarning`.
   */
  onCancel(callback) {
    if (typeof callback !== 'function') {
      throw new TypeError(`onCancel(callback): callback is a function (got ${typeof callback})`);
    }
    const signal = this.#signal;
    const run = () => {
      try {
        callback(signal.reason);
      } catch (e) {
        this.#onWarning(`an onCancel callback failed: ${e?.message ?? String(e)}`);
      }
    };
    if (signal.aborted) {
      queueMicrotask(run);
      return () => {};
    }
    if (this.#record.finished) {
      return () => {};
    }
    signal.addEventListener('abort', run, { once: true });
    return () => signal.removeEventListener('abort', run);
  }
}
