// The browser side of pb-bench's WebSocket floor (issue 15): pbj-client inside headless Chromium against `pbj demo`,
// beside the same browser's own WebSocket echo of the same bytes against pb-bench's raw Undertow echo
// (dev.pbj.bench.wire.RawWebSocketEchoServer), measured in one run, interleaved round by round so that a busy
// machine slows both alike. A benchmark, not a test: `npm run bench:browser` runs it, `mvn verify` never does.
//
//   node bench/browser-echo.js [--seconds S] [--rounds R] [--out DIR]
//
// For 1, 16 and 128 calls in flight: calls/s of `root.callRemote('echo', 'hello')` over ws/msgpack, each answer
// sending the next call, and of a plain `WebSocket` sending the very frame pbj-client sends for that call (captured
// from its first call) to the raw echo, each echoed frame sending the next; then one call at a time (sequential). The
// page is not cross-origin isolated, so Chromium coarsens `performance.now()` to 100 µs: the sequential figure is
// the median over batches of 32 consecutive calls of the batch's time per call, not of single calls.
//
// Needs pb-cli/target/pbj.jar (PBJ_JAR, or PBJ_CLASSPATH, names another) and pb-bench/target/benchmarks.jar
// (PBJ_BENCH_JAR names another): `mvn -q -pl pb-cli,pb-bench -am package -DskipTests`. Chromium as the browser
// tests find it (PBJ_CHROMIUM). Writes DIR/browser-echo.json and DIR/browser-echo.md (default pb-js/target/bench).
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findChromium, launchChromium } from '../test/support/chromium.js';
import { jar as pbjJar, missingJar, startDemo } from '../test/support/demo-server.js';

const INFLIGHT = [1, 16, 128];
const BATCH = 32;
const START_TIMEOUT_MS = 60000;
const benchJar = process.env.PBJ_BENCH_JAR
  ?? fileURLToPath(new URL('../../pb-bench/target/benchmarks.jar', import.meta.url));
const java = process.env.JAVA_HOME ? `${process.env.JAVA_HOME}/bin/java` : 'java';

function options(argv) {
  const out = { seconds: 2, rounds: 5, dir: fileURLToPath(new URL('../target/bench/', import.meta.url)) };
  for (let i = 0; i < argv.length; i++) {
    const value = () => {
      if (i + 1 >= argv.length) throw new Error(`${argv[i]} needs a value`);
      return argv[++i];
    };
    switch (argv[i]) {
      case '--seconds': out.seconds = Number(value()); break;
      case '--rounds': out.rounds = Number(value()); break;
      case '--out': out.dir = value(); break;
      default: throw new Error(`unknown option ${argv[i]}; usage: browser-echo.js [--seconds S] [--rounds R] [--out DIR]`);
    }
  }
  if (!(out.seconds > 0) || !(Number.isInteger(out.rounds) && out.rounds > 0)) {
    throw new Error('--seconds must be positive and --rounds a positive integer');
  }
  return out;
}

