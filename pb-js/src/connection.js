/**
 * Connecting over WebSocket: one PB message per binary frame, the serializer chosen by the subprotocol
 * (`banana` or `msgpack`), and `(version 6)` from each side as soon as the socket opens. The client offers
 * `S+pbj` before `S`; a server that picks `S+pbj` speaks PBJ's extensions (docs/extensions.md) on that
 * connection, one that picks `S` (an older PBJ, or any other PB server) does not, and never hears of them.
 */
import { Broker } from './broker.js';
import { defaultRegistry } from './copies.js';
import { abortReason, checkSignal, checkTimeout } from './deadlines.js';
import { ConnectionLostError, ProtocolError } from './errors.js';
import { makeLimits } from './limits.js';
import { login, loginAnonymous } from './login.js';
import { Outbox, waterMarks } from './outbox.js';
import { serializerNamed } from './serializers.js';

/**
 * One connection to a PB server. Its root object, login, disconnect notification and close; everything else
 * goes through the references it hands out.
 */
export class Connection {
  #broker;
  #close;
  #outbox;

  /** Made by {@link connect}; `outbox` (an {@link Outbox}, or null) tells {@link bufferedAmount}. */
  constructor(broker, close, url, outbox = null) {
    this.#broker = broker;
    this.#close = close;
    this.#outbox = outbox;
    this.url = url;
    /** Resolves (with the cause, if any) once the connection is closed. */
    this.closed = broker.closed;
  }

  /** The server's root object (`"root"`): no round trip. */
  async getRootObject() {
    return this.#broker.rootReference;
  }

