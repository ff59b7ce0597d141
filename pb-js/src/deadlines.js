/**
 * How long a call may wait and who may stop it: the `timeout` (milliseconds) and `signal` (an AbortSignal) of a
 * call's options, checked, and the watch that gives up on the call when either fires. Giving up is the broker's
 * job (it forgets the call and tells a PBJ peer); this module only decides when, and never leaves a timer or a
 * listener behind once the call has settled.
 */

/** The longest timer JavaScript runs as asked: `setTimeout` fires at once for anything longer. */
export const MAX_TIMEOUT = 2 ** 31 - 1;

/**
 * A timeout option checked: a number of milliseconds from above 0 to {@link MAX_TIMEOUT}, or `Infinity` (none);
 * `undefined` gives `fallback`. `name` is the option's name, for the error.
 */
export function checkTimeout(value, name, fallback = Infinity) {
  if (value === undefined) {
    return fallback;
  }
  if (value === Infinity) {
    return value;
  }
  if (typeof value !== 'number' || !(value > 0) || value > MAX_TIMEOUT) {
    throw new RangeError(`${name}: ${typeof value === 'string' ? `'${value}'` : String(value)} (expected`
      + ` milliseconds above 0 and at most ${MAX_TIMEOUT}, or Infinity for none)`);
  }
  return value;
}

/** An AbortSignal option checked: anything with `aborted` and `addEventListener`, or undefined/null (none). */
export function checkSignal(value, name = 'signal') {
  if (value === undefined || value === null) {
    return null;
  }
  if (typeof value !== 'object' || typeof value.aborted !== 'boolean'
    || typeof value.addEventListener !== 'function' || typeof value.removeEventListener !== 'function') {
    throw new TypeError(`${name}: expected an AbortSignal (from an AbortController, or AbortSignal.timeout(…))`);
  }
  return value;
}

/** What a call stopped by `signal` rejects with: the signal's reason, as `fetch` does; else an AbortError. */
export function abortReason(signal) {
  return signal.reason !== undefined ? signal.reason : abortError('This operation was aborted');
}

/** An `AbortError` (a DOMException where there is one, as `fetch` and `AbortController` make) saying `message`. */
export function abortError(message) {
  if (typeof DOMException === 'function') {
    return new DOMException(message, 'AbortError');
  }
  const error = new Error(message);
  error.name = 'AbortError';
  return error;
}

/**
 * Watches one call: `onTimeout()` once `timeout` ms have passed (not when it is Infinity), `onAbort(reason)`
 * when `signal` aborts. At most one of them runs, once. Returns the function that stops watching (idempotent),
 * which the call's settling must run whatever settled it.
 */
export function watchCall({ timeout, signal, onTimeout, onAbort }) {
  let timer = null;
  let listener = null;
  const disarm = () => {
    if (timer !== null) {
      clearTimeout(timer);
      timer = null;
    }
    if (listener !== null) {
      signal.removeEventListener('abort', listener);
      listener = null;
    }
  };
  if (timeout !== Infinity) {
    timer = setTimeout(() => {
      disarm();
      onTimeout();
    }, timeout);
  }
  if (signal !== null) {
    listener = () => {
      disarm();
      onAbort(abortReason(signal));
    };
    signal.addEventListener('abort', listener, { once: true });
  }
  return disarm;
}
