/**
 * Typed stubs, `ref.as()`: a Proxy whose every property is a function calling the remote method of that name, so
 * that `ref.as().greet('x')` is `ref.callRemote('greet', 'x')`. Java's `RemoteReference.as(Class)`, minus the
 * interface: JavaScript has none to check at run time, so index.d.ts does the checking.
 */

/** stub → the reference it calls through: the jellier sends a stub as its reference. */
const stubs = new WeakMap();

/** What a stub's prototype is (so that it is neither a plain object nor anything the jellier knows). */
const STUB_PROTOTYPE = Object.freeze(Object.create(null, {
  [Symbol.toStringTag]: { value: 'RemoteStub' },
}));

/**
 * Names that never call: `then` (a stub awaited or returned from an async function must not look like a
 * Promise), `toJSON` (JSON.stringify gives `{}`), `constructor` and Object.prototype's other names, and
 * `toString`/`valueOf`/`inspect`-style conversions, answered locally.
 */
const NOT_REMOTE = new Set(['then', 'catch', 'finally', 'toJSON', 'constructor', '__proto__', 'hasOwnProperty',
  'isPrototypeOf', 'propertyIsEnumerable', 'toLocaleString', '__defineGetter__', '__defineSetter__',
  '__lookupGetter__', '__lookupSetter__']);

/** The stub of `reference` (anything with `callRemote(name, ...args)`); see the module comment. */
export function stubOf(reference) {
  const methods = new Map();
  const stub = new Proxy(Object.create(STUB_PROTOTYPE), {
    get(target, name) {
      if (typeof name === 'symbol') {
        return name === Symbol.toStringTag ? 'RemoteStub' : undefined;
      }
      if (name === 'toString') {
        return stubToString;
      }
      if (name === 'valueOf') {
        return stubValueOf;
      }
      if (NOT_REMOTE.has(name)) {
        return undefined;
      }
      let method = methods.get(name);
      if (method === undefined) {
        method = (...args) => reference.callRemote(name, ...args);
        Object.defineProperty(method, 'name', { value: name });
        methods.set(name, method);
      }
      return method;
    },
    set(target, name) {
      throw new TypeError(`a stub of ${reference} has no properties to set (${String(name)})`);
    },
    defineProperty(target, name) {
      throw new TypeError(`a stub of ${reference} has no properties to define (${String(name)})`);
    },
    deleteProperty() {
      return true;
    },
    getPrototypeOf() {
      return STUB_PROTOTYPE;
    },
    setPrototypeOf() {
      return false;
    },
  });
  stubs.set(stub, reference);
  return stub;
}

/** The reference `value` calls through when it is a stub, else undefined. */
export function referenceOfStub(value) {
  return stubs.get(value);
}

function stubToString() {
  return `RemoteStub(${stubs.get(this)})`;
}

function stubValueOf() {
  return this;
}
