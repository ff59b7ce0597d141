// Opens the browser app's page in headless Chromium (pb-js's test harness: Debian's Chromium through
// playwright-core, from pb-js/node_modules), waits until the page says it is done, saves a screenshot and prints
// one JSON line: what the page shows. Run by BrowserAppTest:
//   node check-page.mjs CHECKOUT_ROOT PAGE_URL SCREENSHOT_PATH
// Prints `SKIP reason` (exit 0) without Chromium outside CI; under CI=true that is a failure (exit 1).
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';

const [root, url, screenshot] = process.argv.slice(2);
const { launchChromium, missingChromium } = await import(
  pathToFileURL(join(root, 'pb-js', 'test', 'support', 'chromium.js')).href);

const missing = missingChromium();
if (missing?.skip) {
  console.log(`SKIP ${missing.skip}`);
  process.exit(0);
}
if (missing?.fail) {
  console.error(missing.fail);
  process.exit(1);
}

const chrome = await launchChromium();
try {
  const page = await chrome.context.newPage();
  const errors = [];
  page.on('pageerror', (error) => errors.push(`uncaught: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`console: ${message.text()}`);
  });
  page.setDefaultTimeout(30000);
  await page.goto(url);
  await page.locator('#status:is([data-state="done"], [data-state="failed"])').waitFor();
  mkdirSync(dirname(screenshot), { recursive: true });
  await page.screenshot({ path: screenshot });
  const shown = await page.evaluate(() => Object.fromEntries(
    [...document.querySelectorAll('#status, dd')].map((element) => [element.id, element.textContent])));
  console.log(JSON.stringify({ shown, errors }));
} finally {
  await chrome.close();
}
