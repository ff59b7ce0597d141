// Bad input to the Java WebSocket endpoint of `pbj demo` (pb-cli's jar), sent with the `ws` package: each case
// gets the close code or HTTP status it should, and the server goes on serving new connections afterwards.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import WebSocket from 'ws';
import { connect } from '../../src/index.js';
import { missingJar, startDemo } from '../support/demo-server.js';

const TIMEOUT = 20000;
const MAX_MESSAGE = 16 * 1024 * 1024;

/** Opens a raw WebSocket; resolves to `{ ws }` once open, `{ status }` when the upgrade is refused. */
function open(url, protocols, options = {}) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, protocols, options);
    ws.once('unexpected-response', (request, response) => {
      resolve({ status: response.statusCode });
      request.destroy();
    });
    ws.once('error', reject);
    ws.once('open', () => resolve({ ws }));
  });
}

/** Resolves to the close `{ code, reason }` the server sends. */
function closeOf(ws) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no close within ${TIMEOUT} ms`)), TIMEOUT);
    ws.once('close', (code, reason) => {
      clearTimeout(timer);
      resolve({ code, reason: reason.toString() });
    });
  });
}

const missing = missingJar();
if (missing !== null) {
  describe('bad input over WebSocket (pbj demo)', () => {
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

  /** A well-behaved client still gets served: connect with pbj-client, echo. */
  async function stillServes(serializer = 'banana') {
    const connection = await connect(demo.ws, { serializer, WebSocket });
    try {
      const root = await connection.getRootObject();
      assert.deepEqual(await root.callRemote('echo', ['still', 'here']), ['still', 'here']);
    } finally {
      connection.close();
    }
  }

  describe('bad input over WebSocket (pbj demo)', () => {
    for (const serializer of ['banana', 'msgpack']) {
      test(`a text frame closes with 1003 (${serializer})`, async () => {
        const { ws } = await open(demo.ws, [serializer]);
        assert.equal(ws.protocol, serializer);
        const closed = closeOf(ws);
        ws.send('(version 6)');
        const { code, reason } = await closed;
      assert.equal(code, 1003, reason);
        await stillServes(serializer);
      });

      test(`a frame over 16 MiB closes with 1009 (${serializer})`, async () => {
        const { ws } = await open(demo.ws, [serializer]);
        const closed = closeOf(ws);
        ws.send(new Uint8Array(MAX_MESSAGE + 1));
        const { code, reason } = await closed;
        assert.equal(code, 1009, reason);
        await stillServes(serializer);
      });
    }

    test('a frame of exactly 16 MiB is not refused for its size', async () => {
      // zeros: banana reads a long prefix, msgpack a zero length; either way a protocol error (1002), not 1009
      const { ws } = await open(demo.ws, ['banana']);
      const closed = closeOf(ws);
      ws.send(new Uint8Array(MAX_MESSAGE));
      const { code, reason } = await closed;
      assert.equal(code, 1002, reason);
      await stillServes();
    });

    test('an unknown subprotocol is refused in the handshake (400)', async () => {
      assert.deepEqual(await open(demo.ws, ['nonesuch']), { status: 400 });
      assert.deepEqual(await open(demo.ws, ['json', 'xml']), { status: 400 });
      await stillServes();
    });

    test('a page of another origin is refused in the handshake (403)', async () => {
      assert.deepEqual(await open(demo.ws, ['banana'], { origin: 'http://evil.example' }), { status: 403 });
      assert.deepEqual(await open(demo.ws, ['banana'], { origin: 'https://127.0.0.1.evil.example' }),
        { status: 403 });
      // the demo page's own origin, and a program without an Origin header, are let in
      const own = await open(demo.ws, ['banana'], { origin: new URL(demo.site).origin });
      assert.ok(own.ws, `the page's own origin: ${JSON.stringify(own.status)}`);
      own.ws.close();
      await stillServes();
    });

    test('garbage in a binary frame closes with 1002 (banana)', async () => {
      const { ws } = await open(demo.ws, ['banana']);
      const closed = closeOf(ws);
      ws.send(new Uint8Array([0xff, 0xfe, 0x00, 0x99]));
      const { code, reason } = await closed;
      assert.equal(code, 1002);
      assert.match(reason, /banana type byte/);
      await stillServes();
    });

    test('garbage in a binary frame closes with 1002 (msgpack)', async () => {
      const { ws } = await open(demo.ws, ['msgpack']);
      const closed = closeOf(ws);
      ws.send(new Uint8Array([0xff, 0xfe, 0x00, 0x99, 1, 2, 3]));
      const { code, reason } = await closed;
      assert.equal(code, 1002, reason);
      await stillServes('msgpack');
    });

    test('a well-formed message of the wrong shape closes with 1002 (banana)', async () => {
      const { ws } = await open(demo.ws, ['banana']);
      const closed = closeOf(ws);
      // (version 6) and then the list ("nonesuch") : an unknown PB message
      ws.send(new Uint8Array([0x02, 0x80, 0x07, 0x82, 0x76, 0x65, 0x72, 0x73, 0x69, 0x6f, 0x6e, 0x06, 0x81]));
      ws.send(new Uint8Array([0x01, 0x80, 0x08, 0x82, ...new TextEncoder().encode('nonesuch')]));
      const { code, reason } = await closed;
      assert.equal(code, 1002, reason);
      assert.match(reason, /nonesuch/);
      await stillServes();
    });

    test('a frame that ends inside a message closes with 1002', {
    }, async () => {
      const { ws } = await open(demo.ws, ['banana']);
      const closed = closeOf(ws).catch(() => null);
      ws.send(new Uint8Array([0x01, 0x80])); // a list of one element, and no element
      let timer;
      const close = await Promise.race([closed, new Promise((resolve) => {
        timer = setTimeout(() => resolve({ code: 'none within 2 s' }), 2000);
      })]);
      clearTimeout(timer);
      ws.terminate();
      assert.equal(close.code, 1002);
    });

    test('after all that, both serializers still serve', async () => {
      await stillServes('banana');
      await stillServes('msgpack');
    });
  });
}
