// Two JS brokers over an in-memory pipe: the wire each side writes, reference and cache bookkeeping, errors,
// protocol violations and limits. Every test that ends with open connections checks both sides' tables.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { BananaDecoder, BananaEncoder } from '../../src/banana.js';
import { CopiedValue, CopyRegistry } from '../../src/copies.js';
import {
  Cacheable, ConnectionLostError, DeadReferenceError, InsecureJellyError, kw, LimitExceededError, ProtocolError,
  Referenceable, RemoteCache, RemoteError, RemoteReference, tuple,
} from '../../src/index.js';
import { Unjellier } from '../../src/unjellier.js';
import { MessageReader } from '../../src/messages.js';
import { MsgpackDecoder, MsgpackEncoder } from '../../src/msgpack.js';
import { brokerPair, settle } from '../support/pipe.js';
import { Point } from '../support/demo.js';
import { testdata, toHex } from '../support/tokens.js';

const bananaVectors = new Map(testdata('banana/vectors.json').map((c) => [c.name, c.hex]));
const msgpackVectors = new Map(testdata('msgpack/vectors.json').map((c) => [c.name, c.hex]));
const vectors = { banana: bananaVectors, msgpack: msgpackVectors };
const ascii = new TextEncoder();

const BASELINE = {
  localObjects: 0, remoteReferences: 0, pendingCalls: 0, callsRunning: 0, cachesObserved: 0, remoteCaches: 0,
};

async function assertBaseline(pair) {
  await settle();
  assert.deepEqual({ ...pair.client.stats() }, BASELINE, 'client tables back to baseline');
  assert.deepEqual({ ...pair.server.stats() }, BASELINE, 'server tables back to baseline');
}

/** Decodes frames (of either serializer) into `{ kind, fields }` messages, with no connection behind them. */
function readMessages(serializer, frames, registry = new CopyRegistry()) {
  const messages = [];
  const reader = new MessageReader(new Unjellier({ registry }), (m) => messages.push(m));
  const decoder = serializer === 'banana' ? new BananaDecoder({ sink: reader }) : new MsgpackDecoder({ sink: reader });
  for (const f of frames) decoder.feed(f);
  return messages;
}

class Target extends Referenceable {
  constructor() {
    super();
    this.thing = new Referenceable({ ping: () => 'pong' });
    this.calls = [];
  }

  getRef() {
    return this.thing;
  }

  isSame(ref) {
    return ref === this.thing;
  }

  echo(...args) {
    this.calls.push(args);
    return args.length === 1 ? args[0] : args;
  }

  slow() {
    return new Promise(() => {});
  }
}

class Score extends Cacheable {
  static pbTypeName = 'example.Score';

  constructor() {
    super();
    this.value = 10;
    this.observers = [];
    this.stopped = 0;
  }

  getStateToCacheAndObserveFor(perspective, observer) {
    this.observers.push(observer);
    return { value: this.value };
  }

  stoppedObserving(perspective, observer) {
    this.stopped++;
    this.observers = this.observers.filter((o) => o !== observer);
  }

  bump(n) {
    this.value = n;
    return Promise.all(this.observers.map((o) => o.callRemote('setValue', n)));
  }
}

class ScoreCache extends RemoteCache {
  setCopyableState(state) {
    this.value = state.value;
  }

  setValue(n) {
    this.value = n;
    return `set ${n}`;
  }
}

class ScoreRoot extends Referenceable {
  constructor() {
    super();
    this.score = new Score();
  }

  getCache() {
    return this.score;
  }

  getCacheTwice() {
    return [this.score, this.score];
  }

  isSameCache(c) {
    return c === this.score;
  }

  bump(n) {
    return this.score.bump(n).then(() => n);
  }
}

