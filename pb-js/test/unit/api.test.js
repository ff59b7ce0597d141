// The public surface: what src/index.js exports is exactly what index.d.ts declares, nothing internal leaks.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as api from '../../src/index.js';

const declarations = readFileSync(new URL('../../index.d.ts', import.meta.url), 'utf8');

test('index.d.ts declares every runtime export and nothing that is not exported', () => {
  const declared = new Set([...declarations.matchAll(/^export (?:declare )?(?:class|function|const) (\w+)/gm)]
    .map((m) => m[1]));
  assert.deepEqual([...declared].sort(), Object.keys(api).sort());
});

test('the package entry point is src/index.js and its types index.d.ts', () => {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
  assert.equal(pkg.name, 'pbj-client');
  assert.equal(pkg.exports['.'].default, './src/index.js');
  assert.equal(pkg.exports['.'].types, './index.d.ts');
  assert.deepEqual(pkg.dependencies ?? {}, {}, 'no runtime dependencies');
});

test('the API of the brief is there', () => {
  for (const name of ['connect', 'Tuple', 'tuple', 'FrozenSet', 'Referenceable', 'RemoteCache', 'registerCopy',
    'registerCache', 'RemoteError', 'ConnectionLostError', 'DeadReferenceError', 'ProtocolError',
    'InsecureJellyError', 'UnauthorizedLoginError', 'kw']) {
    assert.ok(name in api, name);
  }
});
