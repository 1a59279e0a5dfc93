// Browser-side helpers for the dashboard's tests: sign in through the login form, and find
// controls, charts and regions that assistive technology could not name.
import type { Page } from 'playwright-core';

/** Opens `url` (redirected to the login form without a session), submits `token`; waits for the fleet when it should work. */
export async function signInWithToken(page: Page, url: string, token: string, expectSuccess = true): Promise<void> {
  await page.goto(url);
  await page.waitForURL(/\/login(\?|$)/);
  await page.getByLabel('Access token').fill(token);
  await page.getByRole('button', { name: 'Sign in' }).click();
  if (expectSuccess) await page.locator('#machines').waitFor({ timeout: 10_000 });
  else await page.waitForLoadState();
}

/**
 * Elements without an accessible name: form controls without a label, buttons and links without
 * text, charts (role=img) without aria-label, sections whose aria-labelledby points nowhere,
 * tables without headers. Returns a short description of each (empty: all named).
 */
export async function unlabelledControls(page: Page): Promise<string[]> {
  // A string, so it runs in the page as written (this project's TypeScript has no DOM types).
  return page.evaluate<string[]>(String.raw`(() => {
    const bad = [];
    const describe = (e) => e.outerHTML.slice(0, 120);
    const visible = (e) => !e.closest('[hidden]');
    const named = (e) => {
      const aria = e.getAttribute('aria-label');
      if (aria && aria.trim()) return true;
      const by = e.getAttribute('aria-labelledby');
      if (by && by.split(/\s+/).every((id) => document.getElementById(id)?.textContent?.trim())) return true;
      const labels = e.labels;
      if (labels && [...labels].some((l) => l.textContent?.trim())) return true;
      return false;
    };
    for (const e of document.querySelectorAll('input:not([type=hidden]), select, textarea')) if (visible(e) && !named(e)) bad.push('control: ' + describe(e));
    for (const e of document.querySelectorAll('button, a[href]')) if (visible(e) && !named(e) && !e.textContent?.trim()) bad.push('button/link: ' + describe(e));
    for (const e of document.querySelectorAll('svg')) if (e.getAttribute('role') !== 'img' || !named(e)) bad.push('chart: ' + describe(e));
    for (const e of document.querySelectorAll('section, nav')) if (!named(e)) bad.push('region: ' + describe(e));
    for (const t of document.querySelectorAll('table')) if (!t.querySelector('th')) bad.push('table: ' + describe(t));
    if (!document.documentElement.lang) bad.push('page: no lang');
    return bad;
  })()`);
}
