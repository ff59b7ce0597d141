// Deadlines, cancellation and ping (docs/extensions.md) over the in-memory pipe and through connect() over a fake
// socket: the messages each side writes and their order, the subprotocol negotiation, late answers, the callee's
// side (a cancelled call is not answered, an expired one never runs) and what a connection without the
// extensions does (nothing extension-y on the wire; receiving one is a protocol error). Every test that leaves
// its connection open checks that both sides' tables and the process's timers are back where they were.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { getEventListeners } from 'node:events';
import { BananaDecoder, BananaEncoder } from '../../src/banana.js';
import { CopyRegistry } from '../../src/copies.js';
import {
  connect, ConnectionLostError, DeadlineExceededError, DeadReferenceError, ProtocolError, Referenceable,
} from '../../src/index.js';
import { MessageReader } from '../../src/messages.js';
import { MsgpackDecoder, MsgpackEncoder } from '../../src/msgpack.js';
import { Unjellier } from '../../src/unjellier.js';
import { fakeWebSocket } from '../support/fake-websocket.js';
import { brokerPair, settle } from '../support/pipe.js';

const BASELINE = {
  localObjects: 0, remoteReferences: 0, pendingCalls: 0, callsRunning: 0, cachesObserved: 0, remoteCaches: 0,
};
const EXTENSION_KINDS = new Set(['deadline', 'cancel', 'ping', 'pong']);
const utf8 = new TextDecoder();

/** The `Timeout`s keeping the event loop alive: a call's timer must be gone once it settles. */
const timers = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;

/** Resolves once `check()` is true, polling; fails after two seconds. */
async function until(check, what) {
  const deadline = Date.now() + 2000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`${what}: not reached within 2 s`);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

/** Frames (of either serializer) as `[kind, ...fields]`, method names and object ids as text; extensions known. */
function decode(frames, serializer = 'banana') {
  const messages = [];
  const reader = new MessageReader(new Unjellier({ registry: new CopyRegistry() }),
    (m) => messages.push([m.kind, ...m.fields.map((f) => (f instanceof Uint8Array ? utf8.decode(f) : f))]), true);
  const decoder = serializer === 'banana' ? new BananaDecoder({ sink: reader }) : new MsgpackDecoder({ sink: reader });
  for (const frame of frames) decoder.feed(frame);
  return messages;
}

/** One frame holding `(word ...integers)`, in banana or (`frameIn('msgpack', …)`) MessagePack. */
function frame(word, ...integers) {
  return frameIn('banana', word, ...integers);
}

function frameIn(serializer, word, ...integers) {
  const e = serializer === 'banana' ? new BananaEncoder({ dialect: 'pb' }) : new MsgpackEncoder();
  e.beginList(1 + integers.length);
  e.symbol(word);
  for (const n of integers) e.integer(n);
  e.endList();
  return e.takeMessage();
}

/**
 * A root whose `hold(name)` answers with a Promise the test settles: `held.get(name)(value)` resolves it. `echo`
 * answers at once and records what it ran.
 */
class Root extends Referenceable {
  constructor() {
    super();
    this.held = new Map();
    this.ran = [];
  }

  echo(x) {
    this.ran.push(x);
    return x;
  }

  hold(name) {
    this.ran.push(name);
    return new Promise((resolve) => this.held.set(name, resolve));
  }

  getChild() {
    return new Referenceable({ echo: (x) => x, hold: () => new Promise(() => {}) });
  }
}

/** A pipe pair serving a Root; `sent()` decodes what the client has written since the last call of it. */
async function pair(options = {}) {
  const root = new Root();
  const p = brokerPair({ root, ...options });
  const ref = await p.connection.getRootObject();
  await settle();
  let seen = p.clientLink.sent.length;
  let seenByServer = p.serverLink.sent.length;
  return {
    ...p,
    root,
    ref,
    sent() {
      const frames = p.clientLink.sent.slice(seen);
      seen = p.clientLink.sent.length;
      return decode(frames, options.serializer);
    },
    answered() {
      const frames = p.serverLink.sent.slice(seenByServer);
      seenByServer = p.serverLink.sent.length;
      return decode(frames, options.serializer);
    },
  };
}