describe('the wire a JS broker writes', () => {
  for (const serializer of ['banana', 'msgpack']) {
    test(`${serializer}: the first echo and login calls are Twisted's bytes (PROTOCOL-REFERENCE 9.2, 9.9)`, async () => {
      const pair = brokerPair({ serializer, root: new Target() });
      assert.equal(toHex(pair.clientLink.sent[0]), vectors[serializer].get('9.1 handshake C>S #3'));
      const root = await pair.connection.getRootObject();
      await root.callRemote('echo', 'hi');
      assert.equal(toHex(pair.clientLink.sent[1]), vectors[serializer].get('9.2 echo text C>S #1'));
      assert.equal(toHex(pair.serverLink.sent[1]), vectors[serializer].get('9.2 echo text S>C #2'));
      const other = brokerPair({ serializer, root: new Target() });
      (await other.connection.getRootObject()).callRemote('login', ascii.encode('alice')).catch(() => {});
      assert.equal(toHex(other.clientLink.sent[1]), vectors[serializer].get('9.9 login C>S #1'));
      pair.connection.close();
      other.connection.close();
    });
  }

  test('the version message of msgpack is (version 6) with the word as a symbol', async () => {
    const pair = brokerPair({ serializer: 'msgpack' });
    const [message] = readMessages('msgpack', [pair.clientLink.sent[0]]);
    assert.equal(message.kind, 'version');
    assert.deepEqual(message.fields, [6]);
    pair.connection.close();
  });
});

