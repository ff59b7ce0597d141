/**
 * One side of one connection: coordinates the tables (exported objects, observed cacheables, imported
 * references and caches, pending calls), the message reader and the encoder. It has a link and a codec; it is
 * neither. The link delivers whole frames with {@link Broker#receiveFrame} and reports its end with
 * {@link Broker#connectionLost}; everything sent goes through one encoder, a message per frame, in the order
 * the messages were made.
 */
import {
  ConnectionLostError, DeadReferenceError, LimitExceededError, ProtocolError,
} from './errors.js';
import { fromPayload, toRecord } from './failures.js';
import { bindings, RemoteReference } from './flavors.js';
import { InboundCalls } from './inbound.js';
import { Jellier } from './jellier.js';
import { JellyTables } from './jelly-tables.js';
import { Unjellier } from './unjellier.js';
import { MessageReader } from './messages.js';
import { CacheTable, ImportTable, LocalObjectTable, PendingCalls, RemoteCacheTable } from './tables.js';
import { KeywordArguments } from './values.js';

export const PROTOCOL_VERSION = 6;
const utf8 = new TextEncoder();

export class Broker {
  /**
   * @param link `{ send(bytes), close(code, reason) }`: moves frames; knows nothing of PB
   * @param serializer an entry of `SERIALIZERS`
   * @param registry the CopyRegistry of what this side builds from the wire
   * @param limits from `makeLimits`
   * @param root the object served as `"root"`, or null
   * @param onWarning receives what this side ignored (a `didNotUnderstand`, a failing disconnect callback)
   */
  constructor({ link, serializer, registry, limits, root = null, onWarning = () => {} }) {
    this.link = link;
    this.serializer = serializer;
    this.limits = limits;
    this.onWarning = onWarning;
    this.connected = true;
    const luids = { last: 0 };
    this.locals = new LocalObjectTable(limits.maxLocalObjects, luids);
    this.caches = new CacheTable(limits.maxLocalObjects, luids);
    this.imports = new ImportTable(this);
    this.remoteCaches = new RemoteCacheTable(this);
    this.pending = new PendingCalls();
    this.inbound = new InboundCalls(this);
    this.disconnectCallbacks = [];
    this.encoder = serializer.createEncoder(limits);
    this.encoding = false;
    this.deferred = [];
    const tables = new JellyTables(this, registry);
    this.jellier = new Jellier({ exporter: tables, registry, maxDepth: limits.maxDepth });
    const unjellier = new Unjellier({ importer: tables, registry });
    this.reader = new MessageReader(unjellier, (message) => this.#onMessage(message));
    this.decoder = serializer.createDecoder(limits, this.reader);
    this.rootReference = new RemoteReference({ broker: this, id: 'root', released: false });
    if (root !== null && root !== undefined) {
      this.locals.putNamed('root', root);
    }
    this.closed = new Promise((resolve) => {
      this.resolveClosed = resolve;
    });
  }

  /** Sends `(version 6)`; each side does so as soon as the connection opens. */
  sendVersion() {
    this.#send((out) => {
      out.beginList(2);
      out.symbol('version');
      out.integer(PROTOCOL_VERSION);
      out.endList();
    });
  }

  bindingOf(reference) {
    return bindings.get(reference);
  }

  // ---- outgoing ----

  /** Sends a call; resolves to the answer. Keyword arguments come last as a KeywordArguments. */
  call(objectId, method, args, answerRequired, command = 'message') {
    if (!this.connected) {
      return Promise.reject(new DeadReferenceError('Calling Stale Broker: the connection is closed'));
    }
    if (typeof method !== 'string') {
      return Promise.reject(new TypeError(`a method name is a string, got ${typeof method}`));
    }
    let positional = args;
    let keywords = new Map();
    if (args.length > 0 && args[args.length - 1] instanceof KeywordArguments) {
      positional = args.slice(0, -1);
      keywords = new Map(args[args.length - 1].entries);
    }
    const requestId = this.pending.nextId();
    const answer = answerRequired ? new Promise((resolve, reject) => {
      this.pending.register(requestId, resolve, reject);
    }) : Promise.resolve(null);
    const failed = (e) => this.pending.take(requestId)?.reject(e);
    try {
      this.#send((out) => {
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
        this.jellier.writeTuple(out, positional);
        this.jellier.write(out, keywords);
        out.endList();
      }, failed);
    } catch (e) {
      this.pending.take(requestId);
      return Promise.reject(e);
    }
    return answer;
  }

  sendAnswer(requestId, value) {
    if (!this.connected) {
      return;
    }
    try {
      this.#send((out) => {
        out.beginList(3);
        out.symbol('answer');
        out.integer(requestId);
        this.jellier.write(out, value);
        out.endList();
      });
    } catch (e) {
      // the answer cannot be sent (not a Jelly value, over a limit): the caller receives the error instead
      this.sendFailure(requestId, e);
    }
  }

  sendFailure(requestId, error) {
    if (!this.connected) {
      return;
    }
    this.#send((out) => {
      out.beginList(3);
      out.symbol('error');
      out.integer(requestId);
      this.jellier.write(out, toRecord(error));
      out.endList();
    });
  }

  /** Sends `count` messages `(command id)`: one decref or decache per token received. */
  sendCounted(command, id, count) {
    for (let i = 0; i < count && this.connected; i++) {
      this.#send((out) => {
        out.beginList(2);
        out.symbol(command);
        out.integer(id);
        out.endList();
      });
    }
  }

  /**
   * Encodes one message and hands it to the link; a message that fails to encode sends nothing and takes back
   * its exports. A message made while another is being encoded (a cacheable's state getter pushing an update)
   * goes right after it.
   */
  #send(write, onDeferredError) {
    if (this.encoding) {
      this.deferred.push({ write, onDeferredError });
      return;
    }
    this.#encodeAndSend(write);
    while (this.deferred.length > 0) {
      const next = this.deferred.shift();
      try {
        this.#encodeAndSend(next.write);
      } catch (e) {
        if (next.onDeferredError) {
          next.onDeferredError(e);
        } else {
          this.onWarning(`a message made while encoding another could not be sent: ${e.message}`);
        }
      }
    }
  }

  #encodeAndSend(write) {
    let bytes;
    this.encoding = true;
    this.jellier.startMessage();
    try {
      write(this.encoder);
      bytes = this.encoder.takeMessage();
    } catch (e) {
      this.encoder.reset();
      this.jellier.rollback();
      throw e;
    } finally {
      this.encoding = false;
    }
    this.link.send(bytes);
  }

  // ---- incoming ----

  /** One frame from the link: exactly whole messages. A protocol violation closes the connection. */
  receiveFrame(frame) {
    if (!this.connected) {
      return;
    }
    try {
      if (frame.length > this.limits.maxMessageLength) {
        throw new LimitExceededError('frame length', 'maxMessageLength', frame.length, this.limits.maxMessageLength);
      }
      this.decoder.feed(frame);
      if (this.decoder.inMessage() || this.reader.inMessage()) {
        throw new ProtocolError('a frame ended inside a message: each frame holds whole messages');
      }
    } catch (e) {
      this.fail(e);
    }
  }

  /** Closes the connection because of `error` (a protocol violation); every pending call fails with it as cause. */
  fail(error) {
    if (!this.connected) {
      return;
    }
    this.connectionLost(error);
    const code = error instanceof LimitExceededError ? 1009 : 1002;
    try {
      this.link.close(code, error.message.slice(0, 120));
    } catch {
      // already closed
    }
  }

  integerField(message, index, what) {
    const value = message.fields[index];
    if (typeof value !== 'number' || !Number.isSafeInteger(value)) {
      throw new ProtocolError(`${message.kind}: ${what} must be an integer`);
    }
    return value;
  }

  #onMessage(message) {
    if (!this.connected) {
      return;
    }
    const noFieldError = () => {
      if (message.fieldError !== null) throw message.fieldError;
    };
    switch (message.kind) {
      case 'version': {
        const version = message.fields[0];
        if (version !== PROTOCOL_VERSION) {
          throw new ProtocolError(`Version Incompatibility: ${PROTOCOL_VERSION} ${version}`);
        }
        break;
      }
      case 'message':
      case 'cachemessage':
        this.inbound.receive(message);
        break;
      case 'answer':
      case 'error': {
        const requestId = this.integerField(message, 0, 'request id');
        const call = this.pending.take(requestId);
        if (call === undefined) {
          throw new ProtocolError(`${message.kind} for request ${requestId}, which is not waiting`);
        }
        if (message.fieldError !== null) {
          call.reject(message.fieldError);
        } else if (message.kind === 'answer') {
          call.resolve(message.fields[1]);
        } else {
          call.reject(fromPayload(message.fields[1]));
        }
        break;
      }
      case 'decref':
        noFieldError();
        this.locals.decref(this.integerField(message, 0, 'object id'));
        break;
      case 'decache': {
        noFieldError();
        const entry = this.caches.release(this.integerField(message, 0, 'cache id'));
        if (entry !== null) {
          this.stopObserving(entry);
          this.sendCounted('uncache', entry.luid, 1);
        }
        break;
      }
      case 'uncache':
        noFieldError();
        this.remoteCaches.uncache(this.integerField(message, 0, 'cache id'));
        break;
      case 'didNotUnderstand':
        this.onWarning(`the peer did not understand ${String(message.fields[0])}`);
        break;
      default:
        throw new ProtocolError(`unexpected message kind ${message.kind}`);
    }
  }

  localObject(id) {
    return this.locals.lookup(id);
  }

  remoteCache(luid) {
    return this.remoteCaches.lookup(luid);
  }

  /** Tells a cacheable that the peer stopped observing it; its observer goes dead. */
  stopObserving(entry) {
    entry.observer.stopped = true;
    try {
      entry.cacheable.stoppedObserving(entry.perspective, entry.observer);
    } catch (e) {
      this.onWarning(`stoppedObserving failed: ${e.message}`);
    }
  }

  // ---- connection state ----

  /** The link closed or failed: every pending call fails, observers stop, callbacks run. Idempotent. */
  connectionLost(cause) {
    if (!this.connected) {
      return;
    }
    this.connected = false;
    const error = cause ? new ConnectionLostError(`connection lost: ${cause.message}`, { cause })
      : new ConnectionLostError('connection closed by this side');
    for (const call of this.pending.closeAll()) {
      call.reject(error);
    }
    for (const entry of this.caches.clear()) {
      this.stopObserving(entry);
    }
    this.imports.close();
    this.remoteCaches.close();
    this.locals.clear();
    const callbacks = this.disconnectCallbacks;
    this.disconnectCallbacks = [];
    for (const { callback, argument } of callbacks) {
      try {
        callback(argument === undefined ? cause : argument);
      } catch (e) {
        this.onWarning(`a disconnect callback failed: ${e.message}`);
      }
    }
    this.resolveClosed(cause);
  }

  /** Runs `callback(argument)` when the connection is lost (soon, if it already is). */
  notifyOnDisconnect(callback, argument) {
    if (this.connected) {
      this.disconnectCallbacks.push({ callback, argument });
    } else {
      queueMicrotask(() => callback(argument));
    }
  }

  dontNotifyOnDisconnect(callback, argument) {
    const i = this.disconnectCallbacks.findIndex((e) => e.callback === callback && e.argument === argument);
    if (i >= 0) {
      this.disconnectCallbacks.splice(i, 1);
    }
  }

  /** A read-only snapshot of the tables, for leak checks. */
  stats() {
    return Object.freeze({
      localObjects: this.locals.size,
      remoteReferences: this.imports.size,
      pendingCalls: this.pending.size,
      cachesObserved: this.caches.size,
      remoteCaches: this.remoteCaches.size,
    });
  }
}
