// Typed stubs, ref.as(): each property calls the remote method of its name, through the fake WebSocket to the demo
// root; the names that must not call (then, toJSON, symbols) do not; a stub is sent as its reference.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { inspect } from 'node:util';
import { connect, DeadlineExceededError, keepConnected, kw, RemoteError, Referenceable } from '../../src/index.js';
import { DemoRoot } from '../support/demo.js';
import { fakeWebSocket } from '../support/fake-websocket.js';
import { settle } from '../support/pipe.js';

async function open(t, root = new DemoRoot()) {
  const fake = fakeWebSocket(root);
  const conn = await connect('ws://fake/pb', { WebSocket: fake.WebSocket });
  t.after(() => conn.close());
  return { fake, conn, root: await conn.getRootObject() };
}

describe('RemoteReference.as()', () => {
  test('a property call is callRemote of that name, with its arguments and keyword arguments', async (t) => {
    const { conn, root } = await open(t);
    const demo = root.as();
    assert.equal(await demo.echo('hi'), 'hi');
    assert.equal(await demo.add(2n ** 64n, 1), 2n ** 64n + 1n);
    const counter = await demo.counter(kw({ start: 5 }));
    assert.equal(await counter.as().increment(), 6);
    counter.release();
    await assert.rejects(demo.fail('nope'), (e) => e instanceof RemoteError && e.message === 'nope');
    await settle();
    assert.equal(conn.stats().pendingCalls, 0);
    assert.equal(conn.stats().remoteReferences, 0);
  });

  test('the same name gives the same function, named after the method; a detached one still calls', async (t) => {
    const { root } = await open(t);
    const demo = root.as();
    assert.equal(demo.echo, demo.echo);
    assert.equal(demo.echo.name, 'echo');
    const { echo } = demo;
    assert.equal(await echo('alone'), 'alone');
  });

  test('it is not a thenable: awaiting it or returning it from an async function gives the stub', async (t) => {
    const { fake, root } = await open(t);
    const demo = root.as();
    const sent = fake.sockets[0].sent.length;
    assert.equal(demo.then, undefined);
    assert.equal(demo.catch, undefined);
    assert.equal(await demo, demo);
    assert.equal(await (async () => demo)(), demo);
    assert.equal(await Promise.resolve(demo), demo);
    await settle();
    assert.equal(fake.sockets[0].sent.length, sent, 'nothing was sent');
  });

  test('symbols, toString, toJSON, valueOf and inspection answer locally', async (t) => {
    const { fake, root } = await open(t);
    const demo = root.as();
    const sent = fake.sockets[0].sent.length;
    assert.equal(demo[Symbol.iterator], undefined);
    assert.equal(demo[Symbol.asyncIterator], undefined);
    assert.equal(demo[Symbol.toPrimitive], undefined);
    assert.equal(demo.toJSON, undefined);
    assert.equal(demo.constructor, undefined);
    assert.equal(String(demo), `RemoteStub(${root})`);
    assert.equal(`${demo}`, `RemoteStub(${root})`);
    assert.equal(Object.prototype.toString.call(demo), '[object RemoteStub]');
    assert.equal(demo.valueOf(), demo);
    assert.equal(JSON.stringify({ demo }), '{"demo":{}}');
    assert.deepEqual(Object.keys(demo), []);
    assert.equal(typeof inspect(demo), 'string');
    await settle();
    assert.equal(fake.sockets[0].sent.length, sent, 'nothing was sent');
  });

  test('it cannot be changed', async (t) => {
    const { root } = await open(t);
    const demo = root.as();
    assert.throws(() => {
      demo.echo = () => 'local';
    }, TypeError);
    assert.throws(() => Object.defineProperty(demo, 'x', { value: 1 }), TypeError);
    assert.throws(() => Object.setPrototypeOf(demo, null), TypeError);
  });

  test('a stub sent as an argument travels as its reference', async (t) => {
    const { conn, root } = await open(t);
    const counter = await root.callRemote('counter');
    const back = await root.as().echo(counter.as());
    assert.ok(back.equals(counter), 'the server got its own object and sent it back');
    back.release();
    counter.release();
    await settle();
    assert.equal(conn.stats().remoteReferences, 0);
    assert.equal(conn.stats().pendingCalls, 0);
  });

  test('a stub of a view keeps the view\'s deadline; a released reference\'s stub rejects', async (t) => {
    const { root } = await open(t);
    const never = new Referenceable({ got: () => new Promise(() => {}) });
    await assert.rejects(root.withDeadline(20).as().callback(never, 'x'), DeadlineExceededError);
    const counter = await root.callRemote('counter');
    const stub = counter.as();
    counter.release();
    await assert.rejects(stub.increment(), { name: 'DeadReferenceError' });
  });
});

describe('ReconnectingReference.as()', () => {
  test('calls go to the connection of the moment', async (t) => {
    const fake = fakeWebSocket(new DemoRoot());
    const handle = keepConnected('ws://fake/pb', { WebSocket: fake.WebSocket });
    t.after(() => handle.close());
    await handle.whenConnected();
    const demo = handle.root().as();
    assert.equal(demo.then, undefined);
    assert.equal(await demo.echo('again'), 'again');
    assert.equal(String(demo), `RemoteStub(${handle.root()})`);
  });
});
