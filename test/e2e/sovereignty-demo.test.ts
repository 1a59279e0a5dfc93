// The demo pipeline with sovereignty on by default (src/cli/sovereignty.ts wired by startPipeline):
// the incident is decided through sealed envelopes, the audit log in the demo's database verifies
// intact with the `audit verify` code path once the demo has stopped, and a revoked site shows as
// revoked. Skipped while the pipeline does not expose its sovereignty layer.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '../../src/core/index.ts';
import { startPipeline } from '../../src/cli/pipeline.ts';
import { readEnv } from '../../src/cli/env.ts';
import { runAuditVerify } from '../../src/cli/commands/audit.ts';
import type { DemoSovereignty } from '../../src/cli/sovereignty.ts';
import { openStore } from '../../src/store/index.ts';

const HOUR = 3_600_000;

test('e2e sovereignty demo - sealed by default, decided, audit verify intact after the run, revocation shown', { timeout: 300_000 }, async (t) => {
  const workDir = mkdtempSync(join(tmpdir(), 'edge-pdm-sov-demo-'));
  t.after(() => rmSync(workDir, { recursive: true, force: true }));
  const startMs = Date.UTC(2026, 0, 5, 6, 0);
  const pipeline = await startPipeline(
    {
      machines: 3, sites: 1, seed: 7, speed: Infinity, durationMs: 40 * HOUR, startMs,
      faultPlan: [{ machine: 'pump-001', fault: 'bearing-outer-race', onsetMs: startMs + 8 * HOUR, failureMs: startMs + 44 * HOUR }],
      workDir,
    },
    readEnv({}),
    silentLogger(),
  );
  const sov = (pipeline as { sovereignty?: DemoSovereignty }).sovereignty;
  try {
    if (!sov) {
      t.skip('startPipeline does not wire src/cli/sovereignty.ts yet');
      return;
    }
    await pipeline.run();
    const edges = [...pipeline.edges.values()];
    assert.ok(pipeline.cloud.incidents().some((i) => i.outcome), 'an incident decided through the sealed link');
    assert.equal(pipeline.cloud.stats()['cloud.intake.unsealed'], 0, 'nothing arrived unsealed');
    assert.equal(edges.reduce((s, e) => s + e.stats().pendingOutbox, 0), 0);
    const before = await sov.dashboardSource.summary();
    assert.ok(before.sites.every((s) => s.grant === 'active' && s.bytesOut > 0));
    assert.ok(before.audit.ok);
    const site = before.sites[0]!.site;
    await sov.revoke(site);
    const after = await sov.dashboardSource.summary();
    assert.equal(after.sites.find((s) => s.site === site)?.grant, 'revoked');
  } finally {
    await pipeline.close();
  }
  // As `edge-pdm audit verify --data-dir <workDir>/db` does it, on the stopped demo's database.
  const store = await openStore({ dataDir: join(workDir, 'db') });
  try {
    const verdict = await runAuditVerify(store);
    assert.ok(verdict.intact, verdict.summary);
    const { rows } = await store.query<{ action: string }>('SELECT DISTINCT action FROM audit_log');
    for (const a of ['keys.grant', 'transfer.seal', 'evidence.open', 'decision.commit', 'keys.revoke']) assert.ok(rows.some((r) => r.action === a), `${a} not audited`);
  } finally {
    await store.close();
  }
});
