/**
 * Keeping a connection to a URL (Twisted's `ReconnectingClientFactory`, gRPC's channel reconnect): a
 * {@link ReconnectingConnection} connects, logs in as it was told, and when the connection is lost or an attempt
 * fails, tries again after a wait that grows exponentially, with jitter and a cap ({@link makeBackoff}). Its
 * `root()` and `avatar()` are stable references whose calls go to the connection of the moment.
 *
 * States and the event each entry into one emits: `connecting` (an attempt: open the socket, fetch the root, log
 * in), `connected`, `disconnected` (the connection was lost or an attempt failed; the next attempt is scheduled),
 * `gaveUp` (`maxAttempts` attempts in a row failed, or the login was refused) and `closed` (`close()`); the last two
 * are final. Every call made through the stable references settles: answered, failed, or rejected when its deadline
 * passes, its signal aborts, the handle gives up or is closed.
 */
import { makeBackoff } from './backoff.js';
import { checkConnectOptions, connect, CONNECT_OPTIONS } from './connection.js';
import { abortReason, checkSignal, checkTimeout } from './deadlines.js';
import {
  ConnectionLostError, NotConnectedError, UnauthorizedLoginError,
} from './errors.js';
import { Referenceable } from './flavors.js';
import { login, loginAnonymous } from './login.js';
import { stubOf } from './stubs.js';
import { WaitingCalls } from './waiting-calls.js';

const BACKOFF_OPTIONS = ['initialDelay', 'maxDelay', 'multiplier', 'jitter', 'maxAttempts', 'random'];
const OWN_OPTIONS = ['login', 'mind', 'whileDisconnected'];
// `signal` is the handle's own, to stop an attempt when it is closed
const KNOWN_OPTIONS = new Set([...CONNECT_OPTIONS.filter((name) => name !== 'signal'), ...BACKOFF_OPTIONS,
  ...OWN_OPTIONS]);
const EVENTS = new Set(['connecting', 'connected', 'disconnected', 'gaveUp', 'closed']);
const CALL_OPTIONS = new Set(['timeout', 'signal']);

function checkLogin(value) {
  if (value === undefined || value === null) {
    return null;
  }
  if (value === 'anonymous') {
    return { anonymous: true };
  }
  if (typeof value === 'object' && typeof value.username === 'string' && typeof value.password === 'string') {
    return { anonymous: false, username: value.username, password: value.password };
  }
  throw new TypeError("login: expected { username, password } (two strings) or 'anonymous'");
}

function checkOptions(options) {
  if (options === null || typeof options !== 'object') {
    throw new TypeError('keepConnected(url, options): options is an object');
  }
  for (const key of Object.keys(options)) {
    if (!KNOWN_OPTIONS.has(key)) {
      throw new TypeError(`keepConnected: unknown option '${key}' (known: ${[...KNOWN_OPTIONS].join(', ')})`);
    }
  }
  const connectOptions = {};
  const backoffOptions = {};
  for (const [key, value] of Object.entries(options)) {
    if (BACKOFF_OPTIONS.includes(key)) {
      backoffOptions[key] = value;
    } else if (!OWN_OPTIONS.includes(key)) {
      connectOptions[key] = value;
    }
  }
  const checked = checkConnectOptions(connectOptions);
  const { mind = null, whileDisconnected = 'fail' } = options;
  if (mind !== null && !(mind instanceof Referenceable)) {
    throw new TypeError('mind: expected a Referenceable (the object the server may call back), or null');
  }
  if (whileDisconnected !== 'fail' && whileDisconnected !== 'wait') {
    throw new TypeError(`whileDisconnected: ${String(whileDisconnected)} (expected 'fail' or 'wait')`);
  }
  return {
    connectOptions,
    backoff: makeBackoff(backoffOptions),
    login: checkLogin(options.login),
    mind,
    whileDisconnected,
    callTimeout: checked.callTimeout,
    openTimeout: checked.timeout,
  };
}

/**
 * A stable reference to the root or the avatar of a {@link ReconnectingConnection}: its calls go to the
 * connection of the moment, as {@link RemoteReference}'s do. It cannot be sent as an argument (send
 * `current`, the RemoteReference of the moment) and is never released (the handle's `close()` ends it).
 */
class ReconnectingReference {
  #call;
  #current;
  #timeout;

  constructor(call, current, timeout) {
    this.#call = call;
    this.#current = current;
    this.#timeout = timeout;
  }

  /** Calls the method on the object of the current connection (see {@link ReconnectingConnection}). */
  callRemote(name, ...args) {
    return this.#call(this.#timeout, undefined, name, args);
  }