async function assertBaseline(p, timersBefore) {
  await settle();
  assert.deepEqual({ ...p.client.stats() }, BASELINE, 'client tables back to baseline');
  assert.deepEqual({ ...p.server.stats() }, BASELINE, 'server tables back to baseline');
  if (timersBefore !== undefined) assert.equal(timers(), timersBefore, 'no timer left behind');
}

describe('deadlines with the extensions on', () => {
  for (const serializer of ['banana', 'msgpack']) {
    test(`${serializer}: a call with a timeout goes right after its deadline, and its timer goes with the answer`,
      async () => {
        const p = await pair({ serializer, extensions: true });
        const before = timers();
        assert.equal(await p.ref.callRemoteWith({ timeout: 5000 }, 'echo', 'hi'), 'hi');
        const [deadline, call, ...rest] = p.sent();
        assert.deepEqual(rest, []);
        assert.equal(deadline[0], 'deadline');
        assert.equal(deadline[1], call[1], 'the deadline names the call that follows it');
        assert.ok(deadline[2] > 4900 && deadline[2] <= 5000, `ms ${deadline[2]}: what is left of 5000`);
        assert.deepEqual(call.slice(0, 5), ['message', deadline[1], 'root', 'echo', 1]);
        await assertBaseline(p, before);
        p.connection.close();
      });
  }

  test('a call not answered in time rejects with DeadlineExceededError and is cancelled; a late answer is dropped',
    async () => {
      const p = await pair({ extensions: true });
      const before = timers();
      const started = performance.now();
      const error = await p.ref.callRemoteWith({ timeout: 30 }, 'hold', 'a').then(() => null, (e) => e);
      assert.ok(error instanceof DeadlineExceededError, String(error));
      assert.equal(error.deadline, 30);
      assert.match(error.message, /hold .*30 ms/);
      assert.ok(performance.now() - started >= 29, 'not before its time');
      assert.equal(p.client.stats().pendingCalls, 0, 'the pending entry is gone at once');
      const sent = p.sent();
      assert.deepEqual(sent.map((m) => m[0]), ['deadline', 'message', 'cancel']);
      assert.equal(sent[2][1], sent[1][1], 'the cancel names the call');
      await until(() => p.server.stats().callsRunning === 0, 'the server forgot the call');
      p.root.held.get('a')('too late');
      await settle();
      assert.deepEqual(p.answered(), [], 'a cancelled call is not answered');
      assert.equal(await p.ref.callRemote('echo', 'still'), 'still');
      await assertBaseline(p, before);
      p.connection.close();
    });

  test('withDeadline gives each call through the view a deadline; the view shares the handle', async () => {
    const p = await pair({ extensions: true });
    const child = await p.ref.callRemote('getChild');
    p.sent();
    const view = child.withDeadline(2000);
    assert.ok(view.equals(child) && view.key === child.key);
    assert.equal(await view.callRemote('echo', 1), 1);
    assert.deepEqual(p.sent().map((m) => m[0]), ['deadline', 'message']);
    assert.equal(await child.callRemote('echo', 2), 2, 'the handle it came from has no deadline');
    assert.deepEqual(p.sent().map((m) => m[0]), ['message']);
    assert.equal(await view.withDeadline(Infinity).callRemote('echo', 3), 3, 'a view of a view replaces it');
    assert.deepEqual(p.sent().map((m) => m[0]), ['message']);
    await assert.rejects(view.callRemoteWith({ timeout: 10 }, 'hold', 'v'), DeadlineExceededError,
      'a per-call timeout beats the view\'s');
    view.release();
    assert.equal(child.released, true, 'releasing the view releases the handle');
    await assert.rejects(child.callRemote('echo', 4), DeadReferenceError);
    await assertBaseline(p);
    p.connection.close();
  });

  test('callTimeout is the default of every call; Infinity on a view or a call opts out', async () => {
    const p = await pair({ extensions: true, callTimeout: 20 });
    await assert.rejects(p.ref.callRemote('hold', 'x'), (e) => e instanceof DeadlineExceededError && e.deadline === 20);
    p.sent();
    const answer = p.ref.withDeadline(Infinity).callRemote('hold', 'y');
    const direct = p.ref.callRemoteWith({ timeout: Infinity }, 'hold', 'z');
    assert.deepEqual(p.sent().map((m) => m[0]), ['message', 'message'], 'no deadline for either');
    await until(() => p.root.held.has('z'), 'both calls arrived');
    p.root.held.get('y')('Y');
    p.root.held.get('z')('Z');
    assert.deepEqual([await answer, await direct], ['Y', 'Z']);
    await assertBaseline(p);
    p.connection.close();
  });

  test('closing the connection fails a call with a timeout and leaves no timer', async () => {
    const p = await pair({ extensions: true });
    const before = timers();
    const waiting = p.ref.callRemoteWith({ timeout: 60000 }, 'hold', 'c');
    assert.equal(timers(), before + 1);
    p.connection.close();
    await assert.rejects(waiting, ConnectionLostError);
    await settle();
    assert.equal(timers(), before);
  });
});

