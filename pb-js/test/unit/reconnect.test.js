// keepConnected over the fake socket, with node:test's mock timers for the waits between attempts (the fake socket
// itself moves on setImmediate, which stays real): the backoff's arithmetic, the options' checks, the states and
// their events in order, the re-login, calls while disconnected (failing at once, or waiting up to their deadline
// or signal), giving up, and close(). Every call a test makes settles before it ends.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { getEventListeners } from 'node:events';
import { DEFAULT_BACKOFF, makeBackoff } from '../../src/backoff.js';
import {
  connect, Connection, ConnectionLostError, DeadlineExceededError, keepConnected, NotConnectedError,
  ReconnectingConnection, Referenceable, UnauthorizedLoginError,
} from '../../src/index.js';
import { DemoRoot } from '../support/demo.js';
import { fakeWebSocket } from '../support/fake-websocket.js';
import { settle } from '../support/pipe.js';

const ALICE = { username: 'alice', password: 'wonderland' };
/** Backoff options whose waits are exactly initialDelay × 2^(n−1), capped at 1000: no jitter. */
const EXACT = { initialDelay: 100, maxDelay: 1000, multiplier: 2, jitter: 0.5, random: () => 0.5 };

/** The next event of `type` on `handle`. */
function next(handle, type) {
  return new Promise((resolve) => {
    const undo = handle.on(type, (event) => {
      undo();
      resolve(event);
    });
  });
}

/** Every event of `handle`, as `type` or `type:attempt`, in order. */
function record(handle) {
  const seen = [];
  for (const type of ['connecting', 'connected', 'disconnected', 'gaveUp', 'closed']) {
    handle.on(type, (event) => seen.push(event.attempt === undefined ? type : `${type}:${event.attempt}`));
  }
  return seen;
}

const mocked = new WeakSet();

/** A fake server with the demo root and a handle kept connected to it, the test's mock timers on. */
function setUp(t, options = {}) {
  if (!mocked.has(t)) {
    t.mock.timers.enable({ apis: ['setTimeout'] });
    mocked.add(t);
  }
  const fake = fakeWebSocket(new DemoRoot());
  const handle = keepConnected('ws://fake/pb', { WebSocket: fake.WebSocket, ...EXACT, ...options });
  const events = record(handle);
  t.after(() => handle.close());
  return { fake, handle, events, live: () => fake.sockets.filter((s) => s.readyState === 1) };
}

describe('backoff', () => {
  test('each wait is initialDelay × multiplier^(n−1), capped at maxDelay, moved by up to ±jitter', () => {
    const b = makeBackoff({ initialDelay: 100, maxDelay: 1000, multiplier: 1.6, jitter: 0.2, random: () => 0.5 });
    assert.deepEqual([1, 2, 3, 4, 5, 6, 7, 50].map((n) => b.delay(n)), [100, 160, 256, 410, 655, 1000, 1000, 1000]);
    const low = makeBackoff({ initialDelay: 100, maxDelay: 1000, jitter: 0.2, random: () => 0 });
    const high = makeBackoff({ initialDelay: 100, maxDelay: 1000, jitter: 0.2, random: () => 0.9999999 });
    assert.deepEqual([low.delay(1), high.delay(1)], [80, 120]);
    assert.equal(high.delay(20), 1000, 'the cap holds after the jitter too');
    const odd = makeBackoff({ initialDelay: 100, random: () => NaN });
    assert.equal(odd.delay(1), 100, 'a random source that misbehaves gives no jitter');
    assert.equal(makeBackoff({ initialDelay: 100, random: () => 7 }).delay(1), 120, 'and is clamped');
  });

  test('the defaults are gRPC\'s (and the Java client\'s), the random source Math.random', () => {
    assert.deepEqual({ ...DEFAULT_BACKOFF },
      { initialDelay: 1000, maxDelay: 120000, multiplier: 1.6, jitter: 0.2, maxAttempts: Infinity });
    const b = makeBackoff();
    for (let i = 0; i < 50; i++) {
      const d = b.delay(1);
      assert.ok(d >= 800 && d <= 1200, String(d));
    }
    assert.equal(makeBackoff({ initialDelay: 300000 }).maxDelay, 300000, 'a long first wait raises the default cap');
  });
});

