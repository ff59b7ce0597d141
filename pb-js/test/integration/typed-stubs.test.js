// Typed stubs against the Java server (`pbj demo` from pb-cli's jar), both serializers: the demo's methods called
// through `root.as()`, a reference it returns stubbed in turn, its error, and a stub sent back as its reference.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import WebSocket from 'ws';
import { connect, kw, RemoteError } from '../../src/index.js';
import { missingJar, startDemo } from '../support/demo-server.js';

const missing = missingJar();
if (missing !== null) {
  describe('typed stubs against the Java server (pbj demo)', () => {
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

  for (const serializer of ['banana', 'msgpack']) {
    describe(`typed stubs against the Java server (pbj demo), ${serializer}`, () => {
      test('the demo root\'s methods through as()', async (t) => {
        const connection = await connect(demo.ws, { serializer, WebSocket });
        t.after(() => connection.close());
        const root = (await connection.getRootObject()).as();
        assert.equal(root.then, undefined);
        assert.equal(await root.echo('hi'), 'hi');
        assert.equal(await root.add(2n ** 64n, 1), 2n ** 64n + 1n);
        const counterRef = await root.counter(kw({ start: 5 }));
        const counter = counterRef.as();
        assert.equal(await counter.increment(), 6);
        assert.equal(await counter.increment(2), 8);
        const back = await root.echo(counter);
        assert.ok(back.equals(counterRef), 'a stub travels as its reference');
        back.release();
        counterRef.release();
        await assert.rejects(root.fail('nope'), (e) => e instanceof RemoteError && e.message === 'nope');
        await assert.rejects(root.noSuchMethod(), RemoteError);
      });
    });
  }
}