describe('abort signals', () => {
  test('aborting rejects with the signal\'s reason (an AbortError by default) and sends cancel after the call',
    async () => {
      const p = await pair({ extensions: true });
      const controller = new AbortController();
      const waiting = p.ref.callRemoteWith({ signal: controller.signal }, 'hold', 'a');
      assert.equal(getEventListeners(controller.signal, 'abort').length, 1);
      await until(() => p.server.stats().callsRunning === 1, 'the call runs');
      controller.abort();
      await assert.rejects(waiting, (e) => e.name === 'AbortError' && e === controller.signal.reason);
      assert.equal(getEventListeners(controller.signal, 'abort').length, 0, 'the listener is gone');
      const sent = p.sent();
      assert.deepEqual(sent.map((m) => m[0]), ['message', 'cancel'], 'no deadline without a timeout');
      assert.equal(sent[1][1], sent[0][1]);
      await until(() => p.server.stats().callsRunning === 0, 'the server cancelled it');
      p.root.held.get('a')('late');
      await settle();
      assert.deepEqual(p.answered(), [], 'a cancelled call is not answered');
      await assertBaseline(p);
      p.connection.close();
    });

  test('a reason given to abort() is what the call rejects with', async () => {
    const p = await pair({ extensions: true });
    const controller = new AbortController();
    const waiting = p.ref.callRemoteWith({ signal: controller.signal, timeout: 60000 }, 'hold', 'b');
    const reason = new Error('the user left');
    controller.abort(reason);
    await assert.rejects(waiting, (e) => e === reason);
    assert.deepEqual(p.sent().map((m) => m[0]), ['deadline', 'message', 'cancel']);
    await assertBaseline(p);
    p.connection.close();
  });

  test('a signal already aborted rejects at once and sends nothing', async () => {
    const p = await pair({ extensions: true });
    const reason = new Error('gone already');
    await assert.rejects(p.ref.callRemoteWith({ signal: AbortSignal.abort(reason) }, 'echo', 1), (e) => e === reason);
    await assert.rejects(p.ref.callRemoteWith({ signal: AbortSignal.abort() }, 'echo', 1),
      (e) => e.name === 'AbortError');
    await settle();
    assert.deepEqual(p.sent(), []);
    assert.deepEqual(p.root.ran, []);
    await assertBaseline(p);
    p.connection.close();
  });

  test('a signal that never aborts leaves no listener once the call is answered', async () => {
    const p = await pair({ extensions: true });
    const { signal } = new AbortController();
    assert.equal(await p.ref.callRemoteWith({ signal }, 'echo', 1), 1);
    assert.equal(getEventListeners(signal, 'abort').length, 0);
    p.connection.close();
  });
});

describe('without the extensions (a plain subprotocol)', () => {
  test('timeouts and signals settle calls here, nothing extension-y is written, and a late answer is dropped',
    async () => {
      const p = await pair({ extensions: false });
      const before = timers();
      await assert.rejects(p.ref.callRemoteWith({ timeout: 20 }, 'hold', 'a'), DeadlineExceededError);
      const controller = new AbortController();
      const aborted = p.ref.callRemoteWith({ signal: controller.signal }, 'hold', 'b');
      controller.abort();
      await assert.rejects(aborted, { name: 'AbortError' });
      await assert.rejects(p.ref.withDeadline(15).callRemote('hold', 'c'), DeadlineExceededError);
      assert.deepEqual(p.sent().map((m) => m[0]), ['message', 'message', 'message']);
      await until(() => p.root.held.size === 3, 'the server got all three');
      for (const resolve of p.root.held.values()) resolve('late');
      await settle();
      assert.deepEqual(p.answered().map((m) => m[0]), ['answer', 'answer', 'answer'], 'the server answered');
      assert.equal(p.client.connected, true, 'late answers are dropped, not a protocol error');
      assert.equal(await p.ref.callRemote('echo', 'after'), 'after');
      await assertBaseline(p, before);
      p.connection.close();
    });

  for (const [name, bytes] of [['deadline', frame('deadline', 1, 100)], ['cancel', frame('cancel', 1)],
    ['ping', frame('ping', 1)], ['pong', frame('pong', 1)]]) {
    test(`receiving ${name} is a protocol error, as any unknown command`, async () => {
      const p = await pair({ extensions: false });
      const pending = p.ref.callRemote('hold', 'x');
      p.clientLink.inject(bytes);
      await assert.rejects(pending, (e) => e instanceof ConnectionLostError && e.cause instanceof ProtocolError
        && e.cause.message.includes(`unknown message kind '${name}'`));
    });
  }
});

