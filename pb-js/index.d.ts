// Types of pbj-client: Twisted's Perspective Broker for browsers and Node, over WebSocket.
// Hand-written; the implementation is src/index.js. README.md has the value mapping.

/** Any value Jelly carries (see README.md); `unknown` where a peer may send anything. */
export type PbValue = unknown;

// ---- connecting ----

export interface Limits {
  /** Banana prefix bytes before a type byte (64). */
  readonly maxPrefixLength: number;
  /** Bytes in one byte string or text (655,360). */
  readonly maxStringLength: number;
  /** Elements in one list (655,360). */
  readonly maxListLength: number;
  /** Nesting of lists inside one message (1000). */
  readonly maxDepth: number;
  /** Objects this side exports to the peer at a time (1024). */
  readonly maxLocalObjects: number;
  /** Bytes in one WebSocket frame / MessagePack message (16 MiB). */
  readonly maxMessageLength: number;
}

export const DEFAULT_LIMITS: Limits;

/** The constructor of a WebSocket implementation: the browser's, or `WebSocket` from the `ws` package. */
export type WebSocketConstructor = new (url: string, protocols?: string | string[]) => unknown;

export interface ConnectOptions {
  /** The serializer, sent as the WebSocket subprotocol: `'banana'` (default) or `'msgpack'`. */
  serializer?: 'banana' | 'msgpack';
  /** Required where there is no global WebSocket (Node 20): `import WebSocket from 'ws'`. */
  WebSocket?: WebSocketConstructor;
  /** What this side builds from the wire; default {@link defaultRegistry}. */
  copies?: CopyRegistry;
  /** Overrides of {@link DEFAULT_LIMITS}. */
  limits?: Partial<Limits>;
  /** Milliseconds to wait for the socket to open (30000; `Infinity` for no limit). */
  timeout?: number;
  /** Receives what the connection ignored (a `didNotUnderstand`, a failing callback). */
  onWarning?: (message: string) => void;
  /**
   * Bytes the socket may buffer before messages wait in the connection instead (4 MiB). While the socket's
   * `bufferedAmount` is above it, calls still return promises but their messages queue, in order, until the
   * socket has drained to {@link lowWaterMark}. `Infinity` never waits.
   */
  highWaterMark?: number;
  /** Bytes the socket must drain to before waiting messages go again (2 MiB; at most half a given highWaterMark). */
  lowWaterMark?: number;
  /**
   * Milliseconds each call may wait for its answer unless it has a timeout of its own
   * ({@link RemoteReference#withDeadline}, {@link CallOptions#timeout}); then it rejects with
   * {@link DeadlineExceededError}. Default none.
   */
  callTimeout?: number;
  /**
   * Whether to offer PBJ's extensions (deadlines and cancellation reach the server): the subprotocol
   * `S+pbj` before `S` (default true). The server decides; see {@link Connection#extensions}.
   */
  extensions?: boolean;
  /**
   * Aborting it before the socket is open gives up: the socket is closed and the promise rejects with the signal's
   * reason. No effect once connected.
   */
  signal?: AbortSignal | null;
}

/** Opens a WebSocket to a PB server (path `/pb` on PBJ's) and resolves once it is open. */
export function connect(url: string, options?: ConnectOptions): Promise<Connection>;

// ---- reconnecting ----

/** How long a {@link ReconnectingConnection} waits before each attempt (gRPC's connection backoff). */
export interface BackoffOptions {
  /** The first wait of an outage, after a loss or a failed first attempt (ms, above 0; default 1000). */
  initialDelay?: number;
  /** The cap: no wait is longer (ms, at least initialDelay; default 120000, or initialDelay if that is more). */
  maxDelay?: number;
  /** Each wait is the previous one times this (1 or more; default 1.6). */
  multiplier?: number;
  /** Each wait is randomly made longer or shorter by up to this fraction of itself (0 to 1; default 0.2). */
  jitter?: number;
  /** Attempts in a row (since the last connection) before giving up: an integer, 1 or more, or Infinity (default). */
  maxAttempts?: number;
  /** The random source of the jitter: a number in [0, 1) (default Math.random); tests pass their own. */
  random?: () => number;
}