describe('keepConnected: options are checked', () => {
  const { WebSocket } = fakeWebSocket(null);
  const cases = [
    [{ initialDelay: 0 }, RangeError, /^initialDelay: 0/],
    [{ initialDelay: -1 }, RangeError, /^initialDelay/],
    [{ initialDelay: '5' }, TypeError, /^initialDelay: expected a number/],
    [{ initialDelay: 2 ** 31 }, RangeError, /^initialDelay/],
    [{ maxDelay: NaN }, RangeError, /^maxDelay/],
    [{ initialDelay: 500, maxDelay: 100 }, RangeError, /^maxDelay: 100 is below initialDelay \(500\)/],
    [{ multiplier: 0.5 }, RangeError, /^multiplier/],
    [{ multiplier: Infinity }, RangeError, /^multiplier/],
    [{ jitter: 1.5 }, RangeError, /^jitter/],
    [{ jitter: -0.1 }, RangeError, /^jitter/],
    [{ maxAttempts: 0 }, RangeError, /^maxAttempts/],
    [{ maxAttempts: 2.5 }, RangeError, /^maxAttempts/],
    [{ random: 0.3 }, TypeError, /^random/],
    [{ login: { username: 'alice' } }, TypeError, /^login/],
    [{ login: 'alice' }, TypeError, /^login/],
    [{ mind: {} }, TypeError, /^mind/],
    [{ whileDisconnected: 'queue' }, TypeError, /^whileDisconnected: queue/],
    [{ callTimeout: 0 }, RangeError, /^callTimeout/],
    [{ timeout: -5 }, RangeError, /^timeout/],
    [{ serializer: 'json' }, Error, /json/],
    [{ maxDelays: 10 }, TypeError, /unknown option 'maxDelays'/],
    [{ signal: AbortSignal.abort() }, TypeError, /unknown option 'signal'/],
    [{ onWarning: 'log' }, TypeError, /^onWarning/],
  ];
  for (const [options, type, message] of cases) {
    test(`${JSON.stringify(options)} → ${type.name}`, () => {
      assert.throws(() => keepConnected('ws://fake/pb', { WebSocket, ...options }),
        (e) => e instanceof type && message.test(e.message), JSON.stringify(options));
    });
  }

  test('a URL that is not one, options that are not an object, no WebSocket', () => {
    assert.throws(() => keepConnected(42, { WebSocket }), TypeError);
    assert.throws(() => keepConnected('ws://fake/pb', 'fast'), TypeError);
    assert.throws(() => keepConnected('ws://fake/pb', { WebSocket: undefined }), /no WebSocket implementation/);
  });
});