describe('references', () => {
  test('one decref per (remote N) received, sent with the last handle released; the owner forgets it', async () => {
    const target = new Target();
    const pair = brokerPair({ root: target });
    const root = await pair.connection.getRootObject();
    const a = await root.callRemote('getRef');
    const b = await root.callRemote('getRef');
    assert.notEqual(a, b, 'every reference received is a handle of its own');
    assert.ok(a.equals(b) && b.equals(a), 'handles of one object are equal');
    assert.equal(a.key, b.key);
    assert.equal(await a.callRemote('ping'), 'pong');
    assert.equal(pair.server.stats().localObjects, 1);
    assert.equal(pair.client.stats().remoteReferences, 1, 'one entry for both handles');
    const before = pair.clientLink.sent.length;
    a.release();
    a.release();
    assert.equal(pair.clientLink.sent.length, before, 'nothing is sent while another handle is open');
    assert.equal(a.released, true);
    assert.equal(b.released, false);
    await assert.rejects(a.callRemote('ping'), DeadReferenceError);
    assert.equal(await b.callRemote('ping'), 'pong', 'the other handle keeps working');
    const beforeLast = pair.clientLink.sent.length;
    b.release();
    b.release();
    const decrefs = (readMessages('banana', pair.clientLink.sent.slice(beforeLast))).filter((m) => m.kind === 'decref');
    assert.equal(decrefs.length, 2, 'two tokens, two decrefs, however often release is called');
    assert.equal(pair.clientLink.sent.length, beforeLast + 2);
    await settle();
    assert.equal(pair.server.stats().localObjects, 0);
    await assert.rejects(b.callRemote('ping'), DeadReferenceError);
    await assertBaseline(pair);
    pair.connection.close();
  });

  test('a callee that releases the reference it was given does not kill one held elsewhere', async () => {
    const mine = new Referenceable({ ping: () => 'mine' });
    let kept = null;
    const pair = brokerPair({
      root: new Referenceable({
        keep(ref) {
          kept = ref;
        },
        async useAndRelease(ref) {
          try {
            return await ref.callRemote('ping');
          } finally {
            ref.release();
          }
        },
        callKept: () => kept.callRemote('ping'),
      }),
    });
    const root = await pair.connection.getRootObject();
    await root.callRemote('keep', mine);
    assert.equal(await root.callRemote('useAndRelease', mine), 'mine');
    await settle();
    assert.equal(pair.client.stats().localObjects, 1, 'the server still holds one handle');
    assert.equal(await root.callRemote('callKept'), 'mine');
    kept.release();
    await assertBaseline(pair);
    pair.connection.close();
  });

  test('a released handle cannot be sent back; another handle of the same object can', async () => {
    const pair = brokerPair({ root: new Target() });
    const root = await pair.connection.getRootObject();
    const a = await root.callRemote('getRef');
    const b = await root.callRemote('getRef');
    a.release();
    await assert.rejects(root.callRemote('isSame', a), DeadReferenceError);
    assert.equal(await root.callRemote('isSame', b), true);
    b.release();
    await assertBaseline(pair);
    pair.connection.close();
  });

  test('equals and key: same connection and object id; another connection or object differs', async () => {
    const one = brokerPair({ root: new Target() });
    const two = brokerPair({ root: new Target() });
    const rootOne = await one.connection.getRootObject();
    const rootTwo = await two.connection.getRootObject();
    const a = await rootOne.callRemote('getRef');
    const b = await rootTwo.callRemote('getRef');
    assert.equal(String(a), String(b), 'the same object id on both connections');
    assert.equal(a.equals(b), false);
    assert.notEqual(a.key, b.key);
    assert.equal(a.equals(rootOne), false);
    assert.notEqual(a.key, rootOne.key);
    assert.ok(rootOne.equals(await one.connection.getRootObject()));
    assert.equal(rootOne.equals(rootTwo), false);
    for (const other of [null, undefined, {}, a.key]) {
      assert.equal(a.equals(other), false, String(other));
    }
    assert.equal(typeof a.key, 'string');
    const c = await rootOne.callRemote('getRef');
    const byKey = new Map([[a.key, 'a']]);
    assert.equal(byKey.get(c.key), 'a', 'a later handle finds the same Map entry');
    a.release();
    assert.ok(a.equals(c), 'a released handle still names the same object');
    c.release();
    b.release();
    await assertBaseline(one);
    await assertBaseline(two);
    one.connection.close();
    two.connection.close();
  });

  test('closing the connection makes every handle dead', async () => {
    const pair = brokerPair({ root: new Target() });
    const root = await pair.connection.getRootObject();
    const a = await root.callRemote('getRef');
    const b = await root.callRemote('getRef');
    pair.connection.close();
    await settle();
    assert.equal(a.released, true);
    assert.equal(b.released, true);
    await assert.rejects(b.callRemote('ping'), DeadReferenceError);
    a.release(); // nothing to send any more
  });

  test('a reference sent back is (local N): the owner gets its own object', async () => {
    const target = new Target();
    const pair = brokerPair({ root: target });
    const root = await pair.connection.getRootObject();
    const ref = await root.callRemote('getRef');
    assert.equal(await root.callRemote('isSame', ref), true);
    const rootAgain = await root.callRemote('echo', root);
    assert.equal(target.calls.at(-1)[0], target, '(local "root") is the root object');
    assert.ok(rootAgain instanceof RemoteReference, 'the root returned goes out again by reference');
    rootAgain.release();
    ref.release();
    await assertBaseline(pair);
    pair.connection.close();
  });

  test('keyword arguments arrive as a trailing object; none, no extra argument', async () => {
    const target = new Target();
    const pair = brokerPair({ root: target });
    const root = await pair.connection.getRootObject();
    await root.callRemote('echo', 1, kw(new Map([['a', 2], ['__proto__', 3]])));
    await root.callRemote('echo', 1);
    assert.equal(target.calls[0].length, 2);
    assert.equal(target.calls[0][1].a, 2);
    assert.equal(Object.getOwnPropertyDescriptor(target.calls[0][1], '__proto__').value, 3);
    assert.deepEqual(target.calls[1], [1]);
    pair.connection.close();
  });

  test('methods of subclasses and function-valued fields are callable; base and private ones are not', async () => {
    class Base extends Referenceable {
      hello() {
        return 'base';
      }
    }
    class Derived extends Base {
      field = (x) => `field ${x}`;

      _hidden() {
        return 'hidden';
      }
    }
    const pair = brokerPair({ root: new Derived() });
    const root = await pair.connection.getRootObject();
    assert.equal(await root.callRemote('hello'), 'base');
    assert.equal(await root.callRemote('field', 1), 'field 1');
    for (const name of ['_hidden', 'constructor', 'hasOwnProperty', 'field.call']) {
      await assert.rejects(root.callRemote(name), (e) => e.remoteType === 'twisted.spread.flavors.NoSuchMethod', name);
    }
    pair.connection.close();
  });

  test('unknown objects and methods are remote errors; the connection stays', async () => {
    const pair = brokerPair({ root: new Target() });
    const root = await pair.connection.getRootObject();
    await assert.rejects(root.callRemote('constructor'), (e) => e.remoteType === 'twisted.spread.flavors.NoSuchMethod');
    await assert.rejects(root.callRemote('_private'), (e) => e.remoteType === 'twisted.spread.flavors.NoSuchMethod');
    await assert.rejects(root.callRemote('toString'), (e) => e.remoteType === 'twisted.spread.flavors.NoSuchMethod');
    await assert.rejects(pair.client.call(99, 'x', [], true), (e) => e instanceof RemoteError
      && e.message === 'Invalid Object ID' && e.isPbError);
    await assert.rejects(pair.client.call(99, 'x', [], true, 'cachemessage'),
      (e) => e.remoteType === 'builtins.KeyError');
    assert.equal(await root.callRemote('echo', 'ok'), 'ok');
    pair.connection.close();
  });

  test('notifyOnDisconnect runs with the reference; calls after close are DeadReferenceError', async () => {
    const pair = brokerPair({ root: new Target() });
    const root = await pair.connection.getRootObject();
    const ref = await root.callRemote('getRef');
    const told = [];
    ref.notifyOnDisconnect((r) => told.push(r));
    const pending = root.callRemote('slow');
    pair.connection.close();
    await assert.rejects(pending, ConnectionLostError);
    assert.deepEqual(told, [ref]);
    await assert.rejects(ref.callRemote('ping'), DeadReferenceError);
    assert.equal(ref.connected, false);
  });

  test('the failure record a JS method sends is complete, with Python base names last', async () => {
    const pair = brokerPair({ root: new Target() });
    const thrower = new Referenceable({
      got() {
        throw new RangeError('out of range');
      },
    });
    const luid = pair.client.locals.export(thrower);
    const error = await pair.server.call(luid, 'got', [], true).catch((e) => e);
    assert.ok(error instanceof RemoteError);
    assert.equal(error.remoteType, 'RangeError');
    assert.equal(error.message, 'out of range');
    assert.deepEqual([...error.parents], ['RangeError', 'Error', 'builtins.Exception', 'builtins.BaseException',
      'builtins.object']);
    const [record] = (readMessages('banana', pair.clientLink.sent)).filter((m) => m.kind === 'error');
    const failure = record.fields[1];
    assert.ok(failure instanceof CopiedValue);
    assert.equal(failure.typeName, 'twisted.spread.pb.CopyableFailure');
    assert.ok(failure.state.type instanceof Uint8Array, 'type is bytes');
    assert.equal(failure.state.traceback, 'Traceback unavailable\n');
    assert.deepEqual(failure.state.frames, []);
    assert.equal(failure.state.tb, null);
    pair.connection.close();
  });

  test('a one-way call gets no answer, even when it fails', async () => {
    const target = new Target();
    const pair = brokerPair({ root: target });
    await settle();
    const before = pair.serverLink.sent.length;
    const e = new BananaEncoder();
    const msg = (method) => {
      e.beginList(7); e.symbol('message'); e.integer(5); e.bytes(ascii.encode('root')); e.bytes(ascii.encode(method));
      e.integer(0); e.beginList(2); e.symbol('tuple'); e.integer(1); e.beginList(1); e.symbol('dictionary');
      return e.takeMessage();
    };
    pair.serverLink.inject(msg('echo'));
    pair.serverLink.inject(msg('nothing'));
    await settle();
    assert.deepEqual(target.calls, [[1]]);
    assert.equal(pair.serverLink.sent.length, before);
    assert.equal(pair.server.connected, true);
    pair.connection.close();
  });
});