/** The options of {@link keepConnected}: those of {@link connect} (but `signal`), the backoff and the login. */
export interface KeepConnectedOptions extends Omit<ConnectOptions, 'signal'>, BackoffOptions {
  /**
   * Log in on each new connection: PB's challenge–response login with these credentials, or `'anonymous'`.
   * Without it the handle only has a root. A refused login gives up at once (no retry).
   */
  login?: { username: string; password: string } | 'anonymous' | null;
  /** The Referenceable given to each login, for the server to call back. */
  mind?: Referenceable | null;
  /**
   * What a call made while there is no connection does. `'fail'` (default): rejects with {@link NotConnectedError}
   * at once, but one made while an attempt is under way waits for its outcome. `'wait'`: waits for the next
   * connection, up to its deadline (`timeout`, `withDeadline`, `callTimeout`) or its signal.
   */
  whileDisconnected?: 'fail' | 'wait';
}

/** The states of a {@link ReconnectingConnection}; `gaveUp` and `closed` are final. */
export type ReconnectingState = 'connecting' | 'connected' | 'disconnected' | 'gaveUp' | 'closed';

/** What a {@link ReconnectingConnection}'s listeners receive, by event (= the state entered). */
export interface ReconnectingEvents {
  /** An attempt begins: `attempt` counts the attempts since the last connection, from 1. */
  connecting: { type: 'connecting'; target: ReconnectingConnection; attempt: number };
  /** Connected, the root fetched and the login done. */
  connected: { type: 'connected'; target: ReconnectingConnection; attempt: number; connection: Connection };
  /**
   * The connection was lost (`attempt` 0) or attempt `attempt` failed; the next attempt comes in `retryIn` ms.
   */
  disconnected: { type: 'disconnected'; target: ReconnectingConnection; cause: Error; attempt: number; retryIn: number };
  /** No more attempts: `maxAttempts` attempts in a row failed, or the login was refused (`cause`). */
  gaveUp: { type: 'gaveUp'; target: ReconnectingConnection; cause: Error; attempt: number };
  /** `close()` was called. */
  closed: { type: 'closed'; target: ReconnectingConnection };
}

/**
 * A stable reference to the root or avatar of a {@link ReconnectingConnection}: calls go to the connection of the
 * moment. It cannot be sent as an argument (send {@link current}) and is never released.
 */
export interface ReconnectingReference {
  callRemote<T = PbValue>(method: string, ...args: PbValue[]): Promise<T>;
  callRemoteWith<T = PbValue>(options: CallOptions, method: string, ...args: PbValue[]): Promise<T>;
  /** This reference with a deadline (ms; `Infinity` for none) for each call made through it. */
  withDeadline(timeout: number): ReconnectingReference;
  /** A typed stub calling through this reference, as {@link RemoteReference#as}. */
  as<T extends RemoteInterface<T> = UntypedStub>(): T;
  /** The RemoteReference of the current connection, or null while there is none. */
  readonly current: RemoteReference | null;
}

/**
 * A connection kept to one URL: reconnects with backoff, logs in again, and re-fetches the root and avatar, whose
 * stable references {@link root} and {@link avatar} always call the current connection. Made by {@link keepConnected}.
 * A call already sent when the connection is lost rejects with ConnectionLostError and is not sent again.
 */
export class ReconnectingConnection {
  private constructor();
  readonly url: string;
  readonly state: ReconnectingState;
  /** Whether a connection is up. */
  readonly connected: boolean;
  /** The Connection of the moment, or null. */
  readonly connection: Connection | null;
  root(): ReconnectingReference;
  /** Only with the option `login` (a TypeError otherwise). */
  avatar(): ReconnectingReference;
  /** Calls `listener` on each entry into that state; returns a function that undoes it. */
  on<K extends keyof ReconnectingEvents>(type: K, listener: (event: ReconnectingEvents[K]) => void): () => void;
  off<K extends keyof ReconnectingEvents>(type: K, listener: (event: ReconnectingEvents[K]) => void): void;
  /** Resolves once connected; rejects with NotConnectedError if it gives up or is closed first. */
  whenConnected(): Promise<Connection>;
  /** Stops every attempt and closes the connection; every pending call settles. Idempotent. */
  close(): void;
}

/**
 * Keeps a connection to `url` (see {@link ReconnectingConnection}); the first attempt starts at once. Throws a
 * TypeError or RangeError naming a bad option.
 */
export function keepConnected(url: string | URL, options?: KeepConnectedOptions): ReconnectingConnection;

export interface BrokerStats {
  readonly localObjects: number;
  readonly remoteReferences: number;
  readonly pendingCalls: number;
  /** The peer's calls this side is still working on (their methods returned a Promise not yet settled). */
  readonly callsRunning: number;
  readonly cachesObserved: number;
  readonly remoteCaches: number;
}

