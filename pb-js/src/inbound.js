/**
 * Serves the peer's `message`s and `cachemessage`s: finds the target and its method, runs it in arrival order,
 * and answers with its result (when a returned Promise settles) or its failure. With PBJ's extensions a call may
 * come with a deadline, and the peer may cancel it: a call whose deadline passed before it ran never runs, and
 * one cancelled or past its deadline while its Promise is pending is never answered (the caller has dropped it).
 */
import { MAX_TIMEOUT } from './deadlines.js';
import { InsecureJellyError, ProtocolError } from './errors.js';
import { PythonError } from './failures.js';
import { emitObserved, observeMethodOf, remoteMethodOf } from './flavors.js';

const utf8 = new TextDecoder();

function textOf(value) {
  return value instanceof Uint8Array ? utf8.decode(value) : value;
}

export class InboundCalls {
  /** request id → `{ timer }` of each call to answer whose Promise has not settled: the ones the peer may cancel. */
  #running = new Map();

  constructor(broker) {
    this.broker = broker;
  }

  /**
   * Serves one call message; runs the method at once (so calls run in the order they arrived). `deadline` is the
   * milliseconds the peer gave it (its `deadline` message), or null.
   */
  receive(message, deadline = null) {
    const requestId = this.broker.integerField(message, 0, 'request id');
    const answerField = message.fields[3];
    const answerRequired = !(answerField === 0 || answerField === false);
    if (deadline === 0) {
      return; // it expired on the way: a call that has not started never runs
    }
    const due = deadline === null ? null : performance.now() + deadline;
    let call;
    try {
      call = this.#resolve(message);
    } catch (e) {
      if (e instanceof ProtocolError) {
        throw e; // the message itself is malformed: the connection goes
      }
      if (answerRequired) {
        this.broker.sendFailure(requestId, e);
      }
      return;
    }
    let result;
    try {
      result = call.run();
    } catch (e) {
      this.#finish(requestId, answerRequired, undefined, e);
      return;
    }
    if (due !== null && performance.now() > due) {
      return; // it ran past its deadline: the caller has given up on it
    }
    if (result !== null && typeof result === 'object' && typeof result.then === 'function') {
      const running = answerRequired ? this.#watch(requestId, due) : null;
      result.then((value) => this.#settled(requestId, running, answerRequired, value, undefined),
        (error) => this.#settled(requestId, running, answerRequired, undefined, error ?? new Error('rejected')));
    } else {
      this.#finish(requestId, answerRequired, result, undefined);
    }
  }

  /** The peer cancelled request `requestId`: if it is still running, its answer is never sent. Else nothing. */
  cancel(requestId) {
    const running = this.#running.get(requestId);
    if (running !== undefined) {
      this.#forget(requestId, running);
    }
  }

  /** Calls to answer whose Promise has not settled. */
  get size() {
    return this.#running.size;
  }

  /** The connection is gone: nothing running will be answered, and no deadline timer is left. */
  close() {
    for (const running of this.#running.values()) {
      clearTimeout(running.timer);
    }
    this.#running.clear();
  }

  #watch(requestId, due) {
    const running = { timer: null };
    this.#running.set(requestId, running);
    const left = due === null ? Infinity : due - performance.now();
    if (left <= MAX_TIMEOUT) {
      running.timer = setTimeout(() => this.#forget(requestId, running), Math.max(0, left));
    }
    return running;
  }

  #forget(requestId, running) {
    clearTimeout(running.timer);
    if (this.#running.get(requestId) === running) {
      this.#running.delete(requestId);
    }
  }

  #settled(requestId, running, answerRequired, value, error) {
    if (running !== null) {
      if (this.#running.get(requestId) !== running) {
        return; // cancelled, past its deadline, or the connection closed: the caller has dropped it
      }
      this.#forget(requestId, running);
    }
    this.#finish(requestId, answerRequired, value, error);
  }

  #finish(requestId, answerRequired, value, error) {
    if (!answerRequired) {
      return;
    }
    if (error !== undefined) {
      this.broker.sendFailure(requestId, error);
    } else {
      this.broker.sendAnswer(requestId, value);
    }
  }

  #resolve(message) {
    if (message.fieldError !== null) {
      const error = message.fieldError;
      if (error instanceof InsecureJellyError) {
        throw error;
      }
      throw PythonError.typeError(`undecodable arguments: ${error.message}`);
    }
    const name = textOf(message.fields[2]);
    if (typeof name !== 'string') {
      throw new ProtocolError(`method name must be a byte string: got ${typeof name}`);
    }
    const args = message.fields[4];
    if (!Array.isArray(args)) {
      throw PythonError.typeError('arguments must be a tuple');
    }
    const keywords = this.#keywords(message.fields[5]);
    const all = keywords === null ? [...args] : [...args, keywords];
    if (message.kind === 'cachemessage') {
      const id = message.fields[1];
      const cache = typeof id === 'number' ? this.broker.remoteCache(id) : undefined;
      if (cache === undefined) {
        throw PythonError.unknownCache(id);
      }
      const method = observeMethodOf(cache, name);
      return {
        run() {
          const result = method === null ? null : method.apply(cache, all);
          emitObserved(cache, name, all);
          return result;
        },
      };
    }
    const target = this.broker.localObject(textOf(message.fields[1]));
    if (target === undefined) {
      throw PythonError.invalidObjectId();
    }
    const method = remoteMethodOf(target, name);
    if (method === null) {
      throw PythonError.noSuchMethod(name);
    }
    return { run: () => method.fn.apply(method.self, all) };
  }

  /** The keyword arguments as a plain object, or null when there are none. */
  #keywords(kwargs) {
    const entries = kwargs instanceof Map ? [...kwargs] : kwargs !== null && typeof kwargs === 'object'
      && !Array.isArray(kwargs) ? Object.entries(kwargs) : null;
    if (entries === null) {
      throw PythonError.typeError('keyword arguments must be a dictionary');
    }
    if (entries.length === 0) {
      return null;
    }
    const names = {};
    for (const [key, value] of entries) {
      const name = textOf(key);
      if (typeof name !== 'string') {
        throw PythonError.typeError('keywords must be strings');
      }
      Object.defineProperty(names, name, { value, writable: true, enumerable: true, configurable: true });
    }
    return names;
  }
}
