// Debian's nginx in front of several `pbj demo` servers, for the cluster browser test: one listen port per server
// (so a test chooses which server a page is on), proxying the page, the client module and the WebSocket upgrade at
// /pb, and telling which upstream answered in an X-Upstream header. Started with its own prefix folder, stopped
// (and the folder removed) by close().
import { spawn } from 'node:child_process';
import { accessSync, constants, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePortBelowEphemeral } from './redis.js';

export const NGINX = process.env.PBJ_NGINX ?? '/usr/sbin/nginx';

/** Why there is no nginx: `{ skip }` outside CI, `{ fail }` under CI=true; null when there is one. */
export function missingNginx() {
  try {
    accessSync(NGINX, constants.X_OK);
    return null;
  } catch {
    const why = `${NGINX} is missing: apt-get install -y nginx (.ci/run installs it)`;
    return process.env.CI === 'true' ? { fail: why } : { skip: why };
  }
}

/**
 * The server block the README shows: every path of the demo proxied to `upstream` (HOST:PORT of a `pbj demo`'s
 * WebSocket listener), the upgrade carried through, the browser's Host kept for the Origin check.
 */
export function serverBlock(listen, upstream) {
  return `
  server {
    listen ${listen};
    location / {
      proxy_pass http://${upstream};
      proxy_http_version 1.1;
      proxy_set_header Upgrade $http_upgrade;
      proxy_set_header Connection $connection_upgrade;
      proxy_set_header Host $http_host;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_read_timeout 1h;
      add_header X-Upstream $upstream_addr always;
    }
  }`;
}

function listening(port) {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    socket.on('connect', () => {
      socket.end();
      resolve(true);
    });
    socket.on('error', () => resolve(false));
  });
}

/**
 * Starts nginx with one listen port per upstream (`upstreams`: HOST:PORT each); resolves once every port accepts,
 * to `{ sites: ['http://127.0.0.1:PORT/', …] (in the order of upstreams), config, close() }`.
 */
export async function startNginx(upstreams) {
  const dir = mkdtempSync(join(tmpdir(), 'pbj-nginx-'));
  mkdirSync(join(dir, 'temp'));
  const ports = [];
  for (let i = 0; i < upstreams.length; i++) ports.push(await freePortBelowEphemeral());
  const blocks = upstreams.map((upstream, i) => serverBlock(`127.0.0.1:${ports[i]}`, upstream)).join('\n');
  const config = `daemon off;
master_process off;
worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 256; }
http {
  access_log off;
  client_body_temp_path ${dir}/temp;
  proxy_temp_path ${dir}/temp;
  fastcgi_temp_path ${dir}/temp;
  uwsgi_temp_path ${dir}/temp;
  scgi_temp_path ${dir}/temp;
  map $http_upgrade $connection_upgrade { default upgrade; '' close; }
${blocks}
}
`;
  const file = join(dir, 'nginx.conf');
  writeFileSync(file, config);
  const child = spawn(NGINX, ['-p', dir, '-e', join(dir, 'error.log'), '-c', file], { stdio: 'ignore' });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const deadline = Date.now() + 10000;
  for (const port of ports) {
    while (!(await listening(port))) {
      if (child.exitCode !== null || Date.now() > deadline) {
        child.kill('SIGKILL');
        let log = '';
        try {
          log = readFileSync(join(dir, 'error.log'), 'utf8');
        } catch {
          // none
        }
        throw new Error(`nginx did not listen on ${port} within 10 s: ${log}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
  return {
    sites: ports.map((port) => `http://127.0.0.1:${port}/`),
    config,
    async close() {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10000);
      await exited;
      clearTimeout(timer);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