/** One connection to a PB server. */
export class Connection {
  private constructor();
  readonly url: string;
  /** Resolves (with the cause, if any) once the connection is closed. */
  readonly closed: Promise<Error | null | undefined>;
  /** Whether the connection is open. */
  readonly connected: boolean;
  /** The serializer in use. */
  readonly serializer: 'banana' | 'msgpack';
  /**
   * Whether the server chose PBJ's extensions (subprotocol `S+pbj`): a call's deadline travels with it and a call
   * given up on is cancelled on the server. Without them timeouts and signals still settle calls here.
   */
  readonly extensions: boolean;
  /** Bytes sent but not yet on the wire: those waiting in the connection plus the socket's `bufferedAmount`. */
  readonly bufferedAmount: number;
  /** The server's root object; no round trip. */
  getRootObject(): Promise<RemoteReference>;
  /** PB's MD5 challenge–response login; resolves to the avatar (keep it: releasing it logs out). */
  login(username: string, password: string, mind?: Referenceable | null): Promise<RemoteReference>;
  loginAnonymous(mind?: Referenceable | null): Promise<RemoteReference>;
  /** Runs `callback(cause)` when the connection closes; returns a function that undoes it. */
  onDisconnect(callback: (cause?: Error | null) => void): () => void;
  /** Closes: pending calls reject with ConnectionLostError. Idempotent. */
  close(): void;
  stats(): BrokerStats;
}

// ---- references ----

/** Keyword arguments for callRemote, made with {@link kw}; given last. */
export class KeywordArguments {
  private constructor();
  readonly entries: ReadonlyArray<readonly [string, PbValue]>;
}

/** `ref.callRemote('counter', kw({ start: 5 }))` is Python's `ref.callRemote("counter", start=5)`. */
export function kw(names: Record<string, PbValue> | Map<string, PbValue>): KeywordArguments;

/**
 * What {@link RemoteReference#as} accepts as `T`: an interface whose every member is a method returning a Promise
 * (the answer comes later), none of them named `then` (a stub is never a thenable). A method's name is its wire
 * name; `toString` and `valueOf` are answered by the stub itself, and `toJSON`, `constructor` and symbols are
 * undefined on it.
 */
export type RemoteInterface<T> = {
  [K in keyof T]: K extends 'then' ? never : (...args: any[]) => Promise<unknown>;
};

/** The stub `as()` gives without a type argument: any name calls the remote method of that name. */
export interface UntypedStub {
  [method: string]: (...args: PbValue[]) => Promise<PbValue>;
}

/** The options of {@link RemoteReference#callRemoteWith}. */
export interface CallOptions {
  /**
   * Milliseconds the call may wait for its answer (above 0, at most 2^31 − 1; `Infinity` for none); then it
   * rejects with {@link DeadlineExceededError}. Beats the reference's {@link RemoteReference#withDeadline} and the
   * connection's `callTimeout`.
   */
  timeout?: number;
  /** Aborting it rejects the call with the signal's reason; one already aborted rejects at once, sending nothing. */
  signal?: AbortSignal | null;
}

/**
 * A handle on one of the peer's objects. Every reference received is a new handle, so the same object received
 * twice gives two handles that are not `===`: compare them with {@link equals}, or key a Map with {@link key}.
 */
export class RemoteReference {
  private constructor();
  /** Calls the peer's method; resolves to its answer, rejects with RemoteError or a connection error. */
  callRemote<T = PbValue>(method: string, ...args: PbValue[]): Promise<T>;
  /**
   * {@link callRemote} with a timeout or an AbortSignal. A call given up on is forgotten (its late answer
   * dropped) and, when {@link Connection#extensions} is on, cancelled on the server.
   */
  callRemoteWith<T = PbValue>(options: CallOptions, method: string, ...args: PbValue[]): Promise<T>;
  /**
   * This reference with a deadline (ms; `Infinity` for none) for each call made through it. The view shares this
   * handle: releasing either releases both, and they are {@link equals}.
   */
  withDeadline(timeout: number): RemoteReference;
  /**
   * A typed stub (Java's `RemoteReference.as(Class)`): `ref.as<Greeter>().greet('x')` is
   * `ref.callRemote('greet', 'x')`, typed by `interface Greeter { greet(name: string): Promise<string> }`. Nothing
   * checks the types at run time: they are the caller's promise. The stub is sent as this reference and calls
   * through it (a stub of a {@link withDeadline} view keeps the deadline).
   */
  as<T extends RemoteInterface<T> = UntypedStub>(): T;
  /** Runs `callback(this)` when the connection is lost. */
  notifyOnDisconnect(callback: (reference: RemoteReference) => void): void;
  dontNotifyOnDisconnect(callback: (reference: RemoteReference) => void): void;
  /**
   * Lets go of this handle; idempotent. Later calls through it reject with DeadReferenceError; other handles of
   * the object keep working. When the last one is released the peer is told (one decref per time received).
   */
  release(): void;
  /** Whether this handle was released, or (a received reference) its connection closed. */
  readonly released: boolean;
  readonly connected: boolean;
  /** Whether `other` is a handle on the same remote object (same connection, same object id). */
  equals(other: unknown): boolean;
  /** The same string for every handle {@link equals} this one, different for any other object or connection. */
  readonly key: string;
}

