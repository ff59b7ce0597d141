// Deadlines and cancellation against the Java server (`pbj demo` from pb-cli's jar), both serializers: the client
// offers `S+pbj` and the server takes it; a call not answered in time rejects with DeadlineExceededError and the
// server hears `deadline` before it and `cancel` after; an aborted signal does the same; the connection serves on.
// With the extensions declined (`extensions: false`) nothing of them is written, and the server's late answer is
// dropped. The demo contract has no slow method, so the slow call is `callback(ref, x)` with a `got` of ours
// that answers only when the test lets it. Every frame each way is recorded by a WebSocket subclass.
// After a cancel these tests do not wait for the server to release our `got` object. What the server sends then
// (its own cancel of the `got` call it made to us, a decref of our object) numbers its requests and objects apart
// from ours, so "no answer for the cancelled call" looks at answers and errors only.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import WebSocket from 'ws';
import { BananaDecoder } from '../../src/banana.js';
import { CopyRegistry } from '../../src/copies.js';
import { connect, DeadlineExceededError, Referenceable, withCallContext } from '../../src/index.js';
import { MessageReader } from '../../src/messages.js';
import { MsgpackDecoder } from '../../src/msgpack.js';
import { Unjellier } from '../../src/unjellier.js';
import { missingJar, startDemo } from '../support/demo-server.js';

const TIMEOUT = 10000;
const EXTENSION_KINDS = new Set(['deadline', 'cancel', 'ping', 'pong']);
const utf8 = new TextDecoder();

/** `ws`'s WebSocket, keeping every frame it sends and receives. */
class RecordingWebSocket extends WebSocket {
  constructor(url, protocols) {
    super(url, protocols);
    this.sentFrames = [];
    this.receivedFrames = [];
    this.on('message', (data) => this.receivedFrames.push(new Uint8Array(data instanceof ArrayBuffer ? data
      : data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength))));
    RecordingWebSocket.last = this;
  }

  send(data, ...rest) {
    this.sentFrames.push(new Uint8Array(data));
    super.send(data, ...rest);
  }
}

/** Frames as `[kind, ...fields]` (byte strings as text; a field that does not decode alone is null). */
function decode(frames, serializer) {
  const messages = [];
  const reader = new MessageReader(new Unjellier({ registry: new CopyRegistry() }),
    (m) => messages.push([m.kind, ...m.fields.map((f) => (f instanceof Uint8Array ? utf8.decode(f) : f ?? null))]),
    true);
  const decoder = serializer === 'banana' ? new BananaDecoder({ sink: reader }) : new MsgpackDecoder({ sink: reader });
  for (const frame of frames) decoder.feed(frame);
  return messages;
}