  /** {@link callRemote} with options `timeout` and `signal`, as RemoteReference's `callRemoteWith`. */
  callRemoteWith(options, name, ...args) {
    if (options === null || typeof options !== 'object') {
      return Promise.reject(new TypeError('callRemoteWith(options, name, ...args): options is an object such as'
        + ' { timeout, signal }'));
    }
    for (const key of Object.keys(options)) {
      if (!CALL_OPTIONS.has(key)) {
        return Promise.reject(new TypeError(`unknown call option '${key}' (known: ${[...CALL_OPTIONS].join(', ')})`));
      }
    }
    return this.#call(this.#timeout, options, name, args);
  }

  /** This reference with a deadline (ms; Infinity for none) for each call made through it. */
  withDeadline(timeout) {
    if (timeout === undefined) {
      throw new RangeError('withDeadline(timeout): give milliseconds above 0, or Infinity for none');
    }
    return new ReconnectingReference(this.#call, this.#current, checkTimeout(timeout, 'withDeadline(timeout)'));
  }

  /** A typed stub calling through this reference, as RemoteReference's `as()`. */
  as() {
    return stubOf(this);
  }

  /** The RemoteReference of the current connection, or null while there is none. */
  get current() {
    return this.#current();
  }

  toString() {
    return `ReconnectingReference(${this.#current() ?? 'not connected'})`;
  }
}

/**
 * A connection kept to one URL; made by {@link keepConnected}. Calls go through the stable references `root()`
 * and `avatar()`. What a call made while there is no connection does is the option `whileDisconnected`: `'fail'`
 * (the default, as gRPC's fail-fast calls) waits only for an attempt already under way and rejects with
 * NotConnectedError when there is none or it fails; `'wait'` waits for the next connection, up to the call's
 * deadline (`timeout`, `withDeadline`, `callTimeout`) or its signal. A waiting call is sent (its arguments jellied)
 * when the connection comes. A call already sent when the connection is lost rejects with ConnectionLostError
 * and is not sent again: the server may have run it. References received from an earlier connection are dead.
 */
export class ReconnectingConnection {
  #url;
  #options;
  #state = 'connecting';
  #connection = null;
  #refs = { root: null, avatar: null };
  /** Attempts made since the last connection (or since the start). */
  #attempt = 0;
  /** Waits begun since the last connection (or since the start): the backoff's n. */
  #waits = 0;
  #timer = null;
  /** Aborts the attempt under way, if any. */
  #attemptAbort = null;
  #undoDisconnect = null;
  /** Why there is no connection: the last loss or failed attempt. */
  #lastCause = null;
  /** Calls waiting for a connection. */
  #waiting;
  #readyWaiters = [];
  #listeners = new Map();
  #root;
  #avatar;

