/**
 * The calls a {@link ReconnectingConnection} holds while it has no connection: each waits, in the order made, until
 * it is sent on the next connection, its deadline passes (DeadlineExceededError), its signal aborts (the signal's
 * reason) or the handle fails them all (gives up, or is closed). A call sent late gets what is left of its deadline,
 * so the time it waited counts. Its arguments are jellied when it is sent, not when it was made.
 */
import { watchCall } from './deadlines.js';
import { DeadlineExceededError } from './errors.js';

export class WaitingCalls {
  #entries = [];
  #url;

  /** @param url the URL of the connection the calls wait for, for the errors */
  constructor(url) {
    this.#url = url;
  }

  /**
   * Holds the call of `name` on the handle's object `which` (`'root'` or `'avatar'`); resolves to its answer once
   * sent. `timeout` (ms, or Infinity) and `signal` (an AbortSignal not aborted, or null) are the call's, checked.
   */
  add(which, name, args, timeout, signal) {
    return new Promise((resolve, reject) => {
      const entry = {
        which, name, args, timeout, signal, due: performance.now() + timeout, resolve, reject, disarm: null,
      };
      const drop = () => {
        const i = this.#entries.indexOf(entry);
        if (i >= 0) {
          this.#entries.splice(i, 1);
        }
      };
      entry.disarm = watchCall({
        timeout,
        signal,
        onTimeout: () => {
          drop();
          reject(new DeadlineExceededError(`call of ${name} not sent within its deadline of ${timeout} ms: no`
            + ` connection to ${this.#url}`, timeout));
        },
        onAbort: (reason) => {
          drop();
          reject(reason);
        },
      });
      this.#entries.push(entry);
    });
  }

  /** Sends every call held, in order, through `referenceOf(which)` (a RemoteReference of the new connection). */
  sendAll(referenceOf) {
    for (const entry of this.#take()) {
      const left = entry.timeout === Infinity ? Infinity : Math.max(1, Math.ceil(entry.due - performance.now()));
      referenceOf(entry.which).callRemoteWith({ timeout: left, signal: entry.signal }, entry.name, ...entry.args)
        .then(entry.resolve, (e) => entry.reject(e instanceof DeadlineExceededError ? new DeadlineExceededError(
          `call of ${entry.name} not answered within its deadline of ${entry.timeout} ms (it waited for a`
          + ' connection first)', entry.timeout) : e));
    }
  }

  /** Rejects every call held with `errorFor(name)`. */
  rejectAll(errorFor) {
    for (const entry of this.#take()) {
      entry.reject(errorFor(entry.name));
    }
  }

  /** Calls held. */
  get size() {
    return this.#entries.length;
  }

  #take() {
    const entries = this.#entries;
    this.#entries = [];
    for (const entry of entries) {
      entry.disarm();
    }
    return entries;
  }
}