describe('copies and caches', () => {
  test('an unregistered copy in the arguments fails that call with InsecureJelly; the connection stays', async () => {
    const pair = brokerPair({ root: new Target() });
    const root = await pair.connection.getRootObject();
    await assert.rejects(root.callRemote('echo', new Point(1, 2)), (e) => e instanceof RemoteError
      && e.remoteType === 'twisted.spread.jelly.InsecureJelly' && /pbj\.demo\.Point/.test(e.message));
    assert.equal(await root.callRemote('echo', 1), 1);
    pair.connection.close();
  });

  test('an unregistered copy in an answer fails that call with InsecureJellyError', async () => {
    class PointTarget extends Target {
      point() {
        return new Point(1, 2);
      }
    }
    const pair = brokerPair({ root: new PointTarget() });
    const root = await pair.connection.getRootObject();
    await assert.rejects(root.callRemote('point'), (e) => e instanceof InsecureJellyError
      && e.typeName === 'pbj.demo.Point');
    assert.equal(await root.callRemote('echo', 2), 2);
    pair.connection.close();
  });

  test('cache lifecycle: state, observed calls in order, cached, lcache, one decache per token, uncache', async () => {
    const scoreRoot = new ScoreRoot();
    const clientCopies = new CopyRegistry().registerCache('example.Score', ScoreCache);
    const pair = brokerPair({ root: scoreRoot, clientCopies });
    const root = await pair.connection.getRootObject();
    const cache = await root.callRemote('getCache');
    assert.ok(cache instanceof ScoreCache);
    assert.equal(cache.value, 10);
    const seen = [];
    cache.on('setValue', (n) => seen.push(n));
    assert.equal(await root.callRemote('bump', 42), 42);
    assert.equal(cache.value, 42);
    assert.deepEqual(seen, [42]);
    const [c1, c2] = await root.callRemote('getCacheTwice');
    assert.equal(c1, cache);
    assert.equal(c2, cache);
    assert.equal(await root.callRemote('isSameCache', cache), true);
    assert.equal(pair.server.stats().cachesObserved, 1);
    const before = pair.clientLink.sent.length;
    cache.release();
    const decaches = (readMessages('banana', pair.clientLink.sent.slice(before))).filter((m) => m.kind === 'decache');
    assert.equal(decaches.length, 3);
    await settle();
    assert.equal(scoreRoot.score.stopped, 1);
    await assertBaseline(pair);
    pair.connection.close();
  });

  test('observers stop when the connection drops', async () => {
    const scoreRoot = new ScoreRoot();
    const clientCopies = new CopyRegistry().registerCache('example.Score', ScoreCache);
    const pair = brokerPair({ root: scoreRoot, clientCopies });
    const root = await pair.connection.getRootObject();
    await root.callRemote('getCache');
    const [observer] = scoreRoot.score.observers;
    pair.connection.close();
    await settle();
    assert.equal(scoreRoot.score.stopped, 1);
    await assert.rejects(observer.callRemote('setValue', 1), DeadReferenceError);
  });

  test('a cache of an unregistered type is refused with InsecureJellyError', async () => {
    const pair = brokerPair({ root: new ScoreRoot() });
    const root = await pair.connection.getRootObject();
    await assert.rejects(root.callRemote('getCache'), (e) => e instanceof InsecureJellyError
      && e.typeName === 'example.Score');
    pair.connection.close();
  });
});