  /** Checks the options (throwing a TypeError or RangeError naming a bad one) and starts the first attempt. */
  constructor(url, options = {}) {
    if (typeof url !== 'string' && !(url instanceof URL)) {
      throw new TypeError(`keepConnected(url): url is a ws:// or wss:// URL, got ${typeof url}`);
    }
    this.#url = String(url);
    this.#options = checkOptions(options);
    this.#waiting = new WaitingCalls(this.#url);
    this.#avatar = this.#options.login === null ? null
      : new ReconnectingReference((t, o, n, a) => this.#call(t, o, n, a, 'avatar'), () => this.#refs.avatar);
    this.#root = new ReconnectingReference((t, o, n, a) => this.#call(t, o, n, a, 'root'), () => this.#refs.root);
    // on a turn of its own, so that listeners added right after keepConnected() hear the first `connecting`
    queueMicrotask(() => this.#attemptNow());
  }

  /** The URL it connects to. */
  get url() {
    return this.#url;
  }

  /** `'connecting'`, `'connected'`, `'disconnected'`, `'gaveUp'` or `'closed'`. */
  get state() {
    return this.#state;
  }

  /** Whether a connection is up (state `connected`). */
  get connected() {
    return this.#state === 'connected';
  }

  /** The Connection of the moment, or null. */
  get connection() {
    return this.#connection;
  }

  /** The stable reference to the server's root object. */
  root() {
    return this.#root;
  }

  /** The stable reference to the avatar; only with the option `login` (else a TypeError). */
  avatar() {
    if (this.#avatar === null) {
      throw new TypeError("avatar(): this connection logs in as nobody: give keepConnected the option login ({"
        + " username, password } or 'anonymous')");
    }
    return this.#avatar;
  }

  /**
   * Calls `listener(event)` on each entry into state `type` (`connecting`, `connected`, `disconnected`, `gaveUp`,
   * `closed`); returns a function that undoes it. `event` has `type` and `target`, and: `attempt` (the attempt
   * number in this outage, from 1) for `connecting` and `connected` (with `connection`); `cause`, `attempt` (the
   * attempt that failed, 0 when an established connection was lost) and `retryIn` (ms to the next attempt) for
   * `disconnected`; `cause` and `attempt` (attempts made) for `gaveUp`. A listener that throws does not stop the
   * others; its error is rethrown on its own, as an uncaught error.
   */
  on(type, listener) {
    if (!EVENTS.has(type)) {
      throw new TypeError(`on(type, listener): unknown event '${String(type)}' (known: ${[...EVENTS].join(', ')})`);
    }
    if (typeof listener !== 'function') {
      throw new TypeError(`on(type, listener): listener is a function, got ${typeof listener}`);
    }
    const list = this.#listeners.get(type) ?? [];
    list.push(listener);
    this.#listeners.set(type, list);
    return () => this.off(type, listener);
  }

  /** Undoes {@link on}. */
  off(type, listener) {
    const list = this.#listeners.get(type);
    const i = list === undefined ? -1 : list.indexOf(listener);
    if (i >= 0) {
      list.splice(i, 1);
    }
  }

  /**
   * Resolves to the Connection once connected (at once if it is); rejects with NotConnectedError if it gives up
   * or is closed first.
   */
  whenConnected() {
    if (this.#state === 'connected') {
      return Promise.resolve(this.#connection);
    }
    if (this.#state === 'closed' || this.#state === 'gaveUp') {
      return Promise.reject(this.#unavailable());
    }
    return new Promise((resolve, reject) => this.#readyWaiters.push({ resolve, reject }));
  }

  /**
   * Stops everything: no more attempts, the connection (if any) closed, so calls waiting for their answers reject
   * with ConnectionLostError, and calls waiting for a connection with NotConnectedError, as later ones do.
   * Idempotent.
   */
  close() {
    if (this.#state === 'closed') {
      return;
    }
    this.#state = 'closed';
    clearTimeout(this.#timer);
    this.#timer = null;
    this.#attemptAbort?.abort();
    this.#attemptAbort = null;
    this.#undoDisconnect?.();
    this.#undoDisconnect = null;
    const connection = this.#connection;
    this.#connection = null;
    this.#refs = { root: null, avatar: null };
    connection?.close();
    this.#rejectWaiting(true);
    this.#emit('closed', {});
  }

  // ---- attempts ----

  #attemptNow() {
    this.#timer = null;
    if (this.#state === 'closed' || this.#state === 'gaveUp') {
      return;
    }
    const attempt = ++this.#attempt;
    this.#state = 'connecting';
    const controller = new AbortController();
    this.#attemptAbort = controller;
    this.#emit('connecting', { attempt });
    if (this.#attemptAbort !== controller) {
      return; // a listener closed it
    }
    this.#open(controller.signal).then((opened) => {
      if (this.#attemptAbort !== controller) {
        opened.connection.close();
        return;
      }
      this.#attemptAbort = null;
      this.#connected(opened, attempt);
    }, (cause) => {
      if (this.#attemptAbort !== controller) {
        return; // closed meanwhile
      }
      this.#attemptAbort = null;
      this.#failed(cause, attempt);
    });
  }

  /** One attempt: open the socket, take the root, log in; the login's calls wait at most the open `timeout`. */
  async #open(signal) {
    const { connectOptions, login: credentials, mind, openTimeout } = this.#options;
    const connection = await connect(this.#url, { ...connectOptions, signal });
    try {
      const root = await connection.getRootObject();
      const callOptions = { timeout: openTimeout, signal };
      let avatar = null;
      if (credentials?.anonymous) {
        avatar = await loginAnonymous(root, mind, callOptions);
      } else if (credentials !== null) {
        avatar = await login(root, credentials.username, credentials.password, mind, callOptions);
      }
      if (!connection.connected) {
        throw new ConnectionLostError(`the connection to ${this.#url} was lost while logging in`);
      }
      return { connection, root, avatar };
    } catch (e) {
      connection.close();
      throw e;
    }
  }

  #connected({ connection, root, avatar }, attempt) {
    this.#attempt = 0;
    this.#waits = 0;
    this.#lastCause = null;
    this.#connection = connection;
    this.#refs = { root, avatar };
    this.#state = 'connected';
    this.#undoDisconnect = connection.onDisconnect((cause) => this.#lost(connection, cause));
    // the calls that waited go first, in the order they were made, before any a listener makes
    this.#waiting.sendAll((which) => this.#refs[which]);
    for (const waiter of this.#readyWaiters.splice(0)) {
      waiter.resolve(connection);
    }
    this.#emit('connected', { attempt, connection });
  }

  #lost(connection, cause) {
    if (this.#connection !== connection) {
      return;
    }
    this.#undoDisconnect = null;
    this.#connection = null;
    this.#refs = { root: null, avatar: null };
    this.#retry(cause ?? new ConnectionLostError(`the connection to ${this.#url} was closed`), 0);
  }

  /**
   * An attempt failed. A refused login gives up at once: the same credentials would be refused again, and trying
   * them on a schedule only loads the server (and may lock the account). Anything else is tried again, up to
   * `maxAttempts` attempts in a row.
   */
  #failed(cause, attempt) {
    if (cause instanceof UnauthorizedLoginError || attempt >= this.#options.backoff.maxAttempts) {
      this.#giveUp(cause, attempt);
    } else {
      this.#retry(cause, attempt);
    }
  }

