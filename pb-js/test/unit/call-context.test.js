// The callee's side of deadlines and cancellation: a JavaScript method marked with withCallContext receives a
// CallContext first, whose signal aborts when the caller cancels, the deadline passes or the connection goes, and
// whose call is then never answered. Unmarked methods keep their signatures. Over the in-memory pipe, with and
// without PBJ's extensions; every test that leaves its connection open checks both sides' tables.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  ConnectionLostError, DeadlineExceededError, kw, Referenceable, withCallContext,
} from '../../src/index.js';
import { brokerPair, settle } from '../support/pipe.js';

/** The `Timeout`s keeping the event loop alive. */
const timers = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;

const BASELINE = {
  localObjects: 0, remoteReferences: 0, pendingCalls: 0, callsRunning: 0, cachesObserved: 0, remoteCaches: 0,
};

/** A promise and its resolve function, settled by the test. */
function deferred() {
  let resolve;
  let reject;
  const promise = new Promise((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** Resolves with the reason once `signal` aborts. */
function aborted(signal) {
  return new Promise((resolve) => signal.addEventListener('abort', () => resolve(signal.reason), { once: true }));
}

/**
 * A root whose `slow(x)` takes a context and answers when the test says (`calls` records each context and its
 * `answer` deferred), whose `plain(...args)` does not take one, and whose `peek(x)` answers what its context shows.
 */
class Root extends Referenceable {
  constructor() {
    super();
    this.calls = [];
    this.arrived = deferred();
  }

  plain(...args) {
    return args.length;
  }

  static {
    withCallContext(this.prototype.slow);
    withCallContext(this.prototype.peek);
  }

  slow(call, x) {
    const answer = deferred();
    this.calls.push({ call, x, answer });
    this.arrived.resolve(call);
    return answer.promise;
  }

  peek(call, ...rest) {
    return {
      deadline: call.deadline,
      remaining: call.timeRemaining(),
      cancelled: call.cancelled,
      aborted: call.signal.aborted,
      rest: rest.length,
      keywords: rest.at(-1),
    };
  }
}

async function pair(options = {}) {
  const root = new Root();
  const p = brokerPair({ root, extensions: true, ...options });
  const ref = await p.connection.getRootObject();
  await settle();
  const serverSent = () => p.serverLink.sent.length;
  return { ...p, root, ref, serverSent };
}

async function assertBaseline(p) {
  await settle();
  assert.deepEqual({ ...p.client.stats() }, BASELINE, 'client tables back to baseline');
  assert.deepEqual({ ...p.server.stats() }, BASELINE, 'server tables back to baseline');
}

describe('the call context of a served method', () => {
  test('a marked method gets the context first, then the arguments, keyword arguments last; others are unchanged',
    async () => {
      const p = await pair();
      assert.equal(await p.ref.callRemote('plain', 1, 2, 3), 3, 'an unmarked method sees only the arguments');
      const seen = await p.ref.callRemoteWith({ timeout: 5000 }, 'peek', 'a', kw({ k: 1 }));
      assert.ok(seen.deadline > 4900 && seen.deadline <= 5000, `deadline ${seen.deadline}`);
      assert.ok(seen.remaining > 4800 && seen.remaining <= seen.deadline, `remaining ${seen.remaining}`);
      assert.equal(seen.cancelled, false);
      assert.equal(seen.aborted, false);
      assert.equal(seen.rest, 2);
      assert.deepEqual(seen.keywords, { k: 1 });
      const none = await p.ref.callRemote('peek');
      assert.equal(none.deadline, null, 'no deadline sent: null');
      assert.equal(none.remaining, null);
      assert.equal(none.rest, 0);
      await assertBaseline(p);
      p.connection.close();
    });

  test('the caller aborting aborts the signal with an AbortError, runs onCancel, and the answer is not sent',
    async () => {
      const p = await pair();
      const controller = new AbortController();
      const outcome = p.ref.callRemoteWith({ signal: controller.signal }, 'slow', 'x').then(() => 'answered', (e) => e);
      const call = await p.root.arrived.promise;
      assert.equal(call.deadline, null);
      const reasons = [];
      call.onCancel((reason) => reasons.push(reason));
      const undone = [];
      call.onCancel((reason) => undone.push(reason))();
      const abort = aborted(call.signal);
      controller.abort();
      assert.equal((await outcome).name, 'AbortError');
      const reason = await abort;
      assert.equal(reason.name, 'AbortError');
      assert.match(reason.message, /cancelled request \d+ \(slow\)/);
      assert.equal(call.cancelled, true);
      assert.deepEqual(reasons, [reason], 'onCancel ran with the reason');
      assert.deepEqual(undone, [], 'an undone onCancel does not run');
      const late = [];
      call.onCancel((r) => late.push(r));
      await settle();
      assert.deepEqual(late, [reason], 'onCancel after the cancel runs soon');
      const before = p.serverSent();
      p.root.calls[0].answer.resolve('too late');
      await settle();
      assert.equal(p.serverSent(), before, 'the cancelled call is not answered');
      await assertBaseline(p);
      p.connection.close();
    });

  test('a rejection of a cancelled call is not sent either', async () => {
    const p = await pair();
    const controller = new AbortController();
    const outcome = p.ref.callRemoteWith({ signal: controller.signal }, 'slow', 'r').catch((e) => e);
    const call = await p.root.arrived.promise;
    controller.abort();
    await aborted(call.signal);
    await outcome;
    const before = p.serverSent();
    p.root.calls[0].answer.reject(new Error('stopped'));
    await settle();
    assert.equal(p.serverSent(), before);
    await assertBaseline(p);
    p.connection.close();
  });

  test('the deadline passing aborts the signal with DeadlineExceededError, and the answer is not sent', async () => {
    const p = await pair();
    assert.equal(await p.ref.callRemote('plain'), 0, 'request 1');
    // the deadline of request 2 written by hand: a caller with a timeout of its own would cancel at about the same
    // time, and its cancel could come first
    p.client.send((out) => {
      out.beginList(3); out.symbol('deadline'); out.integer(2); out.integer(40); out.endList();
    });
    const controller = new AbortController();
    const outcome = p.ref.callRemoteWith({ signal: controller.signal }, 'slow', 'd').catch((e) => e);
    const call = await p.root.arrived.promise;
    assert.equal(call.deadline, 40);
    const reason = await aborted(call.signal);
    assert.ok(reason instanceof DeadlineExceededError, String(reason));
    assert.equal(reason.deadline, call.deadline);
    assert.match(reason.message, /\(slow\) passed its deadline/);
    assert.equal(call.cancelled, true);
    assert.ok(call.timeRemaining() <= 0, `remaining ${call.timeRemaining()}`);
    const before = p.serverSent();
    p.root.calls[0].answer.resolve('late');
    await settle();
    assert.equal(p.serverSent(), before);
    controller.abort();
    assert.equal((await outcome).name, 'AbortError', 'the caller, never answered, stops waiting');
    await assertBaseline(p);
    p.connection.close();
  });

  test('the connection going aborts the signal with ConnectionLostError', async () => {
    const p = await pair();
    const outcome = p.ref.callRemote('slow', 'c').catch((e) => e);
    const call = await p.root.arrived.promise;
    p.connection.close();
    const reason = await aborted(call.signal);
    assert.ok(reason instanceof ConnectionLostError, String(reason));
    assert.ok((await outcome) instanceof ConnectionLostError);
    p.root.calls[0].answer.resolve('nobody listens');
    await settle();
  });

  test('an answered call\'s signal never aborts, and onCancel after the answer never runs', async () => {
    const p = await pair();
    const before = timers();
    const answer = p.ref.callRemoteWith({ timeout: 30000 }, 'slow', 'ok');
    const call = await p.root.arrived.promise;
    const ran = [];
    call.onCancel(() => ran.push('before'));
    p.root.calls[0].answer.resolve('done');
    assert.equal(await answer, 'done');
    call.onCancel(() => ran.push('after'));
    await settle();
    assert.equal(timers(), before, 'the deadline timers of both sides went with the answer: nothing will abort it');
    assert.equal(call.signal.aborted, false);
    assert.equal(call.cancelled, false);
    assert.deepEqual(ran, []);
    await assertBaseline(p);
    p.connection.close();
  });

  test('an onCancel callback that throws is reported as a warning and does not stop the others', async () => {
    const p = await pair();
    const controller = new AbortController();
    const outcome = p.ref.callRemoteWith({ signal: controller.signal }, 'slow', 'w').catch((e) => e);
    const call = await p.root.arrived.promise;
    const ran = [];
    call.onCancel(() => {
      throw new Error('cleanup failed');
    });
    call.onCancel(() => ran.push('second'));
    controller.abort();
    await outcome;
    await aborted(call.signal);
    await settle();
    assert.deepEqual(ran, ['second']);
    assert.ok(p.warnings.some((w) => /onCancel callback failed: cleanup failed/.test(w)), p.warnings.join('; '));
    assert.throws(() => call.onCancel('nope'), TypeError);
    p.root.calls[0].answer.resolve('late');
    await assertBaseline(p);
    p.connection.close();
  });

  test('without the extensions the caller\'s giving up never reaches the method, which is answered', async () => {
    const p = await pair({ extensions: false });
    const outcome = p.ref.callRemoteWith({ timeout: 20 }, 'slow', 'plain').catch((e) => e);
    const call = await p.root.arrived.promise;
    assert.equal(call.deadline, null, 'no deadline travels');
    assert.ok((await outcome) instanceof DeadlineExceededError);
    const before = p.serverSent();
    p.root.calls[0].answer.resolve('answered anyway');
    await settle();
    assert.equal(call.signal.aborted, false);
    assert.equal(p.serverSent(), before + 1, 'the server answers; the caller drops it as late');
    assert.equal(p.client.connected, true);
    await assertBaseline(p);
    p.connection.close();
  });

  test('withCallContext works on a methods table and a function field, returns the function, checks its argument',
    async () => {
      const fn = (call, x) => `${x}:${call.deadline}`;
      assert.equal(withCallContext(fn), fn);
      class Fielded extends Referenceable {
        tell = withCallContext((call, x) => `${x}:${typeof call.onCancel}`);
      }
      const root = new Root();
      root.table = () => new Referenceable({ tell: fn });
      root.field = () => new Fielded();
      const p = brokerPair({ root, extensions: true });
      const ref = await p.connection.getRootObject();
      const table = await ref.callRemote('table');
      const field = await ref.callRemote('field');
      assert.match(await table.callRemoteWith({ timeout: 1000 }, 'tell', 'a'), /^a:\d+$/);
      assert.equal(await table.callRemote('tell', 'a'), 'a:null');
      assert.equal(await field.callRemote('tell', 'b'), 'b:function');
      for (const bad of [undefined, null, 'f', {}]) {
        assert.throws(() => withCallContext(bad), TypeError, String(bad));
      }
      p.connection.close();
    });
});
