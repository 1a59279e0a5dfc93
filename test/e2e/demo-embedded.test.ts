// The whole pipeline in one process on embedded parts (aedes, in-process queue, PGlite):
// one injected bearing fault must end as exactly one notification, one reservation of the right
// part (bearings sit on the MRO shelf), one work order that completes and repairs the machine
// before it fails, and the healthy machines must stay quiet.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '../../src/core/index.ts';
import { startPipeline } from '../../src/cli/pipeline.ts';
import { summarize } from '../../src/cli/summary.ts';
import { readEnv } from '../../src/cli/env.ts';

const HOUR = 3_600_000;

test('e2e embedded - one bearing fault ends as one notification, the right part reserved, and a completed repair before failure', { timeout: 240_000 }, async () => {
  const startMs = Date.UTC(2026, 0, 5, 6, 0);
  const pipeline = await startPipeline(
    {
      machines: 3, sites: 1, seed: 7, speed: Infinity, durationMs: 40 * HOUR, startMs,
      faultPlan: [{ machine: 'pump-001', fault: 'bearing-outer-race', onsetMs: startMs + 8 * HOUR, failureMs: startMs + 44 * HOUR }],
      workDir: mkdtempSync(join(tmpdir(), 'edge-pdm-e2e-')), inMemoryStores: true,
    },
    readEnv({}),
    silentLogger(),
  );
  try {
    const run = await pipeline.run();
    const s = await summarize(pipeline, run);
    const incidents = pipeline.cloud.incidents();
    const detail = JSON.stringify({ s, incidents: incidents.map((i) => [i.escalation.machine, i.diagnosis?.faultType, i.diagnosis?.explanation]) });
    assert.equal(s.faultsInjected, 1);
    assert.equal(s.notifications, 1, detail);
    assert.equal(s.workOrders, 1, detail);
    const record = await pipeline.enterprise.getIncident(incidents[0]!.escalation.id);
    assert.deepEqual(record?.reservations.map((r) => r['materialId']), ['MAT-BRG-6205-2RS'], 'the pump\'s drive-end bearing, from the BOM');
    assert.equal(record?.workOrder?.['status'], 'completed', JSON.stringify(record?.workOrder));
    // The loop closes: the window ran, the machine was repaired before it failed, the finding went back to the cloud.
    assert.equal(s.workOrdersCompleted, 1, detail);
    assert.equal(s.breakdowns, 0, detail);
    assert.equal(s.confirmedCases, 1, detail);
    const truth = pipeline.sim.groundTruth().find((t) => t.kind === 'machine' && t.machine === 'pump-001');
    assert.ok(truth?.repairedAtMs !== null && truth!.repairedAtMs! < truth!.failureMs, `repaired at ${truth?.repairedAtMs}, failure at ${truth?.failureMs}`);
    assert.equal(incidents[0]?.escalation.machine, 'pump-001');
    assert.equal(incidents[0]?.diagnosis?.faultType, 'bearing-outer-race');
    assert.equal(s.pendingOutbox, 0, 'every escalation acked after the decision');
    assert.equal(s.deadLetters, 0);
    assert.ok(s.windows > 3 * 40 * 12 * 0.9, `windows ${s.windows}`);
  } finally {
    await pipeline.close();
  }
});