describe('keepConnected', () => {
  test('connects, logs in, and calls go through the stable root and avatar', async (t) => {
    const { handle, events } = setUp(t, { login: ALICE });
    assert.ok(handle instanceof ReconnectingConnection);
    assert.equal(handle.state, 'connecting');
    const connected = await next(handle, 'connected');
    assert.deepEqual(events, ['connecting:1', 'connected:1']);
    assert.equal(connected.target, handle);
    assert.ok(connected.connection instanceof Connection);
    assert.equal(handle.connection, connected.connection);
    assert.equal(handle.state, 'connected');
    assert.equal(handle.connected, true);
    assert.equal(await handle.whenConnected(), connected.connection);
    assert.equal(await handle.root().callRemote('echo', 'hi'), 'hi');
    assert.equal(await handle.avatar().callRemote('whoami'), 'alice');
    assert.equal(handle.root(), handle.root(), 'the same stable reference each time');
    assert.ok(handle.root().current.equals(await handle.connection.getRootObject()));
    assert.throws(() => Object.assign(connected, { attempt: 9 }), TypeError, 'events are frozen');
    handle.close();
    assert.deepEqual(events, ['connecting:1', 'connected:1', 'closed']);
    assert.equal(handle.root().current, null);
  });

  test('without a login there is no avatar; an anonymous login has one', async (t) => {
    const { handle } = setUp(t);
    assert.throws(() => handle.avatar(), /logs in as nobody/);
    await handle.whenConnected();
    assert.equal(await handle.root().callRemote('add', 2, 3), 5);
    const anonymous = setUp(t, { login: 'anonymous' });
    await anonymous.handle.whenConnected();
    assert.equal(await anonymous.handle.avatar().callRemote('whoami'), 'anonymous');
  });

  test('a lost connection: calls in flight get ConnectionLostError, new ones NotConnectedError, then it reconnects'
    + ' and logs in again', async (t) => {
    const { fake, handle, events, live } = setUp(t, { login: ALICE });
    await handle.whenConnected();
    const held = new Promise(() => {});
    const inFlight = handle.root().callRemote('callback', new Referenceable({ got: () => held }), 'x')
      .then(() => 'answered', (e) => e);
    await settle();
    const disconnected = next(handle, 'disconnected');
    live()[0].drop();
    const event = await disconnected;
    assert.equal(event.attempt, 0, 'an established connection was lost');
    assert.equal(event.retryIn, 100, 'the first wait is initialDelay');
    assert.match(event.cause.message, /fake socket closed|WebSocket closed/);
    const lost = await inFlight;
    assert.ok(lost instanceof ConnectionLostError && !(lost instanceof NotConnectedError), String(lost));
    assert.equal(handle.state, 'disconnected');
    assert.equal(handle.connection, null);
    const refused = await handle.root().callRemote('echo', 'now').catch((e) => e);
    assert.ok(refused instanceof NotConnectedError, String(refused));
    assert.ok(refused instanceof ConnectionLostError, 'a NotConnectedError is a ConnectionLostError');
    assert.equal(refused.cause, event.cause);
    assert.match(refused.message, /the call of echo was not sent/);
    t.mock.timers.tick(99);
    assert.equal(fake.sockets.length, 1, 'not before its time');
    const reconnected = next(handle, 'connected');
    t.mock.timers.tick(1);
    assert.equal(fake.sockets.length, 2);
    assert.equal((await reconnected).attempt, 1);
    assert.equal(await handle.avatar().callRemote('whoami'), 'alice', 'logged in again');
    assert.equal(await handle.root().callRemote('echo', 'back'), 'back');
    assert.deepEqual(events, ['connecting:1', 'connected:1', 'disconnected:0', 'connecting:1', 'connected:1']);
  });

  test('a server that stays down: the waits grow to the cap, and after maxAttempts it gives up', async (t) => {
    const { fake, handle, events } = setUp(t, { maxAttempts: 6 });
    fake.down = true;
    const retries = [];
    handle.on('disconnected', (e) => retries.push(e.retryIn));
    const ready = handle.whenConnected().catch((e) => e);
    for (let attempt = 1; attempt < 6; attempt++) {
      const failed = await next(handle, 'disconnected');
      assert.equal(failed.attempt, attempt);
      assert.match(failed.cause.message, /cannot connect to ws:\/\/fake\/pb: connect ECONNREFUSED/);
      t.mock.timers.tick(failed.retryIn);
    }
    const gaveUp = await next(handle, 'gaveUp');
    assert.deepEqual(retries, [100, 200, 400, 800, 1000], 'the n-th wait: 100 × 2^(n−1), at most 1000');
    assert.equal(gaveUp.attempt, 6);
    assert.equal(fake.sockets.length, 6);
    assert.equal(handle.state, 'gaveUp');
    const error = await ready;
    assert.ok(error instanceof NotConnectedError && error.cause === gaveUp.cause, String(error));
    await assert.rejects(handle.root().callRemote('echo', 1), (e) => e instanceof NotConnectedError
      && /gave up connecting/.test(e.message));
    await assert.rejects(handle.whenConnected(), NotConnectedError);
    fake.down = false;
    t.mock.timers.tick(60000);
    await settle();
    assert.equal(fake.sockets.length, 6, 'no attempt after giving up');
    assert.deepEqual(events.at(-1), 'gaveUp:6');
    handle.close();
    assert.deepEqual(events.at(-1), 'closed');
  });

  test('a refused login gives up at once: the same password is not tried again', async (t) => {
    const { fake, handle, events } = setUp(t, { login: { username: 'alice', password: 'wrong' } });
    const gaveUp = await next(handle, 'gaveUp');
    assert.ok(gaveUp.cause instanceof UnauthorizedLoginError, String(gaveUp.cause));
    assert.equal(gaveUp.attempt, 1);
    assert.deepEqual(events, ['connecting:1', 'gaveUp:1']);
    t.mock.timers.tick(600000);
    await settle();
    assert.equal(fake.sockets.length, 1);
    assert.equal(fake.sockets[0].readyState, 3, 'the refused connection was closed');
    await assert.rejects(handle.avatar().callRemote('whoami'),
      (e) => e instanceof NotConnectedError && e.cause instanceof UnauthorizedLoginError);
  });

  test('fail mode: a call made while an attempt is under way waits for it; its failure fails the call', async (t) => {
    const { fake, handle } = setUp(t);
    const first = handle.root().callRemote('echo', 'early');
    assert.equal(await first, 'early', 'made before the first connection, sent once connected');
    fake.down = true;
    const lost = next(handle, 'disconnected');
    fake.sockets[0].drop();
    t.mock.timers.tick((await lost).retryIn);
    assert.equal(handle.state, 'connecting');
    const during = handle.root().callRemote('echo', 'during').catch((e) => e);
    const failed = await next(handle, 'disconnected');
    const error = await during;
    assert.ok(error instanceof NotConnectedError, String(error));
    assert.equal(error.cause, failed.cause);
  });

  test('wait mode: calls wait for the connection, in order, up to their deadline or signal', async (t) => {
    const { fake, handle } = setUp(t, { whileDisconnected: 'wait', login: ALICE });
    await handle.whenConnected();
    fake.down = true;
    const lost = next(handle, 'disconnected');
    fake.sockets[0].drop();
    const { retryIn } = await lost;
    const first = handle.root().callRemote('echo', 1);
    const second = handle.avatar().callRemote('whoami');
    const third = handle.root().withDeadline(5000).callRemote('echo', 3);
    const timed = handle.root().callRemoteWith({ timeout: 50 }, 'echo', 'timed').catch((e) => e);
    const controller = new AbortController();
    const aborted = handle.root().callRemoteWith({ signal: controller.signal }, 'echo', 'aborted').catch((e) => e);
    const reason = new Error('the user left');
    controller.abort(reason);
    assert.equal(await aborted, reason);
    t.mock.timers.tick(50);
    const late = await timed;
    assert.ok(late instanceof DeadlineExceededError, String(late));
    assert.equal(late.deadline, 50);
    assert.match(late.message, /not sent within its deadline of 50 ms: no connection/);
    t.mock.timers.tick(retryIn - 50); // attempt 1: refused
    const { retryIn: again } = await next(handle, 'disconnected');
    fake.down = false;
    t.mock.timers.tick(again);
    assert.deepEqual(await Promise.all([first, second, third]), [1, 'alice', 3]);
    const after = fake.sockets.at(-1);
    assert.equal(after.readyState, 1);
    const never = handle.root().callRemoteWith({ timeout: 60000 }, 'echo', 'x');
    assert.equal(await never, 'x');
  });

  test('close() while waiting to retry: no more attempts, waiting calls and later ones get NotConnectedError',
    async (t) => {
      const { fake, handle, events } = setUp(t, { whileDisconnected: 'wait' });
      await handle.whenConnected();
      const lost = next(handle, 'disconnected');
      fake.sockets[0].drop();
      await lost;
      const waiting = handle.root().callRemote('echo', 'w').catch((e) => e);
      const ready = handle.whenConnected().catch((e) => e);
      handle.close();
      handle.close();
      const closed = (e) => e instanceof NotConnectedError && /is closed/.test(e.message);
      assert.ok(closed(await waiting), 'a waiting call');
      assert.ok(closed(await ready), 'whenConnected');
      await assert.rejects(handle.root().callRemote('echo', 1), closed);
      await assert.rejects(handle.whenConnected(), closed);
      t.mock.timers.tick(60000);
      await settle();
      assert.equal(fake.sockets.length, 1);
      assert.deepEqual(events, ['connecting:1', 'connected:1', 'disconnected:0', 'closed']);
      assert.equal(handle.state, 'closed');
    });

  test('close() while connecting: the socket is closed, nothing connects, a waiting call settles', async (t) => {
    const { fake, handle, events } = setUp(t, { login: ALICE });
    const call = handle.root().callRemote('echo', 'c').catch((e) => e);
    await new Promise((resolve) => {
      queueMicrotask(resolve);
    });
    assert.equal(fake.sockets.length, 1, 'the first attempt has begun');
    handle.close();
    assert.ok((await call) instanceof NotConnectedError);
    await settle();
    assert.equal(fake.sockets[0].readyState, 3);
    assert.deepEqual(events, ['connecting:1', 'closed']);
  });

  test('close() while connected closes the connection: its calls in flight get ConnectionLostError', async (t) => {
    const { handle, live } = setUp(t);
    const connection = await handle.whenConnected();
    const inFlight = handle.root().callRemote('callback', new Referenceable({ got: () => new Promise(() => {}) }), 1)
      .catch((e) => e);
    await settle();
    handle.close();
    assert.ok((await inFlight) instanceof ConnectionLostError);
    assert.equal(connection.connected, false);
    assert.equal(live().length, 0);
  });

  test('listeners: on() returns an undo, off() removes, unknown events are refused', async (t) => {
    const { handle } = setUp(t);
    const seen = [];
    const undo = handle.on('connected', () => seen.push('a'));
    const listener = () => seen.push('b');
    handle.on('connected', listener);
    handle.off('connected', listener);
    undo();
    await handle.whenConnected();
    await settle();
    assert.deepEqual(seen, []);
    assert.throws(() => handle.on('reconnected', () => {}), /unknown event 'reconnected'/);
    assert.throws(() => handle.on('connected', 'nope'), TypeError);
  });

  test('the stable reference checks its options as RemoteReference does', async (t) => {
    const { handle } = setUp(t);
    await handle.whenConnected();
    await assert.rejects(handle.root().callRemoteWith({ timout: 5 }, 'echo', 1), /unknown call option 'timout'/);
    await assert.rejects(handle.root().callRemoteWith(null, 'echo', 1), TypeError);
    await assert.rejects(handle.root().callRemoteWith({ timeout: 0 }, 'echo', 1), RangeError);
    await assert.rejects(handle.root().callRemote(7), TypeError);
    assert.throws(() => handle.root().withDeadline(), RangeError);
    assert.throws(() => handle.root().withDeadline(-1), RangeError);
    await assert.rejects(handle.root().callRemoteWith({ signal: AbortSignal.abort() }, 'echo', 1),
      { name: 'AbortError' });
    assert.equal(await handle.root().withDeadline(1000).callRemote('echo', 'ok'), 'ok');
  });
});

