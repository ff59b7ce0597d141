// `pbj demo` from pb-cli's jar, for the tests that need the real Java server with its web page: started on
// ephemeral ports, its printed lines parsed, stopped by closing its standard input (or killed).
// PBJ_JAR names another jar; PBJ_CLASSPATH a class path to run dev.pbj.cli.Main from.
import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const jar = process.env.PBJ_JAR ?? fileURLToPath(new URL('../../../pb-cli/target/pbj.jar', import.meta.url));
const java = process.env.JAVA_HOME ? `${process.env.JAVA_HOME}/bin/java` : 'java';
const pbj = process.env.PBJ_CLASSPATH ? ['-cp', process.env.PBJ_CLASSPATH, 'dev.pbj.cli.Main'] : ['-jar', jar];

/** Why there is no pbj to run (`{ skip }` outside CI, `{ fail }` in CI), or null. */
export function missingJar() {
  if (process.env.PBJ_CLASSPATH || existsSync(jar)) return null;
  const why = `${jar} is missing: build it with mvn -q package -pl pb-cli -am`;
  return process.env.CI === 'true' ? { fail: why } : { skip: why };
}

/**
 * Starts `pbj demo --tcp 127.0.0.1:0 --ws 127.0.0.1:0 --until-stdin-closes`; resolves once it printed its three
 * lines, to `{ tcp, ws, site, stop(), kill(), exited, stderr() }`: `tcp` is `tcp://…`, `ws` `ws://…/pb`, `site`
 * the page's `http://…/`. `tcp` and `ws` (HOST:PORT) choose the addresses instead: a demo started again on the
 * address of one that was killed is the same server coming back. `cluster` (`redis://HOST:PORT`) shares its room
 * with every demo given the same Redis.
 */
export async function startDemo({ tcp = '127.0.0.1:0', ws = '127.0.0.1:0', cluster = null } = {}) {
  const shared = cluster === null ? [] : ['--cluster', cluster];
  const child = spawn(java, [...pbj, 'demo', '--tcp', tcp, '--ws', ws, ...shared, '--until-stdin-closes'],
    { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk) => {
    stderr += chunk;
  });
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal)));
  const lines = await new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`pbj demo printed no "open" line within 60 s; stdout: ${out}; stderr: ${stderr}`));
    }, 60000);
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk) => {
      out += chunk;
      const tcp = /^listening (tcp:\/\/\S+)$/m.exec(out);
      const ws = /^listening (ws:\/\/\S+\/pb)$/m.exec(out);
      const site = /^open (http:\/\/\S+\/)$/m.exec(out);
      if (tcp && ws && site) {
        clearTimeout(timer);
        resolve({ tcp: tcp[1], ws: ws[1], site: site[1] });
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`pbj demo exited with ${code} before listening; stdout: ${out}; stderr: ${stderr}`));
    });
  });
  let stopped = false;
  return {
    ...lines,
    exited,
    stderr: () => stderr,
    /** Closes its standard input (the demo stops cleanly); kills it if it has not exited within 10 s. */
    async stop() {
      if (stopped) return exited;
      stopped = true;
      child.stdin.end();
      const timer = setTimeout(() => child.kill('SIGKILL'), 10000);
      const status = await exited;
      clearTimeout(timer);
      return status;
    },
    async kill() {
      stopped = true;
      child.kill('SIGKILL');
      return exited;
    },
  };
}

/** Runs `pbj ARGS…` to its end; resolves to `{ status, stdout, stderr }`. */
export function pbjCommand(...args) {
  return new Promise((resolve) => {
    execFile(java, [...pbj, ...args], { timeout: 60000, encoding: 'utf8' }, (error, stdout, stderr) => {
      resolve({ status: error ? (error.code ?? 1) : 0, stdout, stderr });
    });
  });
}