/** pb-bench's raw Undertow echo in a JVM of its own; resolves to `{ url, stop() }` once it printed its address. */
async function startRawEcho() {
  const child = spawn(java, ['-Xms256m', '-Xmx256m', '-Dorg.slf4j.simpleLogger.defaultLogLevel=warn', '-cp', benchJar,
    'dev.pbj.bench.wire.RawWebSocketEchoServer'], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk) => { stderr += chunk; });
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal)));
  const url = await new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the raw echo printed no address within ${START_TIMEOUT_MS / 1000} s; stderr: ${stderr}`));
    }, START_TIMEOUT_MS);
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk) => {
      out += chunk;
      const m = /^listening (ws:\/\/127\.0\.0\.1:\d+\/)$/m.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the raw echo exited with ${code} before listening; stderr: ${stderr}`));
    });
  });
  return {
    url,
    async stop() {
      child.stdin.end();
      const timer = setTimeout(() => child.kill('SIGKILL'), 10000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/**
 * Runs in the page. Connects pbj-client to the demo and a plain WebSocket to the raw echo, captures the frame
 * pbj-client sends for echo('hello'), and returns the measurements.
 */
async function measureInPage({ ws, echoUrl, inflight, seconds, rounds, batch }) {
  const pbj = await import('/pbj-client.js');
  const realSend = WebSocket.prototype.send;
  const sent = [];
  WebSocket.prototype.send = function capture(data) {
    const view = data instanceof ArrayBuffer ? new Uint8Array(data) : new Uint8Array(data.buffer, data.byteOffset,
      data.byteLength);
    sent.push(view.slice());
    return realSend.call(this, data);
  };
  const connection = await pbj.connect(ws, { serializer: 'msgpack' });
  const root = await connection.getRootObject();
  sent.length = 0;
  const first = await root.callRemote('echo', 'hello');
  WebSocket.prototype.send = realSend;
  if (first !== 'hello' || sent.length !== 1) {
    throw new Error(`echo('hello') answered ${first} after ${sent.length} frames sent`);
  }
  const frame = sent[0];

  const raw = new WebSocket(echoUrl);
  raw.binaryType = 'arraybuffer';
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no connection to ${echoUrl} within 10 s`)), 10000);
    raw.onopen = () => { clearTimeout(timer); resolve(); };
    raw.onerror = () => { clearTimeout(timer); reject(new Error(`cannot connect to ${echoUrl}`)); };
  });
  // one raw run at a time: each echoed frame calls the latest `rawDone`, a failure the latest `rawFail`
  let rawDone = null;
  let rawFail = null;
  raw.onmessage = (event) => {
    if (event.data.byteLength !== frame.length) {
      rawFail(new Error(`the raw echo sent back ${event.data.byteLength} bytes; ${frame.length} were sent`));
    } else {
      rawDone();
    }
  };
  raw.onclose = () => rawFail?.(new Error('the raw echo closed the connection'));

  // Keeps n calls outstanding for ms: the rate is the answers counted up to the first one after the deadline, over
  // the time to it; then waits for the outstanding ones, so that the next run starts from an idle connection.
  const runFor = (n, ms, start) => new Promise((resolve, reject) => {
    let answers = 0;
    let outstanding = 0;
    let rate = null;
    const t0 = performance.now();
    const stopAt = t0 + ms;
    const deadline = setTimeout(() => reject(new Error(`${n} in flight: no end within ${ms + 20000} ms`)), ms + 20000);
    const answered = () => {
      outstanding--;
      answers++;
      const now = performance.now();
      if (rate === null && now < stopAt) {
        outstanding++;
        start(answered, fail);
      } else {
        if (rate === null) rate = answers / ((now - t0) / 1000);
        if (outstanding === 0) {
          clearTimeout(deadline);
          resolve(rate);
        }
      }
    };
    const fail = (e) => { clearTimeout(deadline); reject(e); };
    for (let i = 0; i < n; i++) {
      outstanding++;
      start(answered, fail);
    }
  });
  const pbjCall = (done, fail) => { root.callRemote('echo', 'hello').then(done, fail); };
  const rawCall = (done, fail) => {
    rawDone = done;
    rawFail = fail;
    raw.send(frame);
  };

  const median = (xs) => {
    if (xs.length === 0) throw new Error('nothing measured: raise --seconds');
    const s = [...xs].sort((a, b) => a - b);
    return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  };
  const ms = seconds * 1000;
  const result = { frameHex: Array.from(frame, (b) => b.toString(16).padStart(2, '0')).join(''),
    frameBytes: frame.length, crossOriginIsolated: globalThis.crossOriginIsolated === true, inflight: {} };
  for (const n of inflight) {
    await runFor(n, ms, pbjCall); // warm-up, both
    await runFor(n, ms, rawCall);
    const pbjRates = [];
    const rawRates = [];
    for (let r = 0; r < rounds; r++) {
      pbjRates.push(await runFor(n, ms, pbjCall));
      rawRates.push(await runFor(n, ms, rawCall));
    }
    result.inflight[n] = { pbj: median(pbjRates), browserEcho: median(rawRates), pbjRounds: pbjRates,
      browserEchoRounds: rawRates };
  }

  // One call at a time: the time per call of each batch of `batch` calls in a row.
  const sequential = async (call) => {
    const perCall = [];
    const warm = performance.now() + ms;
    const stopAt = warm + ms * rounds;
    while (performance.now() < stopAt) {
      const t = performance.now();
      for (let i = 0; i < batch; i++) await call();
      if (t >= warm) perCall.push(((performance.now() - t) * 1000) / batch);
    }
    return perCall;
  };
  const pbjOne = () => root.callRemote('echo', 'hello');
  const rawOne = () => new Promise((resolve, reject) => {
    rawDone = resolve;
    rawFail = reject;
    raw.send(frame);
  });
  const pbjSeq = await sequential(pbjOne);
  const rawSeq = await sequential(rawOne);
  result.sequential = { pbjMedianMicros: median(pbjSeq), browserEchoMedianMicros: median(rawSeq),
    pbjBatches: pbjSeq.length, browserEchoBatches: rawSeq.length };
  raw.close();
  connection.close();
  return result;
}

function table(result) {
  const lines = ['| calls in flight | pbj-client → `pbj demo` (calls/s) | browser WebSocket → raw Undertow echo (calls/s) '
    + '| pbj-client ÷ echo |', '|---:|---:|---:|---:|'];
  for (const n of INFLIGHT) {
    const { pbj, browserEcho } = result.inflight[n];
    lines.push(`| ${n} | ${Math.round(pbj)} | ${Math.round(browserEcho)} | ${(pbj / browserEcho).toFixed(2)}× |`);
  }
  const s = result.sequential;
  lines.push(`| sequential, median µs per call (batches of ${BATCH}) | ${s.pbjMedianMicros.toFixed(1)} `
    + `| ${s.browserEchoMedianMicros.toFixed(1)} | ${(s.pbjMedianMicros / s.browserEchoMedianMicros).toFixed(2)}× |`);
  const at128 = result.inflight[128].pbj / result.inflight[128].browserEcho;
  lines.push('', `Goal ≥ 0.8× the browser's echo at 128 in flight: ${at128.toFixed(2)}× — ${at128 >= 0.8 ? 'met' : 'not met'}.`);
  return lines.join('\n');
}

async function main() {
  const opts = options(process.argv.slice(2));
  const missing = findChromium() === null ? 'no Chromium (install it: sudo apt-get install -y chromium, or set PBJ_CHROMIUM)'
    : missingJar() !== null ? `${pbjJar} is missing: mvn -q -pl pb-cli -am package -DskipTests`
      : !existsSync(benchJar) ? `${benchJar} is missing: mvn -q -pl pb-bench -am package -DskipTests` : null;
  if (missing !== null) {
    console.error(`browser-echo: ${missing}`);
    process.exit(2);
  }
  const started = [];
  try {
    // started side by side; whatever started is stopped, whatever else failed
    const settled = await Promise.allSettled([startDemo(), startRawEcho(), launchChromium()]);
    const [demo, echo, chrome] = settled.map((s) => (s.status === 'fulfilled' ? s.value : null));
    if (chrome) started.push(() => chrome.close());
    if (demo) started.push(() => demo.stop());
    if (echo) started.push(() => echo.stop());
    const failed = settled.find((s) => s.status === 'rejected');
    if (failed) throw failed.reason;
    const page = await chrome.context.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${demo.site}pbj-client.js`); // a page of the demo's origin, without the demo's own connection
    const timeoutMs = (opts.seconds * (2 + 2 * opts.rounds) * INFLIGHT.length + opts.seconds * opts.rounds * 2
      + 120) * 1000;
    page.setDefaultTimeout(timeoutMs);
    const result = await Promise.race([
      page.evaluate(measureInPage, { ws: demo.ws, echoUrl: echo.url, inflight: INFLIGHT, seconds: opts.seconds,
        rounds: opts.rounds, batch: BATCH }),
      new Promise((_, reject) => setTimeout(() => reject(new Error(`no result within ${timeoutMs} ms`)), timeoutMs)
        .unref()),
    ]);
    if (errors.length) throw new Error(`the page failed: ${errors.join('; ')}`);
    const run = { date: new Date().toISOString(), cpus: cpus().length, chromium: await page.evaluate(() => navigator.userAgent), demo: demo.ws, rawEcho: echo.url, seconds: opts.seconds, rounds: opts.rounds, ...result };
    const text = table(run);
    console.log(text);
    mkdirSync(opts.dir, { recursive: true });
    writeFileSync(join(opts.dir, 'browser-echo.json'), `${JSON.stringify(run, null, 2)}\n`);
    writeFileSync(join(opts.dir, 'browser-echo.md'), `# pbj-client in headless Chromium against \`pbj demo\`\n\n`
      + `${run.date}, ${run.cpus} CPUs, ${run.chromium}; each figure the median of ${opts.rounds} runs of `
      + `${opts.seconds} s after one of warm-up, pbj-client and the echo interleaved; the echoed frame is the `
      + `${run.frameBytes} bytes pbj-client sends for echo('hello') over msgpack (${run.frameHex}).\n\n${text}\n`);
    console.log(`\nwritten: ${join(opts.dir, 'browser-echo.json')}, browser-echo.md`);
  } finally {
    for (const stop of started) {
      try {
        await stop();
      } catch (e) {
        console.error(`browser-echo: stopping: ${e.message}`);
      }
    }
  }
}

main().catch((e) => {
  console.error(`browser-echo: ${e.stack ?? e}`);
  process.exitCode = 1;
});
