// keepConnected in a real browser: a page of the demo's origin runs this package's src/ (served to the page by
// Playwright's routing, so it is the working tree's code, not the copy inside pbj.jar), keeps a connection to
// `pbj demo`, and the test kills the server and starts it again on the same port: the page's handle reconnects,
// logs in again, and the call it made while the server was down is answered. Without Chromium or the jar the
// test is skipped with the reason, and fails under CI=true.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { launchChromium, missingChromium } from '../support/chromium.js';
import { missingJar, startDemo } from '../support/demo-server.js';

const SRC = new URL('../../src/', import.meta.url);
const TIMEOUT = 60000;

const missing = missingChromium() ?? missingJar();
if (missing !== null) {
  describe('keepConnected in Chromium (pbj demo)', () => {
    if (missing.skip) {
      test('skipped', { skip: missing.skip }, () => {});
    } else {
      test('Chromium and pbj.jar are available', () => {
        throw new Error(missing.fail);
      });
    }
  });
} else {
  const servers = [];
  let chrome = null;

  before(async () => {
    const [demo, browser] = await Promise.all([startDemo(), launchChromium()]);
    servers.push(demo);
    chrome = browser;
  });

  after(async () => {
    await chrome?.close();
    for (const server of servers) await server.stop();
  });

  /**
   * A page of the demo's origin with this package's modules at /pbj-src/. The page itself comes from the server
   * (its `/pbj-client.js`, shown as text): Chromium lets only a document loaded from the loopback address open a
   * WebSocket to it, and one that Playwright made up has no address.
   */
  async function openPage(site) {
    const page = await chrome.context.newPage();
    page.setDefaultTimeout(TIMEOUT);
    page.errors = [];
    page.on('pageerror', (error) => page.errors.push(`uncaught: ${error.message}`));
    await page.route(`${site}pbj-src/*.js`, async (route) => {
      const name = new URL(route.request().url()).pathname.slice('/pbj-src/'.length);
      route.fulfill({ contentType: 'text/javascript; charset=utf-8', body: await readFile(new URL(name, SRC), 'utf8') });
    });
    await page.goto(`${site}pbj-client.js`);
    return page;
  }

  describe('keepConnected in Chromium (pbj demo)', () => {
    test('the server is killed and started again on the same port: the page reconnects and logs in again',
      async () => {
        const [first] = servers;
        const page = await openPage(first.site);
        await page.evaluate(async (ws) => {
          const pbj = await import('/pbj-src/index.js');
          const handle = pbj.keepConnected(ws, {
            initialDelay: 100, maxDelay: 800, login: { username: 'alice', password: 'wonderland' },
            whileDisconnected: 'wait',
          });
          window.handle = handle;
          window.events = [];
          for (const type of ['connecting', 'connected', 'disconnected', 'gaveUp', 'closed']) {
            handle.on(type, (e) => window.events.push(e.attempt === undefined ? type : `${type}:${e.attempt}`));
          }
        }, first.ws);
        await page.waitForFunction(() => window.handle.state === 'connected');
        assert.equal(await page.evaluate(() => window.handle.avatar().callRemote('whoami')), 'alice');
        assert.equal(await page.evaluate(() => window.handle.connection.serializer), 'banana');

        await first.kill();
        await page.waitForFunction(() => window.handle.state !== 'connected');
        await page.evaluate(() => {
          window.waited = window.handle.root().callRemoteWith({ timeout: 60000 }, 'echo', 'made while down')
            .then((value) => ({ value }), (e) => ({ error: `${e.name}: ${e.message}` }));
        });
        // at least one attempt against the dead port fails before the server is back
        await page.waitForFunction(() => window.events.filter((e) => e.startsWith('disconnected')).length >= 2);
        const second = await startDemo({ ws: new URL(first.ws).host });
        servers.push(second);
        await page.waitForFunction(() => window.handle.state === 'connected');
        assert.deepEqual(await page.evaluate(() => window.waited), { value: 'made while down' });
        assert.equal(await page.evaluate(() => window.handle.avatar().callRemote('whoami')), 'alice');
        const events = await page.evaluate(() => window.events);
        assert.deepEqual(events.slice(0, 3), ['connecting:1', 'connected:1', 'disconnected:0']);
        assert.match(events.at(-1), /^connected:\d+$/, `events ${events}`);
        assert.equal(events.filter((e) => e.startsWith('connected:')).length, 2, `events ${events}`);
        await page.evaluate(() => window.handle.close());
        assert.equal(await page.evaluate(() => window.handle.state), 'closed');
        // the browser logs each refused attempt on the console: only uncaught errors count here
        assert.deepEqual(page.errors, []);
        await page.close();
      });
  });
}
