// Remaining life updated as evidence arrives (issue 5), the whole pipeline in one process on
// embedded parts (aedes, in-process queue, PGlite), sealed by the sovereignty layer: while the
// injected bearing fault grows and its repair waits for the part, the edge sends evidence updates
// of the open incident at its cadence (event time), each through the outbox, sealed, on its own
// subject; the cloud refits the remaining life on each, keeps the history and acks after the
// commit, and the prediction interval narrows as readings accumulate.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger, type IncidentUpdate, type RulHistoryPoint } from '../../src/core/index.ts';
import { startPipeline } from '../../src/cli/pipeline.ts';
import { readEnv } from '../../src/cli/env.ts';

const HOUR = 3_600_000;

test('e2e rul updates - an open incident\'s remaining life is refitted on each evidence update, sealed end to end', { timeout: 400_000 }, async () => {
  const startMs = Date.UTC(2026, 0, 5, 6, 0);
  // A slow outer-race fault (onset 4 h, failure 100 h): detected early, its repair waits for the part.
  const failureMs = startMs + 100 * HOUR;
  const pipeline = await startPipeline(
    {
      machines: 2, sites: 1, seed: 7, speed: Infinity, durationMs: 64 * HOUR, startMs, edgeShedding: false,
      faultPlan: [{ machine: 'pump-001', fault: 'bearing-outer-race', onsetMs: startMs + 4 * HOUR, failureMs }],
      workDir: mkdtempSync(join(tmpdir(), 'edge-pdm-e2e-rul-')), inMemoryStores: true,
    },
    readEnv({}),
    silentLogger(),
  );
  const sent: { update: IncidentUpdate; bytes: number }[] = [];
  for (const edge of pipeline.edges.values()) edge.onEvent((e) => e.type === 'updated' && sent.push({ update: e.update, bytes: e.bytes }));
  try {
    await pipeline.run();
    const inc = pipeline.cloud.incidents().find((i) => i.escalation.machine === 'pump-001');
    assert.ok(inc?.diagnosis?.rul, 'the incident has a remaining life at the alarm');
    const truth = pipeline.sim.groundTruth().find((t) => t.kind === 'machine' && t.machine === 'pump-001');
    const endMs = Math.min(truth?.repairedAtMs ?? Infinity, truth?.failedAtMs ?? Infinity, failureMs);
    const estimated = (inc!.rulHistory ?? []).filter((p): p is RulHistoryPoint & { failureAtMs: NonNullable<RulHistoryPoint['failureAtMs']> } => p.failureAtMs !== null);
    const stats = pipeline.cloud.stats();
    const detail = JSON.stringify({
      openedAt: new Date(inc!.escalation.openedAt).toISOString(), endedAt: new Date(endMs).toISOString(),
      sent: sent.map((s) => [new Date(s.update.ts).toISOString(), s.update.severity, s.bytes]),
      history: estimated.map((p) => [new Date(p.asOfMs).toISOString(), new Date(p.failureAtMs.p10).toISOString(), new Date(p.failureAtMs.p50).toISOString(), new Date(p.failureAtMs.p90).toISOString(), p.healthIndicator?.toFixed(3), p.option]),
      stats: Object.fromEntries(Object.entries(stats).filter(([k]) => k.startsWith('cloud.update'))),
    });
    assert.ok(sent.length >= 2 && sent.every((s) => s.update.incidentId === inc!.escalation.id), `updates sent: ${detail}`);
    const gaps = sent.slice(1).map((s, k) => s.update.ts - sent[k]!.update.ts);
    assert.ok(gaps.every((g, k) => g >= 2 * HOUR || sent[k + 1]!.update.severity !== sent[k]!.update.severity), `the cadence (2 h of event time, or a severity change) bounds them: ${detail}`);
    // Every update was answered once, after its commit: refitted, or refused as after the repair. A
    // redelivery (outbox and queue are at-least-once: on a busy machine an ack can miss its deadline) is
    // received again and counted as a duplicate, never estimated twice.
    assert.equal(stats['cloud.update.received']! - stats['cloud.update.duplicate']!, sent.length, detail);
    assert.equal(stats['cloud.update.estimated']! + stats['cloud.update.no_estimate']! + stats['cloud.update.closed']!, sent.length, detail);
    assert.equal(stats['cloud.update.unknown'], 0);
    assert.equal(stats['cloud.update.invalid']! + stats['cloud.update.refused']!, 0, 'sealed, opened under the grant, valid');
    const before = estimated.filter((p) => p.asOfMs < endMs);
    assert.ok(before.length >= 3, `the alarm's estimate and at least two updates before the repair: ${detail}`);
    const width = (p: (typeof estimated)[number]) => p.failureAtMs.p90 - p.failureAtMs.p10;
    const err = (p: (typeof estimated)[number]) => Math.abs(p.failureAtMs.p50 - failureMs);
    const first = before[0]!;
    const last = before.at(-1)!;
    assert.ok(width(last) < width(first) || err(last) < err(first), `neither narrower (${(width(first) / HOUR).toFixed(0)} h → ${(width(last) / HOUR).toFixed(0)} h) nor closer (${(err(first) / HOUR).toFixed(0)} h → ${(err(last) / HOUR).toFixed(0)} h): ${detail}`);
    for (const edge of pipeline.edges.values()) {
      assert.equal(edge.stats().pendingOutbox, 0, 'every escalation and update acked');
      assert.equal(edge.stats().updatesAcked, edge.stats().updates);
    }
  } finally {
    await pipeline.close();
  }
});
