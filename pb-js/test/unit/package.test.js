// What `npm publish` would ship: the tarball's file list (npm pack --dry-run, offline) and the metadata a
// registry and a legal review look for.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const here = new URL('../../', import.meta.url);
const root = fileURLToPath(here);
const pkg = JSON.parse(readFileSync(new URL('package.json', here), 'utf8'));
const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';

function packedFiles() {
  const out = execFileSync(NPM, ['pack', '--dry-run', '--json', '--ignore-scripts'],
    { cwd: root, encoding: 'utf8', shell: process.platform === 'win32',
      env: { ...process.env, npm_config_offline: 'true' } });
  const [report] = JSON.parse(out);
  return report.files.map((file) => file.path).sort();
}

test('the tarball holds the sources, the declarations, the README, the LICENSE and package.json; nothing else', () => {
  const sources = readdirSync(new URL('src/', here)).filter((name) => name.endsWith('.js'))
    .map((name) => `src/${name}`);
  assert.ok(sources.length > 10, `src/ has ${sources.length} modules`);
  const expected = [...sources, 'index.d.ts', 'README.md', 'LICENSE', 'package.json'].sort();
  const files = packedFiles();
  assert.deepEqual(files, expected);
  for (const file of files) {
    assert.ok(!/^(test|target|node_modules|build|dist)\//.test(file), file);
  }
});

test('the package is publishable: not private, licensed, with its repository, homepage, bugs and engines', () => {
  assert.equal(pkg.private, undefined);
  assert.equal(pkg.license, 'Apache-2.0');
  assert.deepEqual(pkg.repository, { type: 'git', url: 'git+https://github.com/pbj-dev/pbj.git', directory: 'pb-js' });
  assert.match(pkg.homepage, /^https:\/\/github\.com\/pbj-dev\/pbj\b/);
  assert.match(pkg.bugs.url, /^https:\/\/github\.com\/pbj-dev\/pbj\/issues$/);
  assert.equal(pkg.engines.node, '>=20');
  assert.match(readFileSync(new URL('LICENSE', here), 'utf8'), /Apache License\s+Version 2\.0/);
});
