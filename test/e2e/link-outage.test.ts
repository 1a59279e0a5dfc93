// A site's link to the cloud cut while a fault develops (the `link-outage` scenario's knob): the
// edge alarms at once (local detection does not need the cloud), the escalation waits in the
// durable outbox while the link is down, reaches the cloud only after the link returns, and still
// ends in exactly one diagnosis and one work order.
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

test('e2e link outage - an escalation raised while the link is down waits in the outbox and is decided once after it returns', { timeout: 240_000 }, async () => {
  const startMs = Date.UTC(2026, 0, 5, 6, 0);
  const outage = { site: 'site-a', startMs: startMs + 6 * HOUR, endMs: startMs + 30 * HOUR };
  const pipeline = await startPipeline(
    {
      machines: 3, sites: 1, seed: 7, speed: Infinity, durationMs: 40 * HOUR, startMs,
      faultPlan: [{ machine: 'pump-001', fault: 'bearing-outer-race', onsetMs: startMs + 8 * HOUR, failureMs: startMs + 44 * HOUR }],
      workDir: mkdtempSync(join(tmpdir(), 'edge-pdm-outage-')), inMemoryStores: true, linkOutages: [outage],
    },
    readEnv({}),
    silentLogger(),
  );
  try {
    const alarmsAt: number[] = [];
    pipeline.edges.get('site-a')!.onEvent((e) => {
      if (e.type === 'alarm' && e.alarm.state === 'raised') alarmsAt.push(e.alarm.ts);
    });
    // Event time at which the cloud first hears of each escalation.
    const heardAt = new Map<string, number>();
    pipeline.cloud.onEvent((e) => {
      if (e.type === 'escalation' && !heardAt.has(e.incident.escalation.id)) heardAt.set(e.incident.escalation.id, pipeline.sim.nowMs);
    });
    let heldDuringOutage = 0;
    const run = await pipeline.run({
      onProgress: ({ nowMs }) => {
        if (nowMs >= outage.startMs && nowMs < outage.endMs) heldDuringOutage = Math.max(heldDuringOutage, pipeline.edges.get('site-a')!.stats().pendingOutbox);
      },
    });
    const s = await summarize(pipeline, run);
    const incidents = pipeline.cloud.incidents();
    const detail = JSON.stringify({ alarmsAt: alarmsAt.map((t) => (t - startMs) / HOUR), heard: [...heardAt.values()].map((t) => (t - startMs) / HOUR), s });
    const inOutage = alarmsAt.filter((t) => t >= outage.startMs && t < outage.endMs);
    assert.ok(inOutage.length >= 1, `the fault alarms while the link is down: ${detail}`);
    assert.ok(heldDuringOutage >= 1, `the outbox held the escalation during the outage: ${detail}`);
    const openedInOutage = incidents.filter((i) => i.escalation.openedAt >= outage.startMs && i.escalation.openedAt < outage.endMs);
    assert.ok(openedInOutage.length >= 1, `an incident opened during the outage reached the cloud: ${detail}`);
    for (const inc of incidents) {
      const at = heardAt.get(inc.escalation.id);
      if (inc.escalation.openedAt >= outage.startMs && inc.escalation.openedAt < outage.endMs) assert.ok(at !== undefined && at >= outage.endMs, `escalation ${inc.escalation.id} reached the cloud during the outage: ${detail}`);
    }
    assert.equal(incidents.filter((i) => i.escalation.machine === 'pump-001').length, 1, detail);
    assert.equal(s.workOrders, 1, detail);
    assert.equal(s.pendingOutbox, 0, 'drained after the link returned');
    assert.equal(s.deadLetters, 0);
  } finally {
    await pipeline.close();
  }
});
