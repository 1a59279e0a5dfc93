// Gate for browser tests: Debian's Chromium driven by playwright-core. Without
// PDM_REQUIRE_SERVICES=1 a missing browser skips the test with a message; with it (CI) the test fails.
import { existsSync } from 'node:fs';
import type { Browser } from 'playwright-core';

export const CHROMIUM_PATH = process.env.PDM_CHROMIUM ?? '/usr/bin/chromium';

/** `false` when Chromium is installed (run the test), else a skip message; throws when it is required. */
export function needBrowser(): false | string {
  if (existsSync(CHROMIUM_PATH)) return false;
  const msg = `needs Chromium at ${CHROMIUM_PATH} (apt-get install chromium)`;
  if (process.env.PDM_REQUIRE_SERVICES === '1') throw new Error(`PDM_REQUIRE_SERVICES=1 but this test ${msg}`);
  return msg;
}

/** Launches headless Chromium with the flags this closed network needs. */
export async function launchBrowser(): Promise<Browser> {
  const { chromium } = await import('playwright-core');
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'],
  });
}