  #retry(cause, failedAttempt) {
    this.#lastCause = cause;
    this.#state = 'disconnected';
    const retryIn = this.#options.backoff.delay(++this.#waits);
    this.#timer = setTimeout(() => this.#attemptNow(), retryIn);
    if (this.#options.whileDisconnected === 'fail') {
      this.#rejectWaiting(false);
    }
    this.#emit('disconnected', { cause, attempt: failedAttempt, retryIn });
  }

  #giveUp(cause, attempts) {
    this.#lastCause = cause;
    this.#state = 'gaveUp';
    this.#rejectWaiting(true);
    this.#emit('gaveUp', { cause, attempt: attempts });
  }

  /** What a call finds when there is no connection and it may not wait: the error for the state. */
  #unavailable(name = null) {
    const what = name === null ? '' : `: the call of ${name} was not sent`;
    switch (this.#state) {
      case 'closed':
        return new NotConnectedError(`the kept connection to ${this.#url} is closed${what}`);
      case 'gaveUp':
        return new NotConnectedError(`gave up connecting to ${this.#url}: ${this.#lastCause?.message}${what}`,
          { cause: this.#lastCause });
      default:
        return new NotConnectedError(`not connected to ${this.#url}${this.#lastCause === null ? ''
          : ` (${this.#lastCause.message})`}${what}`, { cause: this.#lastCause ?? undefined });
    }
  }

  /** Fails the calls waiting for a connection (and `whenConnected()` too) with the error for the state. */
  #rejectWaiting(readyWaitersToo) {
    this.#waiting.rejectAll((name) => this.#unavailable(name));
    if (readyWaitersToo) {
      const error = this.#unavailable();
      for (const waiter of this.#readyWaiters.splice(0)) {
        waiter.reject(error);
      }
    }
  }

  #emit(type, fields) {
    const list = this.#listeners.get(type);
    if (list === undefined || list.length === 0) {
      return;
    }
    const event = Object.freeze({ type, target: this, ...fields });
    for (const listener of [...list]) {
      try {
        listener(event);
      } catch (e) {
        queueMicrotask(() => {
          throw e;
        });
      }
    }
  }

  // ---- calls ----

  #call(viewTimeout, callOptions, name, args, which) {
    if (this.#state === 'closed') {
      return Promise.reject(this.#unavailable(name));
    }
    if (typeof name !== 'string') {
      return Promise.reject(new TypeError(`a method name is a string, got ${typeof name}`));
    }
    let timeout;
    let signal;
    try {
      timeout = checkTimeout(callOptions?.timeout ?? viewTimeout, 'timeout', this.#options.callTimeout);
      signal = checkSignal(callOptions?.signal);
    } catch (e) {
      return Promise.reject(e);
    }
    if (signal?.aborted) {
      return Promise.reject(abortReason(signal));
    }
    const ref = this.#refs[which];
    if (this.#state === 'connected' && ref !== null && ref.connected) {
      return ref.callRemoteWith({ timeout, signal }, name, ...args);
    }
    // while an attempt is under way a call waits for its outcome, whatever the option (as gRPC's do)
    if (this.#state === 'gaveUp' || (this.#state !== 'connecting' && this.#options.whileDisconnected === 'fail')) {
      return Promise.reject(this.#unavailable(name));
    }
    return this.#waiting.add(which, name, args, timeout, signal);
  }
}

/**
 * Keeps a connection to `url`: connects at once, and again whenever the connection is lost, waiting between
 * attempts as `initialDelay`, `maxDelay`, `multiplier`, `jitter` and `maxAttempts` say (see backoff.js); each new
 * connection fetches the root and logs in again with `login` (`{ username, password }` or `'anonymous'`; `mind`
 * is the Referenceable given to the login). Takes every option of {@link connect} too but `signal`; `timeout`
 * bounds each attempt's opening and each of its login calls. See {@link ReconnectingConnection}.
 */
export function keepConnected(url, options = {}) {
  return new ReconnectingConnection(url, options);
}
