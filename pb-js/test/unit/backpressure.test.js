// Back-pressure on send: connect() over a fake WebSocket whose bufferedAmount the test sets. Past the high water
// mark messages wait in the connection, in order; once the socket has drained to the low mark they go; closing
// drops them and fails their calls.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { connect, ConnectionLostError, Referenceable } from '../../src/index.js';
import { fakeWebSocket } from '../support/fake-websocket.js';

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Resolves once `check()` is true; fails after two seconds. */
async function until(check, what) {
  const deadline = Date.now() + 2000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`${what}: not reached`);
    await sleep(5);
  }
}

/** A connection over a fake socket to a root that records what `echo` received, in order. */
async function open(options = {}) {
  const seen = [];
  const root = new Referenceable({
    echo(x) {
      seen.push(x);
      return x;
    },
  });
  const fake = fakeWebSocket(root);
  const connection = await connect('ws://fake/pb', { WebSocket: fake.WebSocket, ...options });
  const [ws] = fake.sockets;
  const ref = await connection.getRootObject();
  assert.equal(await ref.callRemote('echo', 'ready'), 'ready');
  seen.length = 0;
  return { connection, ws, root: ref, seen };
}

const MARKS = { highWaterMark: 1000, lowWaterMark: 500 };

describe('back-pressure on send', () => {
  test('at or below the high water mark every message goes straight to the socket', async () => {
    const { connection, ws, root } = await open(MARKS);
    ws.bufferedAmount = 1000;
    const before = ws.sent.length;
    const answer = root.callRemote('echo', 1);
    assert.equal(ws.sent.length, before + 1, 'handed over at once');
    assert.equal(await answer, 1);
    assert.equal(connection.bufferedAmount, 1000, 'nothing waits in the connection');
    connection.close();
  });

  test('above the high mark nothing reaches send; after the socket drains to the low mark all goes, in order',
    async () => {
      const { connection, ws, root, seen } = await open(MARKS);
      ws.bufferedAmount = 1001;
      const before = ws.sent.length;
      const answers = [1, 2, 3, 4, 5].map((i) => root.callRemote('echo', i));
      await sleep(50);
      assert.equal(ws.sent.length, before, 'nothing handed to the socket');
      assert.ok(connection.bufferedAmount > 1001, 'the waiting messages count in bufferedAmount');
      ws.bufferedAmount = 501;
      await sleep(50);
      assert.equal(ws.sent.length, before, 'still waiting: below the high mark is not enough');
      ws.bufferedAmount = 500;
      await until(() => ws.sent.length === before + 5, 'the waiting messages were sent');
      assert.deepEqual(await Promise.all(answers), [1, 2, 3, 4, 5]);
      assert.deepEqual(seen, [1, 2, 3, 4, 5], 'the server received them in order');
      assert.equal(connection.bufferedAmount, 500);
      connection.close();
    });

  test('a message made while others wait goes behind them, even once the socket has drained', async () => {
    const { connection, ws, root, seen } = await open(MARKS);
    ws.bufferedAmount = 5000;
    const first = root.callRemote('echo', 'first');
    ws.bufferedAmount = 0;
    const before = ws.sent.length;
    const second = root.callRemote('echo', 'second');
    assert.equal(ws.sent.length, before, 'the second waits behind the first');
    assert.deepEqual([await first, await second], ['first', 'second']);
    assert.deepEqual(seen, ['first', 'second']);
    connection.close();
  });

  test('handing over stops again when the socket goes back above the high mark', async () => {
    const { connection, ws, root, seen } = await open(MARKS);
    const send = ws.send.bind(ws);
    ws.send = (bytes) => {
      send(bytes);
      ws.bufferedAmount += 400; // a socket that does not drain by itself
    };
    ws.bufferedAmount = 1001;
    const before = ws.sent.length;
    const answers = [1, 2, 3, 4, 5].map((i) => root.callRemote('echo', i));
    ws.bufferedAmount = 0;
    await until(() => ws.sent.length === before + 3, 'three sent (0, 400, 800 ≤ 1000; then 1200)');
    await sleep(50);
    assert.equal(ws.sent.length, before + 3, 'the other two wait for the low mark again');
    ws.bufferedAmount = 100;
    assert.deepEqual(await Promise.all(answers), [1, 2, 3, 4, 5]);
    assert.deepEqual(seen, [1, 2, 3, 4, 5]);
    connection.close();
  });

  test('closing the connection drops the waiting messages and fails their calls with ConnectionLostError',
    async () => {
      const { connection, ws, root, seen } = await open(MARKS);
      ws.bufferedAmount = 2000;
      const before = ws.sent.length;
      const answers = [1, 2, 3].map((i) => root.callRemote('echo', i).then(() => 'answered', (e) => e));
      connection.close();
      for (const outcome of await Promise.all(answers)) {
        assert.ok(outcome instanceof ConnectionLostError, String(outcome));
      }
      ws.bufferedAmount = 0;
      await sleep(50);
      assert.equal(ws.sent.length, before, 'nothing was handed over after the close');
      assert.deepEqual(seen, []);
      assert.equal(connection.bufferedAmount, 0);
    });

  test('the socket closing under waiting messages fails their calls with ConnectionLostError', async () => {
    const { connection, ws, root } = await open(MARKS);
    ws.bufferedAmount = 2000;
    const before = ws.sent.length;
    const answers = [1, 2].map((i) => root.callRemote('echo', i).then(() => 'answered', (e) => e));
    ws.drop();
    for (const outcome of await Promise.all(answers)) {
      assert.ok(outcome instanceof ConnectionLostError, String(outcome));
    }
    ws.bufferedAmount = 0;
    await sleep(50);
    assert.equal(ws.sent.length, before);
    assert.equal(connection.connected, false);
  });

  test('the defaults are 4 MiB and 2 MiB', async () => {
    const { connection, ws, root } = await open();
    ws.bufferedAmount = 4 * 1024 * 1024;
    const before = ws.sent.length;
    assert.equal(await root.callRemote('echo', 'at the mark'), 'at the mark');
    ws.bufferedAmount = 4 * 1024 * 1024 + 1;
    const waiting = root.callRemote('echo', 'over');
    ws.bufferedAmount = 2 * 1024 * 1024 + 1;
    await sleep(40);
    assert.equal(ws.sent.length, before + 1);
    ws.bufferedAmount = 2 * 1024 * 1024;
    assert.equal(await waiting, 'over');
    connection.close();
  });

  test('a high mark given alone brings the low mark to half of it; Infinity never waits', async () => {
    const half = await open({ highWaterMark: 1000 });
    half.ws.bufferedAmount = 1001;
    const before = half.ws.sent.length;
    const waiting = half.root.callRemote('echo', 1);
    half.ws.bufferedAmount = 501;
    await sleep(40);
    assert.equal(half.ws.sent.length, before);
    half.ws.bufferedAmount = 500;
    assert.equal(await waiting, 1);
    half.connection.close();
    const never = await open({ highWaterMark: Infinity });
    never.ws.bufferedAmount = 2 ** 40;
    assert.equal(await never.root.callRemote('echo', 2), 2);
    never.connection.close();
  });

  test('water marks that are not byte counts, or a low mark above the high one, are refused', async () => {
    const { WebSocket } = fakeWebSocket(null);
    for (const marks of [{ highWaterMark: -1 }, { highWaterMark: '10' }, { highWaterMark: NaN },
      { highWaterMark: 100, lowWaterMark: 101 }, { lowWaterMark: -1 }, { lowWaterMark: Infinity }]) {
      await assert.rejects(connect('ws://fake/pb', { WebSocket, ...marks }), RangeError, JSON.stringify(marks));
    }
  });
});
