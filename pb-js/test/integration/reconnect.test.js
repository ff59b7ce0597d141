// keepConnected against the real Java server: `pbj demo` is killed (SIGKILL, as a crash) and started again on the
// same WebSocket port, and the handles reconnect, log in again and serve calls. One handle waits while the server
// is down (its call made then is answered by the new server), the other fails calls at once. No sleeps: every
// wait is on an event or a promise, bounded by a timeout.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import WebSocket from 'ws';
import {
  ConnectionLostError, keepConnected, NotConnectedError, Referenceable,
} from '../../src/index.js';
import { missingJar, startDemo } from '../support/demo-server.js';

const TIMEOUT = 60000;

/** `promise`, or a rejection naming `what` once `ms` have passed. */
function within(promise, what, ms = TIMEOUT) {
  let timer;
  const expired = new Promise((resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: not within ${ms} ms`)), ms);
  });
  return Promise.race([promise, expired]).finally(() => clearTimeout(timer));
}

/** The next event of `type` on `handle`, within the timeout. */
function next(handle, type) {
  return within(new Promise((resolve) => {
    const undo = handle.on(type, (event) => {
      undo();
      resolve(event);
    });
  }), `the ${type} event`);
}

const missing = missingJar();
if (missing !== null) {
  describe('keepConnected against the Java server (pbj demo)', () => {
    if (missing.skip) {
      test('skipped', { skip: missing.skip }, () => {});
    } else {
      test('pbj.jar is there', () => {
        throw new Error(missing.fail);
      });
    }
  });
} else {
  const servers = [];
  const handles = [];
  after(async () => {
    for (const handle of handles) handle.close();
    for (const server of servers) await server.stop();
  });

  describe('keepConnected against the Java server (pbj demo)', () => {
    test('the server is killed and started again on the same port: both handles reconnect and log in again',
      async () => {
        const first = await startDemo();
        servers.push(first);
        const address = new URL(first.ws).host;
        const backoff = { initialDelay: 100, maxDelay: 800, WebSocket };
        const alice = keepConnected(first.ws, {
          ...backoff, serializer: 'msgpack', login: { username: 'alice', password: 'wonderland' },
          whileDisconnected: 'wait',
        });
        const anonymous = keepConnected(first.ws, { ...backoff, serializer: 'banana', login: 'anonymous' });
        handles.push(alice, anonymous);
        const attempts = [];
        alice.on('connecting', (e) => attempts.push(e.attempt));
        await within(Promise.all([alice.whenConnected(), anonymous.whenConnected()]), 'both connected');
        assert.equal(alice.connection.serializer, 'msgpack');
        assert.equal(anonymous.connection.serializer, 'banana');
        assert.equal(await alice.avatar().callRemote('whoami'), 'alice');
        assert.equal(await anonymous.avatar().callRemote('whoami'), 'anonymous');
        assert.equal(await alice.root().callRemote('echo', 'before'), 'before');

        // a call in flight when the server dies: it may have run, so it fails and is not sent again
        let called;
        const calledBack = new Promise((resolve) => {
          called = resolve;
        });
        const got = new Referenceable({
          got: () => {
            called();
            return new Promise(() => {});
          },
        });
        const inFlight = alice.root().callRemote('callback', got, 'x').then(() => 'answered', (e) => e);
        await within(calledBack, 'the server called back');

        const aliceLost = next(alice, 'disconnected');
        const anonymousLost = next(anonymous, 'disconnected');
        await first.kill();
        const lost = await aliceLost;
        assert.equal(lost.attempt, 0);
        assert.ok(lost.retryIn >= 80 && lost.retryIn <= 120, `retryIn ${lost.retryIn}: initialDelay ± 20 %`);
        await anonymousLost;
        const inFlightError = await inFlight;
        assert.ok(inFlightError instanceof ConnectionLostError && !(inFlightError instanceof NotConnectedError),
          String(inFlightError));

        const refused = await anonymous.root().callRemote('echo', 'while down').catch((e) => e);
        assert.ok(refused instanceof NotConnectedError, `fail mode: ${refused}`);
        const waited = alice.root().callRemoteWith({ timeout: TIMEOUT }, 'echo', 'made while down');
        const shouted = alice.avatar().callRemote('shout', 'back again');

        // at least one attempt fails against the dead port before the server is back
        await next(alice, 'disconnected');
        const aliceBack = next(alice, 'connected');
        const anonymousBack = next(anonymous, 'connected');
        const second = await startDemo({ ws: address });
        servers.push(second);
        assert.equal(new URL(second.ws).host, address, 'the same port');
        await Promise.all([aliceBack, anonymousBack]);
        assert.ok(attempts.filter((a) => a === 1).length >= 2 && Math.max(...attempts) >= 2,
          `attempts ${attempts}: the first connection, then retries`);
        assert.equal(await within(waited, 'the waiting call'), 'made while down');
        assert.equal(await within(shouted, 'the waiting shout'), 'alice: back again');
        assert.equal(await alice.avatar().callRemote('whoami'), 'alice', 'logged in again');
        assert.equal(await anonymous.avatar().callRemote('whoami'), 'anonymous');
        assert.deepEqual(await anonymous.root().callRemote('add', 2, 3), 5);

        alice.close();
        anonymous.close();
        assert.equal(alice.state, 'closed');
        assert.equal(await second.stop(), 0, 'pbj demo stops cleanly');
      });
  });
}