/**
 * What a method marked with {@link withCallContext} receives first: its call's deadline and cancellation, which a
 * PBJ caller sends with the call (a Twisted caller sends neither: no deadline, never cancelled).
 */
export interface CallContext {
  /**
   * Aborts once the call is cancelled: the caller gave up (reason an `AbortError`), its deadline passed (a
   * {@link DeadlineExceededError}) or the connection went (a {@link ConnectionLostError}); never once it is answered,
   * nor for a call that wants no answer.
   */
  readonly signal: AbortSignal;
  /** The milliseconds the caller gave the call, or null. */
  readonly deadline: number | null;
  /** Milliseconds until the deadline (0 or less once passed), or null without one. */
  timeRemaining(): number | null;
  /** Whether the call is cancelled (true from the deadline on, even before the signal's abort event). */
  readonly cancelled: boolean;
  /** Runs `callback(reason)` once cancelled (soon, if it already is), never if answered first; returns an undo. */
  onCancel(callback: (reason: unknown) => void): () => void;
}

/**
 * Marks a remote method as one that takes a {@link CallContext} first, before the caller's arguments, and returns
 * it: `new Referenceable({ build: withCallContext(async (call, name) => …) })`. A cancelled call is never answered.
 */
export function withCallContext<F extends (context: CallContext, ...args: any[]) => unknown>(method: F): F;

/**
 * An object the peer may call, sent by reference. Subclass it (methods not starting with `_` are callable,
 * wire name = method name) or pass the methods. Keyword arguments arrive as one trailing plain object.
 */
export class Referenceable {
  constructor(methods?: Record<string, (...args: any[]) => unknown>);
}

// ---- copies and caches ----

/** What a received copy becomes: `{ fromState }`, or a class (made without its constructor). */
export type CopyFactory<T = unknown> =
  | { fromState(state: any): T }
  | (abstract new (...args: any[]) => T);

/** Registered copy and cache types: nothing unregistered is ever built from the wire. */
export class CopyRegistry {
  constructor();
  registerCopy<T>(typeName: string, factory: CopyFactory<T>): this;
  registerCache(typeName: string, cacheClass: new () => RemoteCache): this;
  /** The type name instances of a class registered with registerCopy are sent as. */
  typeNameOf(value: object): string | undefined;
}

/** The registry connect uses unless given `copies`. */
export const defaultRegistry: CopyRegistry;
export function registerCopy<T>(typeName: string, factory: CopyFactory<T>): void;
export function registerCache(typeName: string, cacheClass: new () => RemoteCache): void;

/**
 * A class whose instances are sent as copies: `static pbTypeName = 'pbj.demo.Point'` plus `getStateToCopy()`
 * (or register the class with registerCopy).
 */
export interface Copyable {
  getStateToCopy?(): PbValue;
}

/** The event `addEventListener` listeners of a RemoteCache receive, one per observed call. */
export interface CacheEvent<C extends RemoteCache = RemoteCache> {
  readonly type: string;
  /** The first argument of the observed call. */
  readonly detail: PbValue;
  readonly args: PbValue[];
  readonly target: C;
}

/** A listener of {@link RemoteCache#addEventListener}: a function or an object with handleEvent. */
export type CacheListener<C extends RemoteCache = RemoteCache> =
  | ((event: CacheEvent<C>) => void)
  | { handleEvent(event: CacheEvent<C>): void };

/**
 * The local replica of a peer's cacheable. Subclass, register with registerCache; the owner's observed calls
 * run the method of that name, in order, and emit an event of that name.
 */
export class RemoteCache {
  constructor();
  /** Takes the owner's state; by default keeps it as `this.state`. */
  setCopyableState(state: any): void;
  state?: any;
  on(type: string, listener: (...args: any[]) => void): this;
  off(type: string, listener: (...args: any[]) => void): this;
  addEventListener(type: string, listener: CacheListener<this>): void;
  removeEventListener(type: string, listener: CacheListener<this>): void;
  /** Tells the owner to stop observing (one decache per time it was received); idempotent. */
  release(): void;
  /** The type name it arrived under; undefined before. */
  readonly typeName: string | undefined;
}

