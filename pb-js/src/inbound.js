/**
 * Serves the peer's `message`s and `cachemessage`s: finds the target and its method, runs it in arrival order,
 * and answers with its result (when a returned Promise settles) or its failure.
 */
import { InsecureJellyError, ProtocolError } from './errors.js';
import { PythonError } from './failures.js';
import { emitObserved, observeMethodOf, remoteMethodOf } from './flavors.js';

const utf8 = new TextDecoder();

function textOf(value) {
  return value instanceof Uint8Array ? utf8.decode(value) : value;
}

export class InboundCalls {
  constructor(broker) {
    this.broker = broker;
  }

  /** Serves one call message; runs the method at once (so calls run in the order they arrived). */
  receive(message) {
    const requestId = this.broker.integerField(message, 0, 'request id');
    const answerField = message.fields[3];
    const answerRequired = !(answerField === 0 || answerField === false);
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
    if (result !== null && typeof result === 'object' && typeof result.then === 'function') {
      result.then((value) => this.#finish(requestId, answerRequired, value, undefined),
        (error) => this.#finish(requestId, answerRequired, undefined, error ?? new Error('rejected')));
    } else {
      this.#finish(requestId, answerRequired, result, undefined);
    }
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
