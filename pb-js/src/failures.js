/**
 * Converts between JavaScript errors and PB's failure record, Twisted's CopyableFailure: the copy
 * `("twisted.spread.pb.CopyableFailure" {type, value, traceback, parents, frames, …})` an `error` message
 * carries. Twisted's `failure.check(X)` looks for X's qualified name in `parents`, so errors list Python's base
 * names after their own.
 */
import { CopiedValue, FAILURE_TYPE } from './copies.js';
import { InsecureJellyError, PbError, RemoteError, UnauthorizedLoginError } from './errors.js';

export const NO_TRACEBACK = 'Traceback unavailable\n';
const PYTHON_BASES = ['builtins.Exception', 'builtins.BaseException', 'builtins.object'];
const ascii = new TextEncoder();
const utf8 = new TextDecoder();
let count = 0;

/**
 * An error that names a Python type, for failures PB defines in Python terms (a missing method, an unknown
 * object id); internal to the broker.
 */
export class PythonError extends Error {
  constructor(type, parents, message) {
    super(message);
    this.type = type;
    this.parents = parents;
  }

  static noSuchMethod(name) {
    return new PythonError('twisted.spread.flavors.NoSuchMethod',
      ['twisted.spread.flavors.NoSuchMethod', 'builtins.AttributeError'], `No such method: remote_${name}`);
  }

  static invalidObjectId() {
    return new PythonError(PbError.TWISTED_TYPE, [PbError.TWISTED_TYPE], 'Invalid Object ID');
  }

  static unknownCache(id) {
    return new PythonError('builtins.KeyError', ['builtins.KeyError', 'builtins.LookupError'], String(id));
  }

  static typeError(message) {
    return new PythonError('builtins.TypeError', ['builtins.TypeError'], message);
  }
}

/** The names of `error`'s class and its bases, most derived first: `TypeError`, `Error`. */
function classNames(error) {
  const names = [];
  for (let proto = Object.getPrototypeOf(error); proto !== null && proto !== Object.prototype;
    proto = Object.getPrototypeOf(proto)) {
    const name = proto.constructor?.name;
    if (name && !names.includes(name)) {
      names.push(name);
    }
  }
  return names;
}

/** The failure record sent for `error`, a value thrown by a method this side served. */
export function toRecord(error) {
  let type;
  let message;
  const parents = [];
  if (error instanceof PbError) {
    type = error.remoteType;
    parents.push(type, PbError.TWISTED_TYPE, ...classNames(error));
    message = error.message;
  } else if (error instanceof RemoteError) {
    // a failure from further along (a callback into another peer) travels on as itself
    type = error.remoteType;
    parents.push(type, ...error.parents);
    message = error.message;
  } else if (error instanceof PythonError) {
    type = error.type;
    parents.push(...error.parents);
    message = error.message;
  } else if (error instanceof InsecureJellyError) {
    type = InsecureJellyError.TWISTED_TYPE;
    parents.push(type);
    message = error.message;
  } else if (error instanceof Error) {
    type = error.name || error.constructor?.name || 'Error';
    parents.push(type, ...classNames(error));
    message = error.message ?? '';
  } else {
    type = 'Error';
    parents.push(type);
    message = String(error);
  }
  for (const base of PYTHON_BASES) {
    parents.push(base);
  }
  return new CopiedValue(FAILURE_TYPE, {
    count: ++count,
    type: ascii.encode(type),
    value: String(message ?? ''),
    captureVars: false,
    frames: [],
    stack: [],
    tb: null,
    parents: [...new Set(parents)],
    unsafeTracebacks: false,
    traceback: NO_TRACEBACK,
  });
}

function field(state, key) {
  if (state instanceof Map) {
    if (state.has(key)) return state.get(key);
    for (const [k, v] of state) {
      if (k instanceof Uint8Array && utf8.decode(k) === key) return v;
    }
    return undefined;
  }
  return state[key];
}

function text(value, fallback) {
  if (typeof value === 'string') return value;
  if (value instanceof Uint8Array) return utf8.decode(value);
  return fallback;
}

/** The error a caller sees for the payload of an `error` message. */
export function fromPayload(payload) {
  if (payload instanceof CopiedValue && payload.state !== null && typeof payload.state === 'object') {
    const state = payload.state;
    const type = text(field(state, 'type'), 'unknown');
    const value = text(field(state, 'value'), '');
    const traceback = text(field(state, 'traceback'), NO_TRACEBACK);
    const rawParents = field(state, 'parents');
    const parents = Array.isArray(rawParents) ? rawParents.map((p) => text(p, '')) : [type];
    if (type === UnauthorizedLoginError.TWISTED_TYPE) {
      return new UnauthorizedLoginError(value, traceback);
    }
    return new RemoteError(type, value, traceback, parents);
  }
  if (payload instanceof CopiedValue) {
    return new RemoteError(payload.typeName, String(payload.state), NO_TRACEBACK, [payload.typeName]);
  }
  // Twisted sends a bare string in odd cases, and a jellyable pb.Error subclass as a copy of itself
  return new RemoteError('unknown', text(payload, String(payload)), NO_TRACEBACK, []);
}
