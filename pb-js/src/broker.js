/**
 * One side of one connection: coordinates the tables (exported objects, observed cacheables, imported
 * references and caches, pending calls), the message reader and the encoder. It has a link and a codec; it is
 * neither. The link delivers whole frames with {@link Broker#receiveFrame} and reports its end with
 * {@link Broker#connectionLost}; everything sent goes through one encoder, a message per frame, in the order
 * the messages were made.
 *
 * With PBJ's extensions on (docs/extensions.md: both sides chose them when the connection opened), a call with a
 * timeout is preceded by `("deadline" id ms)`, a call given up on is followed by `("cancel" id)`, and a
 * `("ping" n)` is answered `("pong" n)`; the peer's deadlines and cancels reach {@link InboundCalls}. With them
 * off none of these is ever sent, and receiving one is a protocol error.
 */
import { checkTimeout } from './deadlines.js';
import { ConnectionLostError, LimitExceededError, ProtocolError } from './errors.js';
import { toRecord } from './failures.js';
import { bindings, RemoteReference } from './flavors.js';
import { InboundCalls } from './inbound.js';
import { Jellier } from './jellier.js';
import { JellyTables } from './jelly-tables.js';
import { Unjellier } from './unjellier.js';
import { MessageReader } from './messages.js';
import { OutgoingCalls } from './outgoing.js';
import { CacheTable, ImportTable, LocalObjectTable, RemoteCacheTable } from './tables.js';

export const PROTOCOL_VERSION = 6;

export class Broker {
  /**
   * @param link `{ send(bytes), close(code, reason) }`: moves frames; knows nothing of PB
   * @param serializer an entry of `SERIALIZERS`
   * @param registry the CopyRegistry of what this side builds from the wire
   * @param limits from `makeLimits`
   * @param root the object served as `"root"`, or null
   * @param onWarning receives what this side ignored (a `didNotUnderstand`, a failing disconnect callback)
   * @param extensions whether both sides speak PBJ's extensions on this connection
   * @param callTimeout the timeout (ms, or Infinity) of each call made without one of its own
   */
  constructor({
    link, serializer, registry, limits, root = null, onWarning = () => {}, extensions = false,
    callTimeout = Infinity,
  }) {
    this.link = link;
    this.serializer = serializer;
    this.limits = limits;
    this.onWarning = onWarning;
    this.extensions = extensions;
    this.callTimeout = checkTimeout(callTimeout, 'callTimeout');
    /** The peer's `deadline` message just read: it applies to the call message that must follow it. */
    this.announcedDeadline = null;
    this.connected = true;
    const luids = { last: 0 };
    this.locals = new LocalObjectTable(limits.maxLocalObjects, luids);
    this.caches = new CacheTable(limits.maxLocalObjects, luids);
    this.imports = new ImportTable(this);
    this.remoteCaches = new RemoteCacheTable(this);
    this.outgoing = new OutgoingCalls(this);
    this.inbound = new InboundCalls(this);
    this.disconnectCallbacks = [];
    this.encoder = serializer.createEncoder(limits);
    this.encoding = false;
    this.deferred = [];
    const tables = new JellyTables(this, registry);
    this.jellier = new Jellier({ exporter: tables, registry, maxDepth: limits.maxDepth });
    const unjellier = new Unjellier({ importer: tables, registry });
    this.reader = new MessageReader(unjellier, (message) => this.#onMessage(message), extensions);
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
    this.send((out) => {
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

  /**
   * Sends a call; resolves to the answer. Keyword arguments come last as a KeywordArguments. `options`:
   * `timeout` and `signal` (see {@link OutgoingCalls#call}).
   */
  call(objectId, method, args, answerRequired, command = 'message', options = undefined) {
    return this.outgoing.call(objectId, method, args, answerRequired, command, options);
  }

  sendAnswer(requestId, value) {
    if (!this.connected) {
      return;
    }
    try {
      this.send((out) => {
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
    this.send((out) => {
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
      this.send((out) => {
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
   * goes right after it. `before` (or null) writes a message that goes immediately before this one, and only if
   * this one could be encoded: a call's deadline.
   */
  send(write, onDeferredError = null, before = null) {
    if (this.encoding) {
      this.deferred.push({ write, onDeferredError, before });
      return;
    }
    this.#encodeAndSend(write, before);
    while (this.deferred.length > 0) {
      const next = this.deferred.shift();
      try {
        this.#encodeAndSend(next.write, next.before);
      } catch (e) {
        if (next.onDeferredError) {
          next.onDeferredError(e);
        } else {
          this.onWarning(`a message made while encoding another could not be sent: ${e.message}`);
        }
      }
    }
  }

  #encodeAndSend(write, before) {
    const bytes = this.#encode(write);
    if (before !== null) {
      this.link.send(this.#encode(before));
    }
    this.link.send(bytes);
  }

  #encode(write) {
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
    return bytes;
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
    // a deadline applies to the message right after it, if that is its call; else it is dropped
    const announced = this.announcedDeadline;
    this.announcedDeadline = null;
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
        this.inbound.receive(message, announced !== null && announced.requestId === message.fields[0]
          ? announced.ms : null);
        break;
      case 'answer':
      case 'error':
        this.outgoing.answered(message);
        break;
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
      // PBJ's extensions: the reader knows them only when they were negotiated
      case 'deadline': {
        noFieldError();
        const requestId = this.integerField(message, 0, 'request id');
        const ms = message.fields[1];
        if (!(typeof ms === 'number' && Number.isSafeInteger(ms) && ms >= 0) && !(typeof ms === 'bigint' && ms > 0n)) {
          throw new ProtocolError(`deadline: ms must be an integer, 0 or more (got ${String(ms)})`);
        }
        this.announcedDeadline = { requestId, ms: typeof ms === 'bigint' ? Infinity : ms };
        break;
      }
      case 'cancel':
        noFieldError();
        this.inbound.cancel(this.integerField(message, 0, 'request id'));
        break;
      case 'ping': {
        noFieldError();
        const n = message.fields[0];
        if (!Number.isSafeInteger(n) && typeof n !== 'bigint') {
          throw new ProtocolError('ping: n must be an integer');
        }
        this.send((out) => {
          out.beginList(2);
          out.symbol('pong');
          out.integer(n);
          out.endList();
        });
        break;
      }
      case 'pong':
        break; // proof of life; this side sends no pings of its own (WebSocket has its own)
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
    this.outgoing.closeAll(error);
    this.inbound.close(error);
    this.announcedDeadline = null;
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
      pendingCalls: this.outgoing.size,
      callsRunning: this.inbound.size,
      cachesObserved: this.caches.size,
      remoteCaches: this.remoteCaches.size,
    });
  }
}
