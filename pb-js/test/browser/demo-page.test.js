// pbj-client in a real browser: `pbj demo` from pb-cli's jar serves the page and the client module, Debian's
// Chromium runs them headless (driven by playwright-core). API checks run in the page through the served
// `/pbj-client.js`; UI checks drive the demo page by its element ids. Without Chromium the tests are skipped with
// an install hint, and fail under CI=true. The screenshot is kept at target/screenshots/demo.png.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { launchChromium, missingChromium } from '../support/chromium.js';
import { missingJar, pbjCommand, startDemo } from '../support/demo-server.js';

const SCREENSHOTS = fileURLToPath(new URL('../../target/screenshots/', import.meta.url));
const SERIALIZERS = ['banana', 'msgpack'];

/**
 * Runs in the page (installed as `window.pbjDescribe`): a plain JSON description of a value that tells every
 * type pbj-client distinguishes (number vs bigint, tuple vs list, Map vs dict, Set vs FrozenSet, bytes) and
 * records sharing and cycles as `{ ref: path }` to the first place an object was met. Two values with equal
 * descriptions have the same types, contents, sharing and cycles.
 */
function describeValue(value, pbj, seen = new Map(), path = '$') {
  if (value === null) return { null: true };
  if (value === undefined) return { undefined: true };
  switch (typeof value) {
    case 'boolean':
      return { bool: value };
    case 'number':
      return { number: Object.is(value, -0) ? '-0' : String(value) };
    case 'bigint':
      return { bigint: value.toString() };
    case 'string':
      return { string: value };
    default:
      break;
  }
  if (seen.has(value)) return { ref: seen.get(value) };
  seen.set(value, path);
  const items = (list, tag) => list.map((item, i) => describeValue(item, pbj, seen, `${path}${tag}[${i}]`));
  const sorted = (list) => list.map((item) => JSON.stringify(item)).sort().map((text) => JSON.parse(text));
  if (value instanceof Uint8Array) return { bytes: Array.from(value).join(',') };
  if (value instanceof pbj.Tuple) return { tuple: items([...value], 't') };
  if (Array.isArray(value)) return { list: items(value, '') };
  if (value instanceof pbj.FrozenSet) return { frozenset: sorted(items([...value], 'f')) };
  if (value instanceof Set) return { set: sorted(items([...value], 's')) };
  if (value instanceof Map) {
    return { map: [...value].map(([k, v], i) => [describeValue(k, pbj, seen, `${path}k${i}`),
      describeValue(v, pbj, seen, `${path}v${i}`)]) };
  }
  const proto = Object.getPrototypeOf(value);
  if (proto === Object.prototype || proto === null) {
    return { dict: Object.keys(value).sort().map((k) => [k, describeValue(value[k], pbj, seen, `${path}.${k}`)]) };
  }
  return { object: value.constructor?.name ?? 'unknown' };
}
const PAGE_HELPERS = `window.pbjDescribe = ${describeValue.toString()};`;