describe('connect({ signal })', () => {
  test('a signal already aborted rejects with its reason and opens no socket', async () => {
    const fake = fakeWebSocket(new DemoRoot());
    const reason = new Error('not now');
    await assert.rejects(connect('ws://fake/pb', { WebSocket: fake.WebSocket, signal: AbortSignal.abort(reason) }),
      (e) => e === reason);
    assert.equal(fake.sockets.length, 0);
    await assert.rejects(connect('ws://fake/pb', { WebSocket: fake.WebSocket, signal: {} }), /^TypeError: signal/);
  });

  test('aborting while the socket opens closes it and rejects; the open that comes late is closed', async () => {
    const fake = fakeWebSocket(new DemoRoot());
    const controller = new AbortController();
    const opening = connect('ws://fake/pb', { WebSocket: fake.WebSocket, signal: controller.signal });
    controller.abort();
    await assert.rejects(opening, { name: 'AbortError' });
    await settle();
    assert.equal(fake.sockets[0].readyState, 3);
    assert.equal(fake.sockets[0].server.connected, false, 'the server side is gone too');
  });

  test('aborting after the open changes nothing, and the listener is gone', async () => {
    const fake = fakeWebSocket(new DemoRoot());
    const controller = new AbortController();
    const connection = await connect('ws://fake/pb', { WebSocket: fake.WebSocket, signal: controller.signal });
    assert.equal(getEventListeners(controller.signal, 'abort').length, 0, 'the listener went with the open');
    controller.abort();
    assert.equal(connection.connected, true);
    assert.equal(await (await connection.getRootObject()).callRemote('echo', 1), 1);
    connection.close();
  });
});
