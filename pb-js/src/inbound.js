/**
 * Serves the peer's `message`s and `cachemessage`s: finds the target and its method, runs it in arrival order,
 * and answers with its result (when a returned Promise settles) or its failure. With PBJ's extensions a call may
 * come with a deadline, and the peer may cancel it: a call whose deadline passed before it ran never runs, and
 * one cancelled, past its deadline or cut off by the connection's end before it settled is never answered (the
 * caller has dropped it). A method marked with `withCallContext` sees all of this in the {@link CallContext} it
 * receives first: its signal aborts when the call is cancelled.
 */
import { CallContext, wantsCallContext } from './call-context.js';
import { abortError, MAX_TIMEOUT } from './deadlines.js';
import { DeadlineExceededError, InsecureJellyError, ProtocolError } from './errors.js';
import { PythonError } from './failures.js';
import { emitObserved, observeMethodOf, remoteMethodOf } from './flavors.js';

const utf8 = new TextDecoder();

function textOf(value) {
  return value instanceof Uint8Array ? utf8.decode(value) : value;
}

function isThenable(value) {
  return value !== null && typeof value === 'object' && typeof value.then === 'function';
}

export class InboundCalls {
  /**
   * request id → the record of each call to answer that has not settled: the ones the peer may cancel. A record is
   * `{ deadline, due, timer, controller, cancelled, finished }`; `controller` (the context's) only for a method
   * that takes a CallContext.
   */
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
    const record = {
      deadline, due, timer: null, controller: null, cancelled: false, finished: false, method: call.name,
    };
    if (answerRequired) {
      this.#watch(requestId, record);
    }
    let context = null;
    if (call.contextual) {
      // a call that wants no answer is never cancelled: its signal never aborts
      record.controller = new AbortController();
      context = new CallContext(record.controller.signal, record, this.broker.onWarning);
    }
    let result;
    try {
      result = call.run(context);
    } catch (e) {
      this.#settled(requestId, record, answerRequired, undefined, e);
      return;
    }
    if (isThenable(result)) {
      result.then((value) => this.#settled(requestId, record, answerRequired, value, undefined),
        (error) => this.#settled(requestId, record, answerRequired, undefined, error ?? new Error('rejected')));
    } else {
      this.#settled(requestId, record, answerRequired, result, undefined);
    }
  }

  /** The peer cancelled request `requestId`: if it is still running, its answer is never sent. Else nothing. */
  cancel(requestId) {
    const record = this.#running.get(requestId);
    if (record !== undefined) {
      this.#cancel(requestId, record, abortError(`the caller cancelled request ${requestId} (${record.method})`));
    }
  }

  /** Calls to answer whose Promise has not settled. */
  get size() {
    return this.#running.size;
  }

  /**
   * The connection is gone (`error`, a ConnectionLostError): nothing running will be answered, their contexts are
   * cancelled with `error`, and no deadline timer is left.
   */
  close(error) {
    for (const [requestId, record] of [...this.#running]) {
      this.#cancel(requestId, record, error);
    }
  }

  #watch(requestId, record) {
    this.#running.set(requestId, record);
    const arm = () => {
      const left = record.due === null ? Infinity : record.due - performance.now();
      if (left > MAX_TIMEOUT) {
        return;
      }
      // a timer may fire a little before performance.now() reaches the deadline: then it waits for the rest
      record.timer = setTimeout(() => (performance.now() < record.due ? arm() : this.#cancel(requestId, record,
        new DeadlineExceededError(`request ${requestId} (${record.method}) passed its deadline of ${record.deadline}`
          + ' ms', record.deadline))), Math.max(0, Math.ceil(left)));
    };
    arm();
  }

  /** Forgets the call (it will not be answered) and aborts its context's signal on a turn of its own. */
  #cancel(requestId, record, reason) {
    if (!this.#forget(requestId, record)) {
      return;
    }
    record.cancelled = true;
    const { controller } = record;
    if (controller !== null) {
      queueMicrotask(() => controller.abort(reason));
    }
  }

  /** Removes the call from those running; false if it was not (any more). */
  #forget(requestId, record) {
    clearTimeout(record.timer);
    record.timer = null;
    if (this.#running.get(requestId) !== record) {
      return false;
    }
    this.#running.delete(requestId);
    return true;
  }

  #settled(requestId, record, answerRequired, value, error) {
    if (!answerRequired) {
      record.finished = true;
      return;
    }
    if (!this.#forget(requestId, record)) {
      return; // cancelled, past its deadline, or the connection closed: the caller has dropped it
    }
    record.finished = true;
    if (record.due !== null && performance.now() > record.due) {
      return; // it ended past its deadline (before the timer's turn): the caller has given up on it
    }
    this.#finish(requestId, value, error);
  }

  #finish(requestId, value, error) {
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
        name,
        contextual: false,
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
    if (wantsCallContext(method.fn)) {
      return { name, contextual: true, run: (context) => method.fn.call(method.self, context, ...all) };
    }
    return { name, contextual: false, run: () => method.fn.apply(method.self, all) };
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