/** Resolves once `check()` is true, polling; fails after the timeout. */
async function eventually(check, what) {
  const deadline = Date.now() + TIMEOUT;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`${what}: not reached within ${TIMEOUT} ms`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** A `got` that answers only when `release(value)` is called: the server's `callback` waits for it. */
function heldCallback() {
  let release;
  const answered = new Promise((resolve) => {
    release = resolve;
  });
  let called;
  const calledOnce = new Promise((resolve) => {
    called = resolve;
  });
  const got = new Referenceable({
    got: (x) => {
      called(x);
      return answered;
    },
  });
  return { got, called: calledOnce, release };
}

const missing = missingJar();
if (missing !== null) {
  describe('deadlines and cancellation against the Java server (pbj demo)', () => {
    if (missing.skip) {
      test('skipped', { skip: missing.skip }, () => {});
    } else {
      test('pbj.jar is there', () => {
        throw new Error(missing.fail);
      });
    }
  });
} else {
  let demo = null;
  before(async () => {
    demo = await startDemo();
  });
  after(async () => {
    if (demo !== null) {
      assert.equal(await demo.stop(), 0, 'pbj demo stops cleanly');
    }
  });

  async function open(serializer, options = {}) {
    const connection = await connect(demo.ws, { serializer, WebSocket: RecordingWebSocket, ...options });
    const ws = RecordingWebSocket.last;
    return {
      connection,
      ws,
      root: await connection.getRootObject(),
      sent: () => decode(ws.sentFrames, serializer),
      received: () => decode(ws.receivedFrames, serializer),
    };
  }

  describe('deadlines and cancellation against the Java server (pbj demo)', () => {
    for (const serializer of ['banana', 'msgpack']) {
      describe(serializer, () => {
        test(`the server chooses ${serializer}+pbj`, async () => {
          const c = await open(serializer);
          assert.equal(c.ws.protocol, `${serializer}+pbj`);
          assert.equal(c.connection.extensions, true);
          assert.equal(c.connection.serializer, serializer);
          assert.equal(await c.root.callRemoteWith({ timeout: TIMEOUT }, 'echo', 'in time'), 'in time');
          const kinds = c.sent().map((m) => m[0]);
          assert.deepEqual(kinds.slice(-2), ['deadline', 'message']);
          c.connection.close();
        });

        test('a slow call rejects with DeadlineExceededError, the server is told, the connection serves on',
          async () => {
            const c = await open(serializer);
            const held = heldCallback();
            const started = performance.now();
            const outcome = c.root.withDeadline(300).callRemote('callback', held.got, 'slow')
              .then(() => 'answered', (e) => e);
            assert.equal(await held.called, 'slow', 'the server called back: the call is running there');
            const error = await outcome;
            assert.ok(error instanceof DeadlineExceededError, String(error));
            assert.equal(error.deadline, 300);
            assert.ok(performance.now() - started >= 299);
            assert.equal(c.connection.stats().pendingCalls, 0);
            const sent = c.sent();
            const call = sent.find((m) => m[0] === 'message' && m[3] === 'callback');
            const at = sent.indexOf(call);
            assert.deepEqual(sent[at - 1].slice(0, 2), ['deadline', call[1]], 'the deadline went right before');
            assert.ok(sent[at - 1][2] > 250 && sent[at - 1][2] <= 300, `ms ${sent[at - 1][2]}`);
            assert.deepEqual(sent.filter((m) => m[0] === 'cancel'), [['cancel', call[1]]], 'and the cancel after');
            assert.equal(await c.root.callRemote('echo', 'after'), 'after');
            // let the server's inner call finish (our answer to `got` goes before the echo): still no answer
            held.release('late');
            assert.equal(await c.root.callRemote('echo', 'then'), 'then');
            assert.deepEqual(c.received().filter((m) => (m[0] === 'answer' || m[0] === 'error') && m[1] === call[1]),
              [], 'no answer for the cancelled call');
            assert.equal(c.connection.connected, true);
            c.connection.close();
          });

        test('aborting a call rejects it with the reason and cancels it on the server', async () => {
          const c = await open(serializer);
          const held = heldCallback();
          const controller = new AbortController();
          const outcome = c.root.callRemoteWith({ signal: controller.signal }, 'callback', held.got, 'abort me')
            .then(() => 'answered', (e) => e);
          await held.called;
          controller.abort();
          assert.equal((await outcome).name, 'AbortError');
          const sent = c.sent();
          const call = sent.find((m) => m[0] === 'message' && m[3] === 'callback');
          assert.equal(sent[sent.indexOf(call) - 1][0], 'version', 'no deadline without a timeout');
          assert.deepEqual(sent.slice(sent.indexOf(call) + 1).map((m) => m.slice(0, 2)), [['cancel', call[1]]]);
          held.release('late');
          assert.deepEqual(await c.root.callRemote('echo', [1, 2]), [1, 2]);
          assert.deepEqual(c.received().filter((m) => (m[0] === 'answer' || m[0] === 'error') && m[1] === call[1]),
            [], 'no answer for the cancelled call');
          c.connection.close();
        });

        test('the server giving up on its call to a JavaScript method aborts that method\'s CallContext',
          async () => {
            const c = await open(serializer);
            let arrived;
            const context = new Promise((resolve) => {
              arrived = resolve;
            });
            const got = new Referenceable({
              got: withCallContext((call, x) => {
                arrived({ call, x });
                return new Promise(() => {}); // answers never: only the cancel ends it
              }),
            });
            const controller = new AbortController();
            const outcome = c.root.callRemoteWith({ signal: controller.signal }, 'callback', got, 'watch me')
              .catch((e) => e);
            const { call, x } = await context;
            assert.equal(x, 'watch me');
            assert.equal(call.deadline, null, 'the server gave its call no deadline');
            assert.equal(call.cancelled, false);
            const reason = new Promise((resolve) => call.onCancel(resolve));
            controller.abort();
            assert.equal((await outcome).name, 'AbortError');
            // DemoRoot.callback, cancelled by our cancel, cancels its own call of got: a cancel comes to us
            let timer;
            const why = await Promise.race([reason, new Promise((resolve, reject) => {
              timer = setTimeout(() => reject(new Error(`the method was not told within ${TIMEOUT} ms`)), TIMEOUT);
            })]).finally(() => clearTimeout(timer));
            assert.equal(why.name, 'AbortError');
            assert.equal(call.signal.aborted, true);
            assert.equal(call.cancelled, true);
            const cancels = c.received().filter((m) => m[0] === 'cancel');
            assert.equal(cancels.length, 1, 'the server sent one cancel');
            assert.equal(c.connection.stats().callsRunning, 0, 'the call is forgotten here');
            assert.equal(await c.root.callRemote('echo', 'after'), 'after');
            c.connection.close();
          });

        test('a signal already aborted sends nothing; callTimeout applies to every call', async () => {
          const c = await open(serializer, { callTimeout: 250 });
          const before = c.ws.sentFrames.length;
          await assert.rejects(c.root.callRemoteWith({ signal: AbortSignal.abort() }, 'echo', 1),
            { name: 'AbortError' });
          assert.equal(c.ws.sentFrames.length, before);
          const held = heldCallback();
          await assert.rejects(c.root.callRemote('callback', held.got, 'default'),
            (e) => e instanceof DeadlineExceededError && e.deadline === 250);
          held.release('late');
          assert.equal(await c.root.callRemote('echo', 'ok'), 'ok');
          c.connection.close();
        });

        test('with the extensions declined nothing of them is written, and the late answer is dropped', async () => {
          const c = await open(serializer, { extensions: false });
          assert.equal(c.ws.protocol, serializer);
          assert.equal(c.connection.extensions, false);
          const held = heldCallback();
          await assert.rejects(c.root.callRemoteWith({ timeout: 200 }, 'callback', held.got, 'plain'),
            DeadlineExceededError);
          const call = c.sent().find((m) => m[0] === 'message' && m[3] === 'callback');
          held.release('late');
          await eventually(() => c.received().some((m) => m[0] === 'answer' && m[1] === call[1]),
            'the server answered the call the client gave up on');
          assert.equal(await c.root.callRemote('echo', 'still'), 'still', 'the late answer was dropped quietly');
          assert.equal(c.connection.connected, true);
          assert.deepEqual(c.sent().filter((m) => EXTENSION_KINDS.has(m[0])), []);
          assert.deepEqual(c.received().filter((m) => EXTENSION_KINDS.has(m[0])), []);
          c.connection.close();
        });
      });
    }
  });
}
