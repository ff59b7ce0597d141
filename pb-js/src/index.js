/**
 * pbj-client: Twisted's Perspective Broker for browsers and Node, over WebSocket. Start with {@link connect};
 * README.md has the value mapping and the error types.
 */
export { connect, Connection } from './connection.js';
export { keepConnected, ReconnectingConnection } from './reconnect.js';
export { withCallContext } from './call-context.js';
export { Tuple, tuple, FrozenSet, Decimal, TimeValue, Unpersistable, kw, KeywordArguments } from './values.js';
export { Referenceable, RemoteReference, RemoteCache, Cacheable } from './flavors.js';
export { CopyRegistry, defaultRegistry, registerCopy, registerCache } from './copies.js';
export {
  PbjError, PbError, RemoteError, UnauthorizedLoginError, ConnectionLostError, DeadReferenceError, ProtocolError,
  LimitExceededError, InsecureJellyError, DeadlineExceededError, NotConnectedError,
} from './errors.js';
export { DEFAULT_LIMITS } from './limits.js';
export { md5 } from './md5.js';