describe('the peer\'s extension messages', () => {
  test('a ping is answered at once with a pong of the same number; a pong is ignored', async () => {
    const p = await pair({ extensions: true });
    p.clientLink.inject(frame('ping', 7));
    p.clientLink.inject(frame('ping', 2 ** 40));
    p.clientLink.inject(frame('pong', 3));
    await settle();
    assert.deepEqual(p.sent(), [['pong', 7], ['pong', 2 ** 40]]);
    assert.equal(p.client.connected, true);
    p.connection.close();
  });

  test('a cancel or a deadline for nothing known is ignored', async () => {
    const p = await pair({ extensions: true });
    p.clientLink.inject(frame('cancel', 99));
    p.clientLink.inject(frame('deadline', 98, 5));
    await settle();
    assert.equal(await p.ref.callRemote('echo', 'fine'), 'fine');
    await assertBaseline(p);
    p.connection.close();
  });

  test('a negative deadline breaks the protocol', async () => {
    const p = await pair({ extensions: true });
    const pending = p.ref.callRemote('hold', 'x');
    p.clientLink.inject(frame('deadline', 1, -1));
    await assert.rejects(pending, (e) => e.cause instanceof ProtocolError && /deadline/.test(e.cause.message));
  });

  test('a call whose deadline is 0 on arrival never runs; a deadline for another request is dropped', async () => {
    const p = await pair({ extensions: true });
    p.client.send((out) => {
      out.beginList(3); out.symbol('deadline'); out.integer(1000); out.integer(0); out.endList();
    });
    assert.equal(await p.ref.callRemote('echo', 'runs'), 'runs', 'the deadline was for request 1000');
    const [, call] = p.sent();
    const next = call[1] + 1;
    p.client.send((out) => {
      out.beginList(3); out.symbol('deadline'); out.integer(next); out.integer(0); out.endList();
    });
    const controller = new AbortController();
    const never = p.ref.callRemoteWith({ signal: controller.signal }, 'echo', 'never');
    await settle();
    assert.deepEqual(p.root.ran, ['runs'], 'the expired call did not run');
    assert.deepEqual(p.answered().map((m) => m[0]), ['answer'], 'and was not answered');
    controller.abort();
    await assert.rejects(never, { name: 'AbortError' });
    await assertBaseline(p);
    p.connection.close();
  });

  test('a call whose deadline passes while its Promise is pending is not answered', async () => {
    const p = await pair({ extensions: true });
    await p.ref.callRemote('echo', 'first');
    const [call] = p.sent();
    p.client.send((out) => {
      out.beginList(3); out.symbol('deadline'); out.integer(call[1] + 1); out.integer(20); out.endList();
    });
    const controller = new AbortController();
    const waiting = p.ref.callRemoteWith({ signal: controller.signal }, 'hold', 'h');
    await until(() => p.root.held.has('h'), 'the call runs');
    assert.equal(p.server.stats().callsRunning, 1);
    await until(() => p.server.stats().callsRunning === 0, 'its deadline passed on the server');
    p.root.held.get('h')('late');
    await settle();
    assert.deepEqual(p.answered().filter((m) => m[0] === 'answer' && m[1] === call[1] + 1), []);
    controller.abort();
    await assert.rejects(waiting, { name: 'AbortError' });
    await assertBaseline(p);
    p.connection.close();
  });
});

