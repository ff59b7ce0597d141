// The demo contract's behaviour suite against the Java server: `pbj serve --ws` from pb-cli's jar, for both
// serializers. Skipped (with the reason) while the jar has no WebSocket transport; a missing jar fails under CI.
// PBJ_JAR names another jar; PBJ_CLASSPATH a class path to run dev.pbj.cli.Main from.
import { after, describe, test } from 'node:test';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';
import { connect } from '../../src/index.js';
import { defineScenarios } from '../support/scenarios.js';

const jar = process.env.PBJ_JAR ?? fileURLToPath(new URL('../../../pb-cli/target/pbj.jar', import.meta.url));
const java = process.env.JAVA_HOME ? `${process.env.JAVA_HOME}/bin/java` : 'java';
// PBJ_CLASSPATH runs dev.pbj.cli.Main from a class path instead of the jar (freshly built modules, say)
const pbj = process.env.PBJ_CLASSPATH ? ['-cp', process.env.PBJ_CLASSPATH, 'dev.pbj.cli.Main'] : ['-jar', jar];

/** Starts `pbj serve` on ephemeral ports; resolves once it prints its ws:// line. */
function startServer() {
  const child = spawn(java, [...pbj, 'serve', '--tcp', '127.0.0.1:0', '--ws', '127.0.0.1:0',
    '--until-stdin-closes'], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk) => {
    stderr += chunk;
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const url = new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`pbj serve printed no ws:// line in 60 s; stderr: ${stderr}`)),
      60000);
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk) => {
      out += chunk;
      const match = /^listening (ws:\/\/\S+)$/m.exec(out);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`pbj serve exited with ${code} before listening; stderr: ${stderr}`));
    });
  });
  return {
    url,
    kill: async () => {
      child.kill('SIGKILL');
      await exited;
    },
    stop: async () => {
      child.stdin.end();
      const timer = setTimeout(() => child.kill('SIGKILL'), 10000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/**
 * The first server, or why there is none: `skip` when this pbj cannot serve WebSocket yet (or, outside CI, when
 * the jar is missing), `fail` for anything else.
 */
async function firstServer() {
  if (!process.env.PBJ_CLASSPATH && !existsSync(jar)) {
    const why = `${jar} is missing: build it with mvn -q package -pl pb-cli -am`;
    return process.env.CI === 'true' ? { fail: why } : { skip: why };
  }
  const server = startServer();
  try {
    await server.url;
    return { server };
  } catch (e) {
    await server.kill();
    return /not available/.test(e.message) ? { skip: `this pbj cannot serve WebSocket yet: ${e.message.trim()}` }
      : { fail: e.message };
  }
}

const first = await firstServer();
if (first.server === undefined) {
  describe('demo contract against the Java server (pbj serve --ws)', () => {
    if (first.skip) {
      test('skipped', { skip: first.skip }, () => {});
    } else {
      test('pbj serve --ws starts', () => {
        throw new Error(first.fail);
      });
    }
  });
} else {
  let server = first.server;
  const running = () => {
    server ??= startServer();
    return server;
  };
  after(async () => {
    if (server !== null) await server.stop();
  });
  defineScenarios('demo contract against the Java server (pbj serve --ws)', async ({ serializer, copies }) => {
    const current = running();
    const connection = await connect(await current.url, { serializer, copies, WebSocket });
    return {
      connection,
      kill: async () => {
        server = null;
        await current.kill();
      },
    };
  }, { board: true });
}
