// The single-file bundle (build/bundle.js, `npm run build`): built into a temporary folder, it imports nothing,
// carries its source map, exports what src/index.js does, keeps the error classes' names, and calls the demo root
// through the fake WebSocket.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { bundle } from '../../build/bundle.js';
import * as api from '../../src/index.js';
import { DemoRoot } from '../support/demo.js';
import { fakeWebSocket } from '../support/fake-websocket.js';

const dir = mkdtempSync(join(tmpdir(), 'pbj-bundle-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const built = await bundle(dir);

test('one minified file that imports nothing, with a source map of src/', () => {
  assert.deepEqual(built.imports, []);
  const code = readFileSync(built.file, 'utf8');
  assert.equal(code.length, built.bytes);
  const sources = readdirSync(new URL('../../src/', import.meta.url))
    .reduce((sum, name) => sum + statSync(new URL(`../../src/${name}`, import.meta.url)).size, 0);
  assert.ok(built.bytes < sources / 2, `minified: ${built.bytes} bytes from ${sources}`);
  assert.match(code, /\/\/# sourceMappingURL=pbj-client\.min\.js\.map\s*$/);
  const map = JSON.parse(readFileSync(`${built.file}.map`, 'utf8'));
  assert.ok(map.sources.some((source) => source.endsWith('src/broker.js')), map.sources.join(', '));
});

test('it exports what src/index.js does and calls through the fake WebSocket', async () => {
  const client = await import(pathToFileURL(built.file).href);
  assert.deepEqual(Object.keys(client).sort(), Object.keys(api).sort());
  const fake = fakeWebSocket(new DemoRoot());
  const conn = await client.connect('ws://fake/pb', { WebSocket: fake.WebSocket, serializer: 'msgpack' });
  try {
    const root = await conn.getRootObject();
    assert.equal(await root.callRemote('echo', client.tuple(1, 'a')).then((t) => t instanceof client.Tuple), true);
    assert.equal(await root.as().add(2, 3), 5);
    await assert.rejects(root.callRemote('fail', 'nope'),
      (e) => e instanceof client.RemoteError && e.name === 'RemoteError' && e.message === 'nope');
  } finally {
    conn.close();
  }
  assert.equal(new client.DeadReferenceError('x').name, 'DeadReferenceError');
});

test('the README gives its size, to within a tenth', () => {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  const [, kib] = /a minified ES module\s+of about (\d+) KiB/.exec(readme) ?? [];
  assert.ok(kib, 'README.md states the bundle\'s size');
  const actual = built.bytes / 1024;
  assert.ok(Math.abs(actual - Number(kib)) <= actual / 10,
    `README says ${kib} KiB, the bundle is ${actual.toFixed(1)} KiB`);
});