describe('options are checked', () => {
  test('a timeout that is not milliseconds above 0, a signal that is not one, an unknown option', async () => {
    const p = await pair({ extensions: true });
    for (const timeout of [0, -1, NaN, '5', 2 ** 31, -Infinity]) {
      await assert.rejects(p.ref.callRemoteWith({ timeout }, 'echo', 1), RangeError, String(timeout));
    }
    await assert.rejects(p.ref.callRemoteWith({ signal: {} }, 'echo', 1), TypeError);
    await assert.rejects(p.ref.callRemoteWith({ timout: 5 }, 'echo', 1), /unknown call option 'timout'/);
    await assert.rejects(p.ref.callRemoteWith(null, 'echo', 1), TypeError);
    for (const timeout of [0, -5, undefined, 'soon']) {
      assert.throws(() => p.ref.withDeadline(timeout), RangeError, String(timeout));
    }
    await settle();
    assert.deepEqual(p.sent(), [], 'nothing was sent');
    assert.throws(() => brokerPair({ callTimeout: 0 }), /callTimeout: 0/);
    const { WebSocket } = fakeWebSocket(null);
    await assert.rejects(connect('ws://fake/pb', { WebSocket, callTimeout: -1 }), /callTimeout: -1/);
    await assert.rejects(connect('ws://fake/pb', { WebSocket, extensions: 'yes' }), /extensions/);
    p.connection.close();
  });
});

describe('negotiation through connect()', () => {
  /** A connection over a fake socket to a Root; `sent()` decodes what the client has written since last asked. */
  async function open(serverOptions, options = {}) {
    const root = new Root();
    const fake = fakeWebSocket(root, serverOptions);
    const connection = await connect('ws://fake/pb', { WebSocket: fake.WebSocket, ...options });
    const [ws] = fake.sockets;
    let seen = 0;
    return {
      connection,
      ws,
      root,
      ref: await connection.getRootObject(),
      sent() {
        const frames = ws.sent.slice(seen);
        seen = ws.sent.length;
        return decode(frames, options.serializer);
      },
    };
  }

  test('the client offers S+pbj before S; a server that picks S+pbj gets deadlines and cancels', async () => {
    for (const serializer of ['banana', 'msgpack']) {
      const c = await open({ extensions: true }, { serializer });
      assert.deepEqual(c.ws.protocols, [`${serializer}+pbj`, serializer]);
      assert.equal(c.ws.protocol, `${serializer}+pbj`);
      assert.equal(c.connection.extensions, true);
      assert.equal(c.connection.serializer, serializer);
      await assert.rejects(c.ref.callRemoteWith({ timeout: 20 }, 'hold', 'x'), DeadlineExceededError);
      assert.deepEqual(c.sent().map((m) => m[0]), ['version', 'deadline', 'message', 'cancel']);
      c.ws.receive(frameIn(serializer, 'ping', 5));
      await until(() => c.ws.sent.length === 5, 'the pong');
      assert.deepEqual(c.sent(), [['pong', 5]]);
      c.connection.close();
    }
  });

  test('a server that picks the plain subprotocol never hears of deadlines; a ping from it breaks the protocol',
    async () => {
      const c = await open({ extensions: false }, { serializer: 'msgpack', callTimeout: 20 });
      assert.equal(c.ws.protocol, 'msgpack');
      assert.equal(c.connection.extensions, false);
      await assert.rejects(c.ref.callRemote('hold', 'x'), DeadlineExceededError);
      const controller = new AbortController();
      const aborted = c.ref.callRemoteWith({ signal: controller.signal }, 'hold', 'y');
      controller.abort();
      await assert.rejects(aborted, { name: 'AbortError' });
      const sent = c.sent();
      assert.deepEqual(sent.map((m) => m[0]), ['version', 'message', 'message']);
      assert.ok(!sent.some((m) => EXTENSION_KINDS.has(m[0])));
      c.ws.receive(frameIn('msgpack', 'ping', 1));
      assert.match(String((await c.connection.closed).message), /unknown message kind 'ping'/);
    });

  test('extensions: false offers the plain subprotocol only', async () => {
    const c = await open({ extensions: true }, { extensions: false });
    assert.deepEqual(c.ws.protocols, ['banana']);
    assert.equal(c.connection.extensions, false);
    await assert.rejects(c.ref.callRemoteWith({ timeout: 10 }, 'hold', 'x'), DeadlineExceededError);
    assert.deepEqual(c.sent().map((m) => m[0]), ['version', 'message']);
    c.connection.close();
  });
});
