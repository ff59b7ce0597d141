// The behaviour suite of the demo contract, run against every server: the in-memory JS peer, a JS server over
// WebSocket, and the Java `pbj serve --ws`. `open({ serializer, copies })` resolves to
// `{ connection, kill() }`, kill() dropping the server's end abruptly.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  ConnectionLostError, DeadReferenceError, Decimal, FrozenSet, InsecureJellyError, kw, Referenceable, RemoteError,
  RemoteReference, TimeValue, tuple, Tuple, UnauthorizedLoginError,
} from '../../src/index.js';
import { CopyRegistry } from '../../src/copies.js';
import { demoClientCopies, Point, RoomCache } from './demo.js';

const TIMEOUT = 10000;

function within(promise, what, ms = TIMEOUT) {
  let timer;
  return Promise.race([
    promise,
    new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

/** Resolves once `check()` is true, polling; fails after the timeout. */
export async function eventually(check, what) {
  const deadline = Date.now() + TIMEOUT;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`${what}: not reached within ${TIMEOUT} ms`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** Values `echo` must return unchanged, by name. */
export function echoValues() {
  const shared = [1, 2];
  const cycle = ['self'];
  cycle.push(cycle);
  const selfDict = { name: 'd' };
  selfDict.me = selfDict;
  return {
    None: null,
    'True': true,
    'False': false,
    'small int': 42,
    'negative int': -7,
    'int beyond 32 bits': 2 ** 40,
    'int beyond 64 bits (bigint)': 2n ** 70n,
    'negative bigint': -(2n ** 100n) - 1n,
    float: 2.5,
    'negative float': -1.25,
    infinity: Infinity,
    text: 'hé 😀 日本',
    'empty text': '',
    'text that is a vocabulary word': 'copy',
    bytes: new Uint8Array([0, 1, 2, 255]),
    'empty bytes': new Uint8Array(0),
    list: [1, 'a', [true, null]],
    'empty list': [],
    tuple: tuple(1, 'a', tuple()),
    'dict with text keys': { a: 1, b: [2, 3], 'key with spaces': 'v' },
    'dict with int keys (Map)': new Map([[1, 'one'], [2, 'two']]),
    set: new Set([1, 2, 3]),
    frozenset: new FrozenSet(['x', 'y']),
    decimal: new Decimal(995n, -2),
    datetime: new TimeValue('datetime', [2020, 7, 11, 1, 16, 5, 344]),
    date: new TimeValue('date', [2020, 7, 11]),
    'nested containers': { list: [tuple(1, 2), new Set(['s'])], map: new Map([[tuple(1, 2), 'pair']]) },
    'shared list': [shared, shared],
    'cyclic list': cycle,
    'cyclic dict': selfDict,
  };
}

export function defineScenarios(label, open, { board = false } = {}) {
  describe(label, () => {
    for (const serializer of ['banana', 'msgpack']) {
      describe(serializer, () => {
        const session = async (copies = demoClientCopies()) => open({ serializer, copies });

        test('echo returns every value type unchanged', async () => {
          const { connection } = await session();
          try {
            const root = await connection.getRootObject();
            for (const [name, value] of Object.entries(echoValues())) {
              const back = await within(root.callRemote('echo', value), name);
              assert.deepEqual(back, value, name);
            }
            const values = echoValues();
            const shared = await root.callRemote('echo', values['shared list']);
            assert.equal(shared[0], shared[1], 'sharing survives');
            const cycle = await root.callRemote('echo', values['cyclic list']);
            assert.equal(cycle[1], cycle, 'a cycle survives');
            const dict = await root.callRemote('echo', values['cyclic dict']);
            assert.equal(dict.me, dict, 'a cyclic dict survives');
            assert.ok((await root.callRemote('echo', tuple(1))) instanceof Tuple);
            assert.equal(typeof (await root.callRemote('echo', 2n ** 64n)), 'bigint');
          } finally {
            connection.close();
          }
        });

        test('add adds ints of any size and floats', async () => {
          const { connection } = await session();
          try {
            const root = await connection.getRootObject();
            assert.equal(await root.callRemote('add', 1, 2), 3);
            assert.equal(await root.callRemote('add', 2n ** 64n, 1), 2n ** 64n + 1n);
            assert.equal(await root.callRemote('add', 1.5, 2.25), 3.75);
            assert.equal(await root.callRemote('add', Number.MAX_SAFE_INTEGER, 1), 2n ** 53n);
          } finally {
            connection.close();
          }
        });

        test('fail raises pb.Error; crash a remote error of another type', async () => {
          const { connection } = await session();
          try {
            const root = await connection.getRootObject();
            await assert.rejects(root.callRemote('fail', 'nope'), (e) => e instanceof RemoteError
              && e.remoteType === 'twisted.spread.pb.Error' && e.message === 'nope' && e.isPbError
              && e.isA('builtins.Exception') && e.remoteTraceback === 'Traceback unavailable\n');
            await assert.rejects(root.callRemote('crash'), (e) => e instanceof RemoteError && !e.isPbError
              && e.remoteType !== 'unknown');
            await assert.rejects(root.callRemote('no_such_method'), (e) => e instanceof RemoteError
              && e.remoteType === 'twisted.spread.flavors.NoSuchMethod');
            assert.equal(await root.callRemote('echo', 'still usable'), 'still usable');
          } finally {
            connection.close();
          }
        });

        test('the server calls back into a JS Referenceable', async () => {
          const { connection } = await session();
          try {
            const root = await connection.getRootObject();
            const seen = [];
            const listener = new Referenceable({
              got(x) {
                seen.push(x);
                return `got ${x}`;
              },
            });
            assert.equal(await root.callRemote('callback', listener, 'hi'), 'got hi');
            assert.deepEqual(seen, ['hi']);
            class Doubler extends Referenceable {
              async got(x) {
                return x * 2;
              }
            }
            assert.equal(await root.callRemote('callback', new Doubler(), 21), 42);
            const failing = new Referenceable({
              got() {
                throw new TypeError('bad input');
              },
            });
            await assert.rejects(root.callRemote('callback', failing, 1), (e) => e instanceof RemoteError
              && e.remoteType === 'TypeError' && e.message === 'bad input');
            await eventually(() => connection.stats().localObjects === 0, 'the server released our objects');
          } finally {
            connection.close();
          }
        });

        test('counter with keyword arguments, then release', async () => {
          const { connection } = await session();
          try {
            const root = await connection.getRootObject();
            const counter = await root.callRemote('counter', kw({ start: 5 }));
            assert.ok(counter instanceof RemoteReference);
            assert.equal(await counter.callRemote('increment'), 6);
            assert.equal(await counter.callRemote('increment', 2), 8);
            assert.equal(await counter.callRemote('increment', kw({ n: 3 })), 11);
            assert.equal(await counter.callRemote('value'), 11);
            const fresh = await root.callRemote('counter');
            assert.equal(await fresh.callRemote('value'), 0);
            assert.equal(connection.stats().remoteReferences, 2);
            counter.release();
            fresh.release();
            assert.equal(connection.stats().remoteReferences, 0);
            await assert.rejects(counter.callRemote('value'), DeadReferenceError);
          } finally {
            connection.close();
          }
        });

        test('point arrives as a registered copy; unregistered it fails only that call', async () => {
          const { connection } = await session();
          try {
            const root = await connection.getRootObject();
            const p = await root.callRemote('point', 3, 4);
            assert.ok(p instanceof Point);
            assert.deepEqual([p.x, p.y], [3, 4]);
            assert.deepEqual(await root.callRemote('accept_point', new Point(1, 2)), [1, 2]);
          } finally {
            connection.close();
          }
          const bare = await session(new CopyRegistry());
          try {
            const root = await bare.connection.getRootObject();
            await assert.rejects(root.callRemote('point', 1, 2), (e) => e instanceof InsecureJellyError
              && e.typeName === 'pbj.demo.Point');
            assert.equal(await root.callRemote('echo', 'after'), 'after', 'the connection stays usable');
          } finally {
            bare.connection.close();
          }
        });

        test('the room cache receives said when say is called, and is released', async () => {
          const { connection } = await session();
          try {
            const root = await connection.getRootObject();
            const room = await root.callRemote('room');
            assert.ok(room instanceof RoomCache);
            assert.equal(room.typeName, 'pbj.demo.Room');
            assert.equal(typeof room.topic, 'string');
            const before = room.messages.length;
            const heard = [];
            const events = [];
            room.on('said', (text) => heard.push(text));
            room.addEventListener('said', (event) => events.push(event.detail));
            const text = `hello from ${serializer} ${Math.random()}`;
            await root.callRemote('say', text);
            await eventually(() => heard.includes(text), 'said(text) reached the cache');
            assert.deepEqual(events.slice(-1), [text]);
            assert.equal(room.messages.length, before + 1);
            assert.equal(room.messages[room.messages.length - 1], text);
            assert.equal(await root.callRemote('room'), room, 'the same cache again is the same object');
            room.release();
            await eventually(() => connection.stats().remoteCaches === 0, 'the owner uncached the room');
          } finally {
            connection.close();
          }
        });

        test('login alice: whoami, shout', async () => {
          const { connection } = await session();
          try {
            const avatar = await connection.login('alice', 'wonderland');
            assert.equal(await avatar.callRemote('whoami'), 'alice');
            assert.equal(await avatar.callRemote('shout', 'hi'), 'alice: hi');
            if (board) {
              const shared = await avatar.callRemote('board');
              assert.equal(await shared.callRemote('post', 'news'), 'alice posted news');
              shared.release();
            }
          } finally {
            connection.close();
          }
        });

        test('a wrong password is UnauthorizedLoginError and the connection stays usable', async () => {
          const { connection } = await session();
          try {
            await assert.rejects(connection.login('alice', 'guess'), (e) => e instanceof UnauthorizedLoginError
              && e.remoteType === 'twisted.cred.error.UnauthorizedLogin' && e.isA('twisted.cred.error.LoginFailed'));
            const avatar = await connection.login('bob', 'builder');
            assert.equal(await avatar.callRemote('whoami'), 'bob');
          } finally {
            connection.close();
          }
        });

        test('anonymous login', async () => {
          const { connection } = await session();
          try {
            const avatar = await connection.loginAnonymous();
            assert.equal(await avatar.callRemote('whoami'), 'anonymous');
          } finally {
            connection.close();
          }
        });

        test('pending calls reject with ConnectionLostError when the server goes away', async () => {
          const { connection, kill } = await session();
          const root = await connection.getRootObject();
          let called;
          const reached = new Promise((resolve) => {
            called = resolve;
          });
          const never = new Referenceable({
            got() {
              called();
              return new Promise(() => {});
            },
          });
          const pending = root.callRemote('callback', never, 'wait');
          const outcome = pending.then(() => new Error('answered'), (e) => e);
          await within(reached, 'the server called back');
          let cause = 'not called';
          connection.onDisconnect((c) => {
            cause = c;
          });
          await kill();
          const error = await within(outcome, 'the pending call');
          assert.ok(error instanceof ConnectionLostError, String(error));
          await within(connection.closed, 'closed');
          assert.notEqual(cause, 'not called');
          assert.equal(connection.connected, false);
          await assert.rejects(root.callRemote('echo', 1), DeadReferenceError);
        });
      });
    }
  });
}
