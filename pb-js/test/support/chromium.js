// The real browser of the browser tests: the system's Chromium (Debian's package), driven by playwright-core.
// Never downloads a browser. PBJ_CHROMIUM names another Chromium or Chrome executable.
import { accessSync, constants, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const INSTALL_HINT = 'sudo apt-get install -y chromium';
const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];

/** The Chromium executable to use, or null. */
export function findChromium() {
  const candidates = process.env.PBJ_CHROMIUM ? [process.env.PBJ_CHROMIUM] : CANDIDATES;
  for (const path of candidates) {
    try {
      accessSync(path, constants.X_OK);
      return path;
    } catch {
      // next
    }
  }
  return null;
}

/** Why the browser tests cannot run: `{ skip }` outside CI, `{ fail }` under CI=true; null when they can. */
export function missingChromium() {
  if (findChromium() !== null) return null;
  const why = process.env.PBJ_CHROMIUM ? `PBJ_CHROMIUM=${process.env.PBJ_CHROMIUM} is not an executable`
    : `no Chromium at ${CANDIDATES.join(', ')}; install it: ${INSTALL_HINT}`;
  return process.env.CI === 'true' ? { fail: why } : { skip: why };
}

/**
 * Launches headless Chromium with a fresh profile in a temporary folder; resolves to
 * `{ browser, close() }` (close also removes the profile).
 */
export async function launchChromium() {
  const { chromium } = await import('playwright-core');
  const profile = mkdtempSync(join(tmpdir(), 'pbj-chromium-'));
  // launchPersistentContext takes the profile folder (--user-data-dir); one context, pages opened from it
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: findChromium(),
    headless: true,
    viewport: { width: 1100, height: 720 },
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
    timeout: 60000,
  });
  return {
    context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
