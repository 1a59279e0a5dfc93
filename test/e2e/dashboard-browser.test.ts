// The dashboard in a real browser: while the embedded pipeline runs, the page lists the plant's
// machines and shows an injected fault's incident and its purchase order as they happen (live
// over server-sent events, no reload). Screenshots go to artifacts/ for people to look at.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '../../src/core/index.ts';
import { startPipeline } from '../../src/cli/pipeline.ts';
import { readEnv } from '../../src/cli/env.ts';
import { launchBrowser, needBrowser } from '../support/browser.ts';

const HOUR = 3_600_000;
const ARTIFACTS = join(import.meta.dirname, '..', '..', 'artifacts');

test('e2e dashboard - the page shows the machines, then an incident and its order live', { timeout: 240_000, skip: needBrowser() }, async () => {
  const startMs = Date.UTC(2026, 0, 5, 6, 0);
  const pipeline = await startPipeline(
    {
      machines: 3, sites: 1, seed: 7, speed: 400_000, durationMs: 40 * HOUR, startMs, dashboardPort: 0,
      faultPlan: [{ machine: 'pump-001', fault: 'bearing-outer-race', onsetMs: startMs + 8 * HOUR, failureMs: startMs + 44 * HOUR }],
      workDir: mkdtempSync(join(tmpdir(), 'edge-pdm-dash-')), inMemoryStores: true,
    },
    readEnv({}),
    silentLogger(),
  );
  const browser = await launchBrowser();
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    // The demo prints a one-time login link: one click and the user is in.
    await page.goto(pipeline.dashboardLoginUrl!());
    assert.equal(new URL(page.url()).pathname, '/', 'signed in and on the dashboard');
    const running = pipeline.run();
    // The machines appear as their first status reports arrive.
    for (const m of ['pump-001', 'motor-002', 'fan-003']) {
      await page.getByRole('cell', { name: m, exact: true }).first().waitFor({ timeout: 60_000 });
    }
    // The incident and its work order arrive live, without a reload (the bearing is on the shelf: reserved, not bought).
    await page.getByText('bearing-outer-race').first().waitFor({ timeout: 120_000 });
    await page.getByText(/WO-\d+/).first().waitFor({ timeout: 60_000 });
    await running;
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'dashboard-pipeline-fleet.png') });
    // Clicking the incident opens its timeline, from the alarm to the work order.
    await page.locator('#incidents').getByRole('link', { name: /pump-001/ }).first().click();
    await page.locator('#timeline-table').waitFor();
    // The enterprise record (reservation, work order) arrives after the timeline first renders.
    await page.locator('main').getByText(/MAT-BRG-6205/).first().waitFor({ timeout: 30_000 });
    const body = await page.locator('main').innerText();
    assert.match(body, /Outer race: envelope peak at 3\.\d+x shaft speed/);
    assert.match(body, /MAT-BRG-6205/, 'the pump\'s bearing is the part');
    assert.match(body, /WO-\d+/, 'the work order is on the timeline');
    assert.deepEqual(errors, [], 'no script errors or failed requests');
    await page.screenshot({ path: join(ARTIFACTS, 'dashboard-pipeline-incident.png'), fullPage: true });
  } finally {
    await browser.close();
    await pipeline.close();
  }
});
