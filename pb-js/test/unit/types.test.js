// index.d.ts type-checked: tsc (strict) over test/types/usage.ts, which imports 'pbj-client' as a user would and
// uses the public API. Its `@ts-expect-error` lines are mistakes the declarations must catch: were a declaration
// loosened to `any`, or wrong, tsc would report the unused directive or the error, and this test fails.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));
const tsc = fileURLToPath(new URL('../../node_modules/typescript/bin/tsc', import.meta.url));

test('index.d.ts type-checks a typed use of the API, and catches the mistakes in it', () => {
  assert.ok(existsSync(tsc), `${tsc} is missing: npm ci installs typescript (a devDependency)`);
  const result = spawnSync(process.execPath, [tsc, '--noEmit', '--strict', '-p', 'test/types'],
    { cwd: root, encoding: 'utf8' });
  assert.equal(result.status, 0, `tsc failed:\n${result.stdout}${result.stderr}`);
});

test('the usage file covers the API and proves mismatches are caught', () => {
  const usage = readFileSync(new URL('../types/usage.ts', import.meta.url), 'utf8');
  for (const name of ['connect(', 'callRemote', 'callRemoteWith', 'withDeadline', 'keepConnected', 'withCallContext',
    'RemoteError', 'DeadlineExceededError', '.as<Greeter>()']) {
    assert.ok(usage.includes(name), `usage.ts uses ${name}`);
  }
  assert.ok((usage.match(/@ts-expect-error/g) ?? []).length >= 5, 'mistakes the types must catch');
});
