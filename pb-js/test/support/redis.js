// A real redis-server (Debian's package, or PBJ_REDIS_SERVER) for the cluster tests: on a free loopback port below
// the ephemeral range (so that it can start again on the same port), without persistence, its files in a
// temporary folder. Every wait is bounded.
import { spawn } from 'node:child_process';
import { accessSync, constants, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const REDIS_SERVER = process.env.PBJ_REDIS_SERVER ?? '/usr/bin/redis-server';

/** Why there is no redis-server: `{ skip }` outside CI, `{ fail }` under CI=true; null when there is one. */
export function missingRedis() {
  try {
    accessSync(REDIS_SERVER, constants.X_OK);
    return null;
  } catch {
    const why = `${REDIS_SERVER} is missing: apt-get install -y redis-server (.ci/run installs it)`;
    return process.env.CI === 'true' ? { fail: why } : { skip: why };
  }
}

/** A port free now, between 20000 and 32767 (Linux gives client connections ports from 32768). */
export async function freePortBelowEphemeral() {
  for (let attempt = 0; attempt < 100; attempt++) {
    const port = 20000 + Math.floor(Math.random() * 12768);
    const free = await new Promise((resolve) => {
      const server = createServer();
      server.once('error', () => resolve(false));
      server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
    });
    if (free) return port;
  }
  throw new Error('no free port between 20000 and 32767 after 100 tries');
}

function ping(port) {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    let answer = '';
    socket.setTimeout(2000, () => socket.destroy());
    socket.on('connect', () => socket.write('*1\r\n$4\r\nPING\r\n'));
    socket.on('data', (chunk) => {
      answer += chunk;
      if (answer.includes('\r\n')) socket.end();
    });
    socket.on('close', () => resolve(answer.startsWith('+PONG')));
    socket.on('error', () => resolve(false));
  });
}

/**
 * Starts a redis-server; resolves once it answers PING to `{ uri, port, stop(), start() }`: `stop()` ends it (and
 * waits), `start()` starts it again, empty, on the same port.
 */
export async function startRedis() {
  const dir = mkdtempSync(join(tmpdir(), 'pbj-redis-'));
  const port = await freePortBelowEphemeral();
  let child = null;
  let runs = 0;
  async function start() {
    runs += 1;
    const log = join(dir, `redis-${runs}.log`);
    child = spawn(REDIS_SERVER, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no',
      '--dir', dir, '--logfile', log], { stdio: 'ignore' });
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.exited = exited;
    const deadline = Date.now() + 10000;
    while (!(await ping(port))) {
      let text = '';
      try {
        text = readFileSync(log, 'utf8');
      } catch {
        // not written yet
      }
      if (child.exitCode !== null || Date.now() > deadline) {
        child.kill('SIGKILL');
        throw new Error(`redis-server on port ${port} did not answer PING within 10 s: ${text}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
  async function stop() {
    if (child === null) return;
    const running = child;
    child = null;
    running.kill('SIGTERM');
    const timer = setTimeout(() => running.kill('SIGKILL'), 10000);
    await running.exited;
    clearTimeout(timer);
  }
  await start();
  return {
    uri: `redis://127.0.0.1:${port}`,
    port,
    start,
    async stop() {
      await stop();
    },
    async close() {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