const missing = missingChromium() ?? missingJar();
if (missing !== null) {
  describe('pbj-client in Chromium (pbj demo)', () => {
    if (missing.skip) {
      test('skipped', { skip: missing.skip }, () => {});
    } else {
      test('Chromium and pbj.jar are available', () => {
        throw new Error(missing.fail);
      });
    }
  });
} else {
  let demo = null;
  let chrome = null;
  const pages = [];

  before(async () => {
    [demo, chrome] = await Promise.all([startDemo(), launchChromium()]);
    await chrome.context.addInitScript({ content: PAGE_HELPERS });
  });

  after(async () => {
    await chrome?.close();
    if (demo !== null) await demo.stop();
  });

  /**
   * Opens the demo page of `server` (default: the shared demo) and waits until it shows the room; the page's
   * uncaught errors are collected in `page.errors`.
   */
  async function openDemo({ serializer, server = demo, wait = true } = {}) {
    const page = await chrome.context.newPage();
    page.setDefaultTimeout(15000);
    page.errors = [];
    page.on('pageerror', (error) => page.errors.push(`uncaught: ${error.message}`));
    page.on('console', (message) => {
      if (message.type() === 'error') page.errors.push(`console: ${message.text()}`);
    });
    pages.push(page);
    await page.goto(server.site + (serializer ? `?serializer=${serializer}` : ''));
    if (wait) await page.locator('#status[data-state="connected"]').waitFor();
    return page;
  }

  async function closePage(page) {
    assert.deepEqual(page.errors, [], 'the page logged no errors');
    await page.close();
  }

  const messages = (page) => page.locator('#messages li');

  /**
   * Brings `page` to the front before the test clicks or types in it: the new headless Chromium shows one tab at
   * a time, and a tab in the background gets its animation frames throttled, which slows Playwright's checks
   * that an element is stable to seconds.
   */
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
  }

  describe('the page connects', () => {
    for (const serializer of SERIALIZERS) {
      test(`with ${serializer}: status connected, the room's topic shown`, async () => {
        const page = await openDemo({ serializer });
        assert.match(await page.locator('#status').textContent(), new RegExp(`^connected · ${serializer}$`));
        assert.equal(await page.locator('#topic').textContent(), 'PBJ demo room');
        assert.equal(await page.locator('#whoami').textContent(), 'nobody');
        assert.equal(await page.evaluate(() => window.pbjDemo.connection.serializer), serializer);
        assert.equal(await page.locator('#send').isEnabled(), true);
        await closePage(page);
      });
    }
  });

  describe('the API through /pbj-client.js', () => {
    for (const serializer of SERIALIZERS) {
      test(`echo of every value type comes back equal (${serializer})`, async () => {
        const page = await openDemo();
        const results = await page.evaluate(async ({ ws, serializer: name }) => {
          const pbj = await import('/pbj-client.js');
          const { tuple, FrozenSet } = pbj;
          const shared = [1, 2];
          const sharedDict = { k: 'v' };
          const cycle = ['cycle'];
          cycle.push(cycle);
          const cyclicDict = { name: 'd' };
          cyclicDict.self = cyclicDict;
          const outer = { items: [] };
          outer.items.push(outer);
          const values = {
            None: null,
            True: true,
            False: false,
            zero: 0,
            'small int': 42,
            'negative int': -7,
            'int beyond 32 bits': 2 ** 40,
            'largest safe integer': Number.MAX_SAFE_INTEGER,
            'smallest safe integer': -Number.MAX_SAFE_INTEGER,
            'bigint 2^53 + 1': 2n ** 53n + 1n,
            'bigint max long': 2n ** 63n - 1n,
            'bigint min long': -(2n ** 63n),
            'bigint beyond 64 bits': 2n ** 64n,
            'negative bigint beyond 128 bits': -(10n ** 40n) - 7n,
            float: 2.5,
            'negative float': -0.125,
            'large float': 1e300,
            'smallest float': 5e-324,
            'negative zero': -0,
            NaN: Number.NaN,
            Infinity: Number.POSITIVE_INFINITY,
            '-Infinity': Number.NEGATIVE_INFINITY,
            'empty text': '',
            text: 'hello',
            'unicode text': 'héllo wörld — ✓ 日本語 🎉 𝄞 \u0000 \u{10FFFF}',
            'vocabulary word as text': 'copy',
            'long text': 'abc'.repeat(30000),
            bytes: Uint8Array.from({ length: 256 }, (_, i) => i),
            'empty bytes': new Uint8Array(0),
            list: [1, 'a', [true, null, [2.5]]],
            'empty list': [],
            tuple: tuple(1, 'two', tuple()),
            'empty tuple': tuple(),
            dict: { a: 1, 'b c': [1, 2], nested: { deep: { deeper: 'yes' } } },
            'empty dict': {},
            'dict with __proto__ key': JSON.parse('{"__proto__": 1, "x": 2}'),
            'Map with keys that are not text': new Map([[1, 'one'], [2.5, 'float'], [tuple(3, 4), 'pair'],
              ['text', 'str']]),
            Set: new Set([1, 'a', tuple(1, 2)]),
            'empty Set': new Set(),
            FrozenSet: new FrozenSet([1, 2, 3]),
            'FrozenSet of text': new FrozenSet(['x', 'y']),
            nested: { list: [tuple(1, new Uint8Array([9])), new Set(['x'])],
              map: new Map([[1, { a: [null, 2n ** 80n] }]]), frozen: new FrozenSet(['f']) },
            'shared list': [shared, shared, { again: shared }],
            'shared dict': [sharedDict, sharedDict],
            'cyclic list': cycle,
            'cyclic dict': cyclicDict,
            'cycle through a dict': outer,
          };
          const connection = await pbj.connect(ws, { serializer: name });
          try {
            const root = await connection.getRootObject();
            const out = [];
            for (const [label, value] of Object.entries(values)) {
              const back = await root.callRemote('echo', value);
              out.push({ label, sent: window.pbjDescribe(value, pbj), got: window.pbjDescribe(back, pbj) });
            }
            return { serializer: connection.serializer, out };
          } finally {
            connection.close();
          }
        }, { ws: demo.ws, serializer });
        assert.equal(results.serializer, serializer);
        assert.ok(results.out.length >= 45, `${results.out.length} values`);
        for (const { label, sent, got } of results.out) {
          assert.deepStrictEqual(got, sent, `echo(${label}) over ${serializer}`);
        }
        await closePage(page);
      });
    }

    test('the server calls back into an object of the page', async () => {
      const page = await openDemo();
      const result = await page.evaluate(async ({ ws }) => {
        const pbj = await import('/pbj-client.js');
        const connection = await pbj.connect(ws);
        try {
          const root = await connection.getRootObject();
          const seen = [];
          const listener = new pbj.Referenceable({
            got(x) {
              seen.push(x);
              return { echoed: x, from: 'the page', calls: seen.length };
            },
          });
          const answer = await root.callRemote('callback', listener, 'ping');
          class Doubler extends pbj.Referenceable {
            got(x) {
              return x * 2;
            }
          }
          const doubled = await root.callRemote('callback', new Doubler(), 21);
          const later = await root.callRemote('callback', new pbj.Referenceable({
            got: async (x) => {
              await new Promise((resolve) => setTimeout(resolve, 50));
              return `later ${x}`;
            },
          }), 'x');
          let failure = null;
          try {
            await root.callRemote('callback', new pbj.Referenceable({
              got() {
                throw new pbj.PbError('not today');
              },
            }), 0);
          } catch (e) {
            failure = { name: e.name, remoteType: e.remoteType, message: e.message };
          }
          return { answer, seen, doubled, later, failure };
        } finally {
          connection.close();
        }
      }, { ws: demo.ws });
      assert.deepStrictEqual(result, {
        answer: { echoed: 'ping', from: 'the page', calls: 1 },
        seen: ['ping'],
        doubled: 42,
        later: 'later x',
        failure: { name: 'RemoteError', remoteType: 'twisted.spread.pb.Error', message: 'not today' },
      });
      await closePage(page);
    });

    test('a timeout and an AbortSignal end a slow call in the browser; the connection serves on', async () => {
      const page = await openDemo();
      const result = await page.evaluate(async ({ ws }) => {
        const pbj = await import('/pbj-client.js');
        const connection = await pbj.connect(ws, { serializer: 'msgpack' });
        try {
          const root = await connection.getRootObject();
          // the server's callback waits for got(), which never answers: a slow call
          const never = new pbj.Referenceable({ got: () => new Promise(() => {}) });
          const outcome = (promise) => promise.then((answer) => ({ answer }),
            (e) => ({ name: e.name, deadline: e.deadline, typed: e instanceof pbj.DeadlineExceededError }));
          const timedOut = await outcome(root.withDeadline(200).callRemote('callback', never, 'slow'));
          const controller = new AbortController();
          const aborting = outcome(root.callRemoteWith({ signal: controller.signal }, 'callback', never, 'x'));
          controller.abort();
          const aborted = await aborting;
          const already = await outcome(root.callRemoteWith({ signal: AbortSignal.abort() }, 'echo', 1));
          return {
            extensions: connection.extensions,
            timedOut,
            aborted,
            already,
            after: await root.callRemote('echo', 'after'),
            pending: connection.stats().pendingCalls,
          };
        } finally {
          connection.close();
        }
      }, { ws: demo.ws });
      assert.deepStrictEqual(result, {
        extensions: true,
        timedOut: { name: 'DeadlineExceededError', deadline: 200, typed: true },
        aborted: { name: 'AbortError', deadline: undefined, typed: false },
        already: { name: 'AbortError', deadline: undefined, typed: false },
        after: 'after',
        pending: 0,
      });
      await closePage(page);
    });

    test('the page receives a copy as its registered Point and sends one back', async () => {
      const page = await openDemo();
      const result = await page.evaluate(async ({ ws }) => {
        const pbj = await import('/pbj-client.js');
        class Point {
          static pbTypeName = 'pbj.demo.Point';

          constructor(x, y) {
            this.x = x;
            this.y = y;
          }

          getStateToCopy() {
            return { x: this.x, y: this.y };
          }

          norm() {
            return Math.hypot(this.x, this.y);
          }
        }
        const copies = new pbj.CopyRegistry().registerCopy('pbj.demo.Point', { fromState: (s) => new Point(s.x, s.y) });
        const connection = await pbj.connect(ws, { copies });
        try {
          const root = await connection.getRootObject();
          const p = await root.callRemote('point', 3, 4);
          const accepted = await root.callRemote('accept_point', new Point(1, 2));
          let refused = null;
          try {
            await root.callRemote('room'); // a cache of a type this registry lacks
          } catch (e) {
            refused = { name: e.name, typeName: e.typeName };
          }
          return { isPoint: p instanceof Point, x: p.x, y: p.y, norm: p.norm(), accepted, refused };
        } finally {
          connection.close();
        }
      }, { ws: demo.ws });
      assert.deepStrictEqual(result, {
        isPoint: true, x: 3, y: 4, norm: 5, accepted: [1, 2],
        refused: { name: 'InsecureJellyError', typeName: 'pbj.demo.Room' },
      });
      await closePage(page);
    });
  });

  describe('the room', () => {
    test('the page sees what the Java CLI says, over TCP', async () => {
      const page = await openDemo();
      const text = `hello from the CLI ${Date.now()}`;
      const call = await pbjCommand('call', demo.tcp, 'say', JSON.stringify(text));
      assert.equal(call.status, 0, call.stderr);
      await messages(page).filter({ hasText: text }).waitFor();
      await closePage(page);
    });

    test('a page sees what a second page says', async () => {
      const first = await openDemo();
      const second = await openDemo({ serializer: 'msgpack' });
      const text = `hello from the second page ${Date.now()}`;
      await say(second, text);
      await messages(first).filter({ hasText: text }).waitFor();
      await messages(second).filter({ hasText: text }).waitFor();
      assert.equal(await second.locator('#text').inputValue(), '', 'the text box is cleared once sent');
      // Enter sends too
      const again = `${text}, again`;
      await front(first);
      await first.locator('#text').fill(again);
      await first.locator('#text').press('Enter');
      await messages(second).filter({ hasText: again }).waitFor();
      await closePage(first);
      await closePage(second);
    });

    test('login as alice: whoami, membership, shout; a wrong password is refused', async () => {
      const page = await openDemo();
      const watcher = await openDemo();
      await logIn(page, 'alice', 'wonderland');
      await page.locator('#whoami', { hasText: 'alice' }).waitFor();
      assert.equal(await page.locator('#whoami').textContent(), 'alice');
      await watcher.locator('#members li', { hasText: 'alice' }).waitFor();
      const text = `shouted ${Date.now()}`;
      await say(page, text);
      await messages(watcher).filter({ hasText: `alice: ${text}` }).waitFor();
      await messages(page).filter({ hasText: `alice: ${text}` }).waitFor();
      assert.equal(await messages(page).filter({ hasText: `alice: ${text}` }).getAttribute('class'), 'mine');
      // logging out releases the avatar: alice leaves the room
      await page.locator('#logout').click();
      await page.locator('#whoami', { hasText: 'nobody' }).waitFor();
      await watcher.locator('#members li', { hasText: 'alice' }).waitFor({ state: 'detached' });

      await logIn(page, 'bob', 'wrong');
      await page.locator('#login-error').waitFor();
      assert.match(await page.locator('#login-error').textContent(),
        /^Login refused: wrong user name or password \(twisted\.cred\.error\.UnauthorizedLogin\)$/);
      assert.equal(await page.locator('#whoami').textContent(), 'nobody');

      await page.locator('#anonymous').click();
      await page.locator('#whoami', { hasText: 'anonymous' }).waitFor();
      assert.equal(await page.locator('#login-error').isHidden(), true, 'the error is gone once logged in');
      await closePage(page);
      await closePage(watcher);
    });
  });

  describe('a demo of its own', () => {
    test('screenshot: two users chatting', async () => {
      const server = await startDemo();
      try {
        const alice = await openDemo({ server });
        const bob = await openDemo({ server });
        for (const [page, user, password] of [[alice, 'alice', 'wonderland'], [bob, 'bob', 'builder']]) {
          await logIn(page, user, password);
          await page.locator('#whoami', { hasText: user }).waitFor();
        }
        const cli = await pbjCommand('call', server.tcp, 'say', '"The room is open: say hello!"');
        assert.equal(cli.status, 0, cli.stderr);
        const conversation = [
          [alice, 'Hi Bob! This page talks Perspective Broker over a WebSocket.'],
          [bob, 'Hi Alice. Same room from my tab, through a RemoteCache of pbj.demo.Room.'],
          [alice, 'And a Twisted client on the TCP port would see us too.'],
          [bob, 'This tab speaks banana; ?serializer=msgpack switches to MessagePack.'],
        ];
        for (const [page, text] of conversation) {
          await say(page, text);
          await messages(alice).filter({ hasText: text }).waitFor();
          await messages(bob).filter({ hasText: text }).waitFor();
        }
        await alice.locator('#members li', { hasText: 'bob' }).waitFor();
        await front(alice);
        mkdirSync(SCREENSHOTS, { recursive: true });
        await alice.screenshot({ path: `${SCREENSHOTS}demo.png` });
        assert.equal(await messages(alice).count(), conversation.length + 1);
        await closePage(alice);
        await closePage(bob);
      } finally {
        await server.stop();
      }
    });

    test('the page sees the server stop: status disconnected, a pending call rejects', async () => {
      const server = await startDemo();
      let page;
      try {
        page = await openDemo({ server });
        // a call the server cannot answer before it stops: it waits for the page's got(), which never answers
        await page.evaluate(async () => {
          const pbj = await import('/pbj-client.js');
          let called;
          const gotCalled = new Promise((resolve) => {
            called = resolve;
          });
          const never = new pbj.Referenceable({
            got() {
              called();
              return new Promise(() => {});
            },
          });
          window.pending = window.pbjDemo.root.callRemote('callback', never, 'wait').then(
            (answer) => ({ answered: answer }),
            (e) => ({ name: e.name, isConnectionLost: e instanceof pbj.ConnectionLostError }));
          await gotCalled;
        });
        assert.equal(await server.stop(), 0, `pbj demo exits 0; stderr: ${server.stderr()}`);
        await page.locator('#status[data-state="disconnected"]').waitFor();
        assert.match(await page.locator('#status').textContent(), /^disconnected/);
        assert.equal(await page.locator('#send').isDisabled(), true);
        assert.deepStrictEqual(await page.evaluate(() => window.pending),
          { name: 'ConnectionLostError', isConnectionLost: true });
        const dead = await page.evaluate(async () => {
          try {
            await window.pbjDemo.root.callRemote('echo', 1);
            return 'answered';
          } catch (e) {
            return e.name;
          }
        });
        assert.equal(dead, 'DeadReferenceError');
      } finally {
        await server.kill();
      }
      // the browser may log the refused reconnection of nothing: only uncaught errors count here
      assert.deepEqual(page?.errors.filter((e) => e.startsWith('uncaught')), []);
      await page?.close();
    });
  });
}
