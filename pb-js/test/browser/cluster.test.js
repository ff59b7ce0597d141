// The demo room across servers, in a real browser: Redis (Debian's redis-server), two `pbj demo --cluster` servers
// sharing it, and nginx in front (one listen port per server, WebSocket upgrades proxied as the README shows). A
// tab on each server sees what the other says; without Redis each server keeps serving its own tab, and once Redis
// is back what either says reaches the other tab once. Without Chromium, the jar, redis-server or nginx the tests
// are skipped with an install hint, and fail under CI=true. Screenshots: target/screenshots/cluster-*.png.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { launchChromium, missingChromium } from '../support/chromium.js';
import { missingJar, pbjCommand, startDemo } from '../support/demo-server.js';
import { missingNginx, startNginx } from '../support/nginx.js';
import { missingRedis, startRedis } from '../support/redis.js';

const SCREENSHOTS = fileURLToPath(new URL('../../target/screenshots/', import.meta.url));

const missing = missingChromium() ?? missingJar() ?? missingRedis() ?? missingNginx();
if (missing !== null) {
  describe('the demo room across two servers (Redis, nginx)', () => {
    if (missing.skip) {
      test('skipped', { skip: missing.skip }, () => {});
    } else {
      test('Chromium, pbj.jar, redis-server and nginx are available', () => {
        throw new Error(missing.fail);
      });
    }
  });
} else {
  let redis = null;
  let demos = [];
  let nginx = null;
  let chrome = null;

  before(async () => {
    redis = await startRedis();
    [demos, chrome] = await Promise.all([
      Promise.all([startDemo({ cluster: redis.uri }), startDemo({ cluster: redis.uri })]),
      launchChromium(),
    ]);
    nginx = await startNginx(demos.map((demo) => new URL(demo.ws).host));
  });

  after(async () => {
    await chrome?.close();
    await nginx?.close();
    await Promise.all(demos.map((demo) => demo.stop()));
    await redis?.close();
  });

  /**
   * Opens the demo page through nginx's port for server `index` and waits until it shows the room; checks that the
   * page came from that server (nginx names the upstream that answered in X-Upstream).
   */
  async function openOn(index) {
    const page = await chrome.context.newPage();
    page.setDefaultTimeout(15000);
    page.errors = [];
    page.on('pageerror', (error) => page.errors.push(`uncaught: ${error.message}`));
    const response = await page.goto(nginx.sites[index]);
    assert.equal(response.headers()['x-upstream'], new URL(demos[index].ws).host, 'the page of the server asked');
    await page.locator('#status[data-state="connected"]').waitFor();
    return page;
  }

  async function front(page) {
    await page.bringToFront();
    return page;
  }

  async function say(page, text) {
    await front(page);
    await page.locator('#text').fill(text);
    await page.locator('#send').click();
  }

  async function logIn(page, user, password) {
    await front(page);
    await page.locator('#user').fill(user);
    await page.locator('#password').fill(password);
    await page.locator('#login').click();
    await page.locator('#whoami', { hasText: user }).waitFor();
  }

  const messages = (page) => page.locator('#messages li');
  const texts = async (page) => (await messages(page).allTextContents()).map((text) => text.trim());

  async function shot(page, name) {
    await front(page);
    mkdirSync(SCREENSHOTS, { recursive: true });
    await page.screenshot({ path: `${SCREENSHOTS}${name}.png` });
  }

  describe('the demo room across two servers (Redis, nginx)', () => {
    test('a tab on each server sees the other tab\'s messages and members', async () => {
      const alice = await openOn(0);
      const bob = await openOn(1);
      await logIn(alice, 'alice', 'wonderland');
      await logIn(bob, 'bob', 'builder');
      // members are shared too: each tab lists the user logged in on the other server
      await alice.locator('#members li', { hasText: 'bob' }).waitFor();
      await bob.locator('#members li', { hasText: 'alice' }).waitFor();
      const cli = await pbjCommand('call', demos[0].tcp, 'say', '"Two servers, one room: say hello!"');
      assert.equal(cli.status, 0, cli.stderr);
      const conversation = [
        [alice, 'Hi Bob! I am on the first server.'],
        [bob, 'Hi Alice. I am on the second one; Redis carries our messages between them.'],
        [alice, 'And nginx proxies each of our WebSockets to its own server.'],
      ];
      for (const [page, text] of conversation) {
        await say(page, text);
        await messages(alice).filter({ hasText: text }).waitFor();
        await messages(bob).filter({ hasText: text }).waitFor();
      }
      const expected = ['Two servers, one room: say hello!', 'alice: Hi Bob! I am on the first server.',
        'bob: Hi Alice. I am on the second one; Redis carries our messages between them.',
        'alice: And nginx proxies each of our WebSockets to its own server.'];
      assert.deepEqual(await texts(alice), expected, 'in order, once each, on the first server');
      assert.deepEqual(await texts(bob), expected, 'the same on the second');
      await shot(alice, 'cluster-alice-server-1');
      await shot(bob, 'cluster-bob-server-2');
      assert.deepEqual(alice.errors, []);
      assert.deepEqual(bob.errors, []);
      await alice.close();
      await bob.close();
    });

    test('without Redis each server serves its own tab; back, the tabs see each other again, once', async () => {
      const first = await openOn(0);
      const second = await openOn(1);
      const before = await texts(first);
      assert.deepEqual(await texts(second), before, 'both tabs show the one room');

      await redis.stop();
      // no visible sign on the page (its server is still there): the first server's tab sees its own message
      const alone = `said while Redis was away ${Date.now()}`;
      await say(first, alone);
      await messages(first).filter({ hasText: alone }).waitFor();

      await redis.start(); // empty: a new log
      // the servers reconnect with backoff: say again until the other tab shows it
      const back = `said once Redis was back ${Date.now()}`;
      const cli = await pbjCommand('call', demos[1].tcp, 'say', JSON.stringify(back));
      assert.equal(cli.status, 0, cli.stderr);
      await messages(second).filter({ hasText: back }).waitFor();
      const reply = `the first server hears it too ${Date.now()}`;
      const deadline = Date.now() + 30000;
      // the second server may have said `back` before the first one was reconnected: that one is the second's only
      while (!(await texts(first)).includes(back) && Date.now() < deadline) {
        await messages(first).filter({ hasText: back }).waitFor({ timeout: 1000 }).catch(() => {});
      }
      await say(first, reply);
      await messages(second).filter({ hasText: reply }).waitFor({ timeout: 30000 });
      await messages(first).filter({ hasText: reply }).waitFor();
      const onFirst = await texts(first);
      const onSecond = await texts(second);
      assert.equal(onFirst.filter((text) => text === reply).length, 1, 'once on the first server');
      assert.equal(onSecond.filter((text) => text === reply).length, 1, 'once on the second');
      assert.equal(onSecond.includes(alone), false, 'what the first said alone stayed on the first');
      assert.equal(onFirst.filter((text) => text === alone).length, 1);
      await shot(first, 'cluster-after-redis-returned-server-1');
      await shot(second, 'cluster-after-redis-returned-server-2');
      assert.deepEqual(first.errors, []);
      assert.deepEqual(second.errors, []);
      await first.close();
      await second.close();
    });
  });
}