describe('limits and protocol violations', () => {
  test('a value over a sending limit fails only that call, sends nothing and takes back its exports', async () => {
    const pair = brokerPair({ root: new Target(), limits: { maxStringLength: 100 } });
    const root = await pair.connection.getRootObject();
    await settle();
    const before = pair.clientLink.sent.length;
    await assert.rejects(root.callRemote('echo', new Referenceable({}), 'x'.repeat(101)),
      (e) => e instanceof LimitExceededError && e.limitName === 'maxStringLength');
    assert.equal(pair.clientLink.sent.length, before);
    assert.equal(pair.client.stats().localObjects, 0, 'the export was rolled back');
    assert.equal(await root.callRemote('echo', 'x'.repeat(100)), 'x'.repeat(100));
    await assertBaseline(pair);
    pair.connection.close();
  });

  const violations = {
    'an unknown message kind': (e) => { e.beginList(2); e.bytes(ascii.encode('frobnicate')); e.integer(1); },
    'version 7': (e) => { e.beginList(2); e.symbol('version'); e.integer(7); },
    'an answer nobody waits for': (e) => { e.beginList(3); e.symbol('answer'); e.integer(77); e.integer(1); },
    'a decref of an unknown object': (e) => { e.beginList(2); e.symbol('decref'); e.integer(5); },
    'an uncache of an unknown cache': (e) => { e.beginList(2); e.symbol('uncache'); e.integer(5); },
    'a message that is not a list': (e) => { e.integer(1); },
    'a wrong field count': (e) => { e.beginList(2); e.symbol('answer'); e.integer(1); },
    'a frame that ends inside a message': (e) => { e.beginList(3); e.symbol('answer'); e.integer(1); },
  };
  for (const [name, write] of Object.entries(violations)) {
    test(`${name} closes the connection and fails pending calls`, async () => {
      const pair = brokerPair({ root: new Target() });
      const root = await pair.connection.getRootObject();
      const pending = root.callRemote('slow');
      await settle();
      const e = new BananaEncoder();
      write(e);
      pair.clientLink.inject(e.takeMessage());
      await assert.rejects(pending, (err) => err instanceof ConnectionLostError && err.cause instanceof ProtocolError);
      assert.equal(pair.client.connected, false);
    });
  }

  test('a string over maxStringLength on receipt closes the connection with the limit named', async () => {
    const pair = brokerPair({ root: new Target(), limits: { maxStringLength: 10 }, serverLimits: {} });
    const root = await pair.connection.getRootObject();
    assert.deepEqual(await root.callRemote('echo', new Uint8Array(10)), new Uint8Array(10));
    const raw = new BananaEncoder();
    raw.beginList(3); raw.symbol('answer'); raw.integer(99); raw.bytes(new Uint8Array(11));
    const pending = root.callRemote('slow');
    pair.clientLink.inject(raw.takeMessage());
    await assert.rejects(pending, (err) => err instanceof ConnectionLostError && err.cause instanceof LimitExceededError
      && err.cause.limitName === 'maxStringLength');
  });

  test('a msgpack frame over maxMessageLength closes the connection', async () => {
    const pair = brokerPair({ serializer: 'msgpack', root: new Target(), limits: { maxMessageLength: 64 } });
    const root = await pair.connection.getRootObject();
    const pending = root.callRemote('slow');
    const e = new MsgpackEncoder();
    e.beginList(3); e.symbol('answer'); e.integer(99); e.bytes(new Uint8Array(100));
    pair.clientLink.inject(e.takeMessage());
    await assert.rejects(pending, (err) => err.cause instanceof LimitExceededError
      && err.cause.limitName === 'maxMessageLength');
  });

  test('a deeply nested value within the limits travels; one past maxDepth is refused on send', async () => {
    const pair = brokerPair({ root: new Target(), limits: { maxDepth: 50 } });
    const root = await pair.connection.getRootObject();
    let ok = [];
    for (let i = 0; i < 40; i++) ok = [ok];
    assert.deepEqual(await root.callRemote('echo', ok), ok);
    let deep = [];
    for (let i = 0; i < 60; i++) deep = [deep];
    await assert.rejects(root.callRemote('echo', deep), LimitExceededError);
    assert.equal(pair.client.connected, true);
    pair.connection.close();
  });

  test('a peer over maxLocalObjects fails the call that would export one more', async () => {
    const pair = brokerPair({ root: new Target(), limits: { maxLocalObjects: 2 } });
    const root = await pair.connection.getRootObject();
    const objects = [new Referenceable({}), new Referenceable({})];
    await root.callRemote('echo', objects);
    await assert.rejects(root.callRemote('echo', new Referenceable({})), (e) => e.limitName === 'maxLocalObjects');
    pair.connection.close();
  });

  test('tuples of references keep one luid per object, count each token and give a handle per token', async () => {
    const pair = brokerPair({ root: new Target() });
    const root = await pair.connection.getRootObject();
    const mine = new Referenceable({ ping: () => 'mine' });
    const back = await root.callRemote('echo', tuple(mine, mine));
    assert.equal(back[0], mine);
    assert.equal(back[1], mine);
    const held = pair.server.localObject('root').calls.at(-1)[0];
    assert.notEqual(held[0], held[1], 'a handle per token on the receiving side');
    assert.ok(held[0].equals(held[1]), 'of one remote object');
    assert.equal(pair.server.stats().remoteReferences, 1);
    assert.equal(pair.client.stats().localObjects, 1);
    held[0].release();
    await settle();
    assert.equal(pair.client.stats().localObjects, 1, 'the other handle still holds the object');
    held[1].release();
    await assertBaseline(pair);
    pair.connection.close();
  });

  test('received references are RemoteReferences with a readable toString', async () => {
    const pair = brokerPair({ root: new Target() });
    const root = await pair.connection.getRootObject();
    const ref = await root.callRemote('getRef');
    assert.ok(ref instanceof RemoteReference);
    assert.match(String(ref), /RemoteReference\(\d+\)/);
    assert.equal(String(root), 'RemoteReference(root)');
    ref.release();
    root.release(); // the root is never refcounted: nothing is sent
    assert.equal(await root.callRemote('echo', 3), 3);
    pair.connection.close();
  });
});