  /**
   * Logs in with PB's MD5 challenge–response; resolves to the avatar (keep it: releasing it logs out). A wrong
   * password rejects with UnauthorizedLoginError and the connection stays usable. `mind` (optional) is a
   * Referenceable the server may call back.
   */
  login(username, password, mind = null) {
    return login(this.#broker.rootReference, username, password, mind);
  }

  /** Logs in anonymously; resolves to the avatar. */
  loginAnonymous(mind = null) {
    return loginAnonymous(this.#broker.rootReference, mind);
  }

  /** Runs `callback(cause)` when the connection closes (cause undefined after `close()`); returns an undo. */
  onDisconnect(callback) {
    this.#broker.notifyOnDisconnect(callback);
    return () => this.#broker.dontNotifyOnDisconnect(callback);
  }

  /** Closes the connection: pending calls reject with ConnectionLostError, references go dead. Idempotent. */
  close() {
    this.#close();
  }

  /** Whether the connection is open. */
  get connected() {
    return this.#broker.connected;
  }

  /**
   * Bytes sent but not yet on the wire: those waiting in the connection while the socket is over its high water
   * mark, plus those the socket buffers. A sender that produces faster than the peer reads can watch it.
   */
  get bufferedAmount() {
    return this.#outbox?.bufferedAmount ?? 0;
  }

  /** The serializer in use: `banana` or `msgpack`. */
  get serializer() {
    return this.#broker.serializer.name;
  }

  /**
   * Whether the server chose PBJ's extensions (subprotocol `S+pbj`): deadlines and cancels reach it. Without
   * them, timeouts and signals still settle calls here, but the server never hears of them.
   */
  get extensions() {
    return this.#broker.extensions;
  }

  /** Counts of the connection's tables (exported objects, references held, pending calls, caches). */
  stats() {
    return this.#broker.stats();
  }
}

function frameBytes(data) {
  if (data instanceof ArrayBuffer) {
    return new Uint8Array(data);
  }
  if (ArrayBuffer.isView(data)) {
    return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  }
  if (Array.isArray(data)) {
    const length = data.reduce((n, part) => n + part.byteLength, 0);
    const out = new Uint8Array(length);
    let at = 0;
    for (const part of data) {
      out.set(new Uint8Array(part.buffer, part.byteOffset, part.byteLength), at);
      at += part.byteLength;
    }
    return out;
  }
  return null;
}

/** The options `connect` takes, each read by {@link checkConnectOptions}. */
export const CONNECT_OPTIONS = Object.freeze(['serializer', 'WebSocket', 'copies', 'limits', 'timeout', 'onWarning',
  'highWaterMark', 'lowWaterMark', 'callTimeout', 'extensions', 'signal']);

/** `connect`'s options checked and with their defaults; throws a TypeError or RangeError naming a bad one. */
export function checkConnectOptions(options = {}) {
  const {
    serializer: serializerName = 'banana', WebSocket: Impl = globalThis.WebSocket, copies = defaultRegistry,
    limits: limitOverrides, timeout = 30000, onWarning = () => {}, highWaterMark, lowWaterMark, callTimeout,
    extensions = true, signal,
  } = options;
  const checked = {
    serializer: serializerNamed(serializerName),
    limits: makeLimits(limitOverrides),
    marks: waterMarks(highWaterMark, lowWaterMark),
    callTimeout: checkTimeout(callTimeout, 'callTimeout'),
    timeout: checkTimeout(timeout, 'timeout'),
    signal: checkSignal(signal),
    Impl,
    copies,
    onWarning,
    extensions,
  };
  if (typeof extensions !== 'boolean') {
    throw new TypeError(`extensions: ${String(extensions)} (expected true or false)`);
  }
  if (typeof onWarning !== 'function') {
    throw new TypeError(`onWarning: expected a function, got ${typeof onWarning}`);
  }
  if (typeof Impl !== 'function') {
    throw new TypeError('no WebSocket implementation: in Node, pass { WebSocket } from the "ws" package');
  }
  return checked;
}

/**
 * Opens a WebSocket to a PB server and resolves to a {@link Connection} once the socket is open.
 *
 * Options: `serializer` (`'banana'`, the default, or `'msgpack'`); `WebSocket` (the implementation, required
 * where there is no global one: in Node, `WebSocket` from the `ws` package); `copies` (a CopyRegistry; default
 * the one `registerCopy`/`registerCache` fill); `limits` (overrides of DEFAULT_LIMITS); `timeout` (ms to wait
 * for the socket to open, default 30000); `onWarning` (receives what the connection ignored; default none);
 * `highWaterMark` and `lowWaterMark` (bytes, default 4 MiB and 2 MiB: while the socket buffers more than the
 * high mark, messages wait in the connection, in order, until it has drained to the low mark); `callTimeout`
 * (ms: the timeout of every call made without one of its own; default none); `extensions` (default true: offer
 * PBJ's extensions; false offers the plain subprotocol only); `signal` (an AbortSignal: aborting it before the
 * socket is open gives up, closing the socket and rejecting with the signal's reason).
 */
export function connect(url, options = {}) {
  let checked;
  try {
    checked = checkConnectOptions(options);
  } catch (e) {
    return Promise.reject(e);
  }
  const {
    serializer, limits, marks, callTimeout, timeout, signal, Impl, copies, onWarning, extensions: offerExtensions,
  } = checked;
  if (signal?.aborted) {
    return Promise.reject(abortReason(signal));
  }
  const extended = `${serializer.name}+pbj`;
  const offered = offerExtensions ? [extended, serializer.name] : [serializer.name];
  return new Promise((resolve, reject) => {
    let ws;
    try {
      ws = new Impl(url, offered);
    } catch (e) {
      reject(e);
      return;
    }
    ws.binaryType = 'arraybuffer';
    let broker = null;
    let outbox = null;
    let error = null;
    let onAbort = null;
    let gaveUp = false; // the timeout passed or the signal aborted: an open that comes late is closed at once
    const settled = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    };
    const timer = timeout === Infinity ? null : setTimeout(() => {
      gaveUp = true;
      settled();
      reject(new ConnectionLostError(`no connection to ${url} within ${timeout} ms`));
      ws.close();
    }, timeout);
    if (signal !== null) {
      onAbort = () => {
        gaveUp = true;
        settled();
        reject(abortReason(signal));
        ws.close();
      };
      signal.addEventListener('abort', onAbort, { once: true });
    }
    const closeSocket = (code, reason) => {
      try {
        ws.close(code, reason);
      } catch {
        ws.close(); // a browser accepts only 1000 and 3000–4999 from a client
      }
    };
    ws.onerror = (event) => {
      error = event?.error ?? new Error(event?.message ?? `WebSocket error on ${url}`);
    };
    ws.onopen = () => {
      settled();
      if (gaveUp) {
        closeSocket(1000, 'gave up');
        return;
      }
      if (!offered.includes(ws.protocol)) {
        closeSocket(1002, 'subprotocol');
        reject(new ProtocolError(`the server at ${url} did not accept the subprotocol`
          + ` ${offered.map((p) => `'${p}'`).join(' or ')} (it chose '${ws.protocol}')`));
        return;
      }
      // a frame the socket threw on while it waited has no caller to fail: the connection is lost instead
      outbox = new Outbox(ws, marks, (e) => {
        broker.connectionLost(e);
        closeSocket(1000, 'send failed');
      });
      broker = new Broker({
        link: {
          send: (bytes) => outbox.send(bytes),
          close: (code, reason) => {
            outbox.close();
            closeSocket(code, reason);
          },
        },
        serializer, registry: copies, limits, onWarning, extensions: ws.protocol === extended, callTimeout,
      });
      broker.sendVersion();
      resolve(new Connection(broker, () => {
        outbox.close();
        broker.connectionLost(null);
        closeSocket(1000, 'closed');
      }, url, outbox));
    };
    ws.onmessage = (event) => {
      if (broker === null) {
        return;
      }
      const bytes = frameBytes(event.data);
      if (bytes === null) {
        broker.fail(new ProtocolError('a text frame: PB messages travel in binary frames'));
        return;
      }
      broker.receiveFrame(bytes);
    };
    ws.onclose = (event) => {
      settled();
      const cause = error ?? new Error(`WebSocket closed (${event?.code ?? 'no code'}`
        + `${event?.reason ? `: ${event.reason}` : ''})`);
      if (broker === null) {
        reject(new ConnectionLostError(`cannot connect to ${url}: ${cause.message}`, { cause }));
      } else {
        outbox.close();
        broker.connectionLost(cause);
      }
    };
  });
}