/** An observer's handle on one peer's replica of a Cacheable. */
export interface CacheObserver {
  callRemote<T = PbValue>(method: string, ...args: PbValue[]): Promise<T>;
}

/** An object replicated to each peer once per connection (`static pbTypeName` names its type). */
export class Cacheable {
  constructor();
  getStateToCacheAndObserveFor(perspective: unknown, observer: CacheObserver): PbValue;
  stoppedObserving(perspective: unknown, observer: CacheObserver): void;
}

// ---- values ----

/** Python's tuple. Derived arrays (map, filter …) are plain Arrays. */
export class Tuple<T = PbValue> extends Array<T> {}
export function tuple<T extends PbValue[]>(...items: T): Tuple<T[number]>;

/** Python's frozenset: a Set that refuses changes. */
export class FrozenSet<T = PbValue> extends Set<T> {
  constructor(items?: Iterable<T> | null);
}

/** Python's decimal.Decimal: unscaled × 10^exponent. */
export class Decimal {
  constructor(unscaled: bigint | number, exponent: number);
  readonly unscaled: bigint;
  readonly exponent: number;
  toString(): string;
}

/** Python's naive datetime, date, time and timedelta, as Jelly spells them. */
export class TimeValue {
  constructor(kind: 'datetime' | 'date' | 'time' | 'timedelta', fields: number[]);
  readonly kind: 'datetime' | 'date' | 'time' | 'timedelta';
  readonly fields: readonly number[];
}

/** What the peer could not serialize, with its reason. */
export class Unpersistable {
  constructor(reason: string);
  readonly reason: string;
}

// ---- errors ----

export class PbjError extends Error {}

/** Throw it from a remote method: the caller sees `twisted.spread.pb.Error` with this message. */
export class PbError extends PbjError {
  static readonly TWISTED_TYPE: 'twisted.spread.pb.Error';
  readonly remoteType: string;
}

/** A remote method failed. */
export class RemoteError extends PbjError {
  constructor(remoteType: string, message: string, remoteTraceback?: string, parents?: string[]);
  /** The qualified name of the remote exception, e.g. `twisted.spread.pb.Error`. */
  readonly remoteType: string;
  readonly remoteTraceback: string;
  /** Its class and base names, most derived first. */
  readonly parents: readonly string[];
  isA(qualifiedName: string): boolean;
  readonly isPbError: boolean;
}

/** `twisted.cred.error.UnauthorizedLogin`: wrong password or unknown user. */
export class UnauthorizedLoginError extends RemoteError {
  static readonly TWISTED_TYPE: 'twisted.cred.error.UnauthorizedLogin';
  constructor(message?: string, remoteTraceback?: string);
}

/** The connection dropped while the call was waiting. */
export class ConnectionLostError extends PbjError {}
/**
 * A call through a {@link ReconnectingConnection} found no connection and was never sent (so trying again is safe):
 * made while disconnected in `'fail'` mode, or still waiting when the handle gave up or was closed. `cause` is the
 * last connection failure.
 */
export class NotConnectedError extends ConnectionLostError {}
/** A call through a released reference or a closed connection. */
export class DeadReferenceError extends PbjError {}
/**
 * A call's deadline passed before its answer came. The call was forgotten (a late answer is dropped) and, with
 * PBJ's extensions, cancelled on the server.
 */
export class DeadlineExceededError extends PbjError {
  constructor(message: string, deadline: number);
  /** The timeout the call was given, in milliseconds. */
  readonly deadline: number;
}
/** The peer broke the protocol; the connection is closed. */
export class ProtocolError extends PbjError {}

/** A value went over a limit (`limitName` is a key of Limits). */
export class LimitExceededError extends ProtocolError {
  constructor(what: string, limitName: keyof Limits, value: number, maximum: number);
  readonly limitName: keyof Limits;
  readonly value: number;
  readonly maximum: number;
}

/** The wire named a copy or cache type this side did not register. */
export class InsecureJellyError extends PbjError {
  static readonly TWISTED_TYPE: 'twisted.spread.jelly.InsecureJelly';
  constructor(typeName: string, message: string);
  readonly typeName: string;
}

/** MD5 (RFC 1321) of bytes or of a string's UTF-8: what PB's login uses. */
export function md5(data: Uint8Array | string): Uint8Array;