if (typeof globalThis.gc === 'function') {
  /** Collects garbage until `done()`, for up to five seconds. */
  async function collectUntil(done) {
    const deadline = Date.now() + 5000;
    while (!done() && Date.now() < deadline) {
      globalThis.gc();
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  test('an unreachable reference is released by the garbage collector', async () => {
    const pair = brokerPair({ root: new Target() });
    const root = await pair.connection.getRootObject();
    await (async () => {
      await root.callRemote('getRef');
    })();
    assert.equal(pair.server.stats().localObjects, 1);
    await collectUntil(() => pair.server.stats().localObjects === 0);
    assert.equal(pair.server.stats().localObjects, 0);
    pair.connection.close();
  });

  test('an unreachable handle is released by the garbage collector; the decrefs wait for the last handle', async () => {
    const pair = brokerPair({ root: new Target() });
    const root = await pair.connection.getRootObject();
    await (async () => {
      await root.callRemote('getRef'); // a handle nobody keeps
    })();
    const kept = await root.callRemote('getRef');
    await settle();
    const before = pair.clientLink.sent.length;
    kept.release(); // the unreachable handle still holds the entry, unless it was already collected
    await collectUntil(() => pair.server.stats().localObjects === 0);
    assert.equal(pair.server.stats().localObjects, 0, 'the collected handle was the last one');
    const decrefs = readMessages('banana', pair.clientLink.sent.slice(before)).filter((m) => m.kind === 'decref');
    assert.equal(decrefs.length, 2, 'one decref per token, both handles counted');
    assert.equal(pair.client.stats().remoteReferences, 0);
    pair.connection.close();
  });
}
