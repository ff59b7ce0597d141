/**
 * The calls this side makes to the peer's objects and caches: each gets a request id, is encoded at once (its
 * arguments jellied in the caller's turn) and waits in {@link PendingCalls} until the peer's answer or error
 * settles it, the connection goes, or this side gives up on it: its timeout passed (DeadlineExceededError) or its
 * AbortSignal aborted (the signal's reason). A call given up on is forgotten at once and its late answer dropped;
 * with PBJ's extensions on, the peer also hears of the deadline (`deadline`, just before the call) and of the
 * giving up (`cancel`, just after).
 */
import { abortReason, checkSignal, checkTimeout, watchCall } from './deadlines.js';
import { DeadlineExceededError, DeadReferenceError, ProtocolError } from './errors.js';
import { fromPayload } from './failures.js';
import { PendingCalls } from './tables.js';
import { KeywordArguments } from './values.js';

const utf8 = new TextEncoder();

export class OutgoingCalls {
  /** @param broker the connection's coordinator: its `send`, `jellier`, `extensions`, `callTimeout` */
  constructor(broker) {
    this.broker = broker;
    this.pending = new PendingCalls();
  }

  /**
   * Sends `command` (`message` or `cachemessage`) for `method` on `objectId`; with an answer required, resolves
   * to the answer. `options`: `timeout` (ms, or Infinity; default the connection's `callTimeout`) and `signal`
   * (an AbortSignal). A signal already aborted rejects at once, and nothing is sent.
   */
  call(objectId, method, args, answerRequired, command = 'message', options = undefined) {
    const { broker } = this;
    if (!broker.connected) {
      return Promise.reject(new DeadReferenceError('Calling Stale Broker: the connection is closed'));
    }
    if (typeof method !== 'string') {
      return Promise.reject(new TypeError(`a method name is a string, got ${typeof method}`));
    }
    let timeout;
    let signal;
    try {
      timeout = checkTimeout(options?.timeout, 'timeout', broker.callTimeout);
      signal = checkSignal(options?.signal);
    } catch (e) {
      return Promise.reject(e);
    }
    if (signal?.aborted) {
      return Promise.reject(abortReason(signal));
    }
    let positional = args;
    let keywords = new Map();
    if (args.length > 0 && args[args.length - 1] instanceof KeywordArguments) {
      positional = args.slice(0, -1);
      keywords = new Map(args[args.length - 1].entries);
    }
    const requestId = this.pending.nextId();
    const watched = answerRequired && (timeout !== Infinity || signal !== null);
    const answer = answerRequired ? new Promise((resolve, reject) => {
      const disarm = watched ? watchCall({
        timeout,
        signal,
        onTimeout: () => this.#giveUp(requestId, new DeadlineExceededError(`call of ${method} on object`
          + ` ${objectId} not answered within its deadline of ${timeout} ms`, timeout)),
        onAbort: (reason) => this.#giveUp(requestId, reason),
      }) : null;
      this.pending.register(requestId, resolve, reject, disarm);
    }) : Promise.resolve(null);
    const failed = (e) => this.pending.take(requestId)?.reject(e);
    // the peer counts from when it reads the deadline: it gets what is left of the timeout, rounded up
    const due = answerRequired && broker.extensions && timeout !== Infinity ? performance.now() + timeout : null;
    const deadline = due === null ? null : (out) => {
      out.beginList(3);
      out.symbol('deadline');
      out.integer(requestId);
      out.integer(Math.max(0, Math.ceil(due - performance.now())));
      out.endList();
    };
    try {
      broker.send((out) => {
        out.beginList(7);
        out.symbol(command);
        out.integer(requestId);
        if (typeof objectId === 'number') {
          out.integer(objectId);
        } else {
          out.bytes(utf8.encode(objectId));
        }
        out.bytes(utf8.encode(method));
        out.integer(answerRequired ? 1 : 0);
        broker.jellier.writeTuple(out, positional);
        broker.jellier.write(out, keywords);
        out.endList();
      }, failed, deadline);
    } catch (e) {
      this.pending.take(requestId);
      return Promise.reject(e);
    }
    return answer;
  }

  /**
   * The peer's `answer` or `error`: settles its call. One for a call this side gave up on is dropped (it came
   * late, or crossed the `cancel` on the wire); one for a request id never issued breaks the protocol.
   */
  answered(message) {
    const requestId = this.broker.integerField(message, 0, 'request id');
    const call = this.pending.take(requestId);
    if (call === undefined) {
      if (this.pending.wasIssued(requestId)) {
        return;
      }
      throw new ProtocolError(`${message.kind} for request ${requestId}, which was never sent`);
    }
    if (message.fieldError !== null) {
      call.reject(message.fieldError);
    } else if (message.kind === 'answer') {
      call.resolve(message.fields[1]);
    } else {
      call.reject(fromPayload(message.fields[1]));
    }
  }

  /** The connection is gone: every call still waiting rejects with `error`, and no timer is left. */
  closeAll(error) {
    for (const call of this.pending.closeAll()) {
      call.reject(error);
    }
  }

  /** Calls waiting for an answer. */
  get size() {
    return this.pending.size;
  }

  /** This side stops waiting for `requestId` (its deadline passed, or its signal aborted); a PBJ peer is told. */
  #giveUp(requestId, error) {
    const call = this.pending.take(requestId);
    if (call === undefined) {
      return;
    }
    call.reject(error);
    const { broker } = this;
    if (broker.extensions && broker.connected) {
      try {
        broker.send((out) => {
          out.beginList(2);
          out.symbol('cancel');
          out.integer(requestId);
          out.endList();
        });
      } catch (e) {
        broker.onWarning(`the cancel of request ${requestId} could not be sent: ${e.message}`);
      }
    }
  }
}
