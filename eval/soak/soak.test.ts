import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runSoak } from './soak.ts';

// A short soak: the full pipeline in process for ~25 s of wall time at a high speed-up, longer on a
// busy machine until 1,000 windows have gone through (at most 100 s). It fails when the retained heap
// (measured after a forced GC) keeps growing, when windows pile up unprocessed, or when escalations
// are left in an outbox after settling.
test('soak - a short run keeps memory and queues bounded', { timeout: 240_000 }, async () => {
  const r = await runSoak({ wallMs: 25_000, minWindows: 1001, maxWallMs: 100_000, machines: 20, speed: 20_000, sampleEveryMs: 2_500, maxHeapGrowthMb: 48 });
  assert.ok(r.samples.length >= 8, `only ${r.samples.length} samples`);
  assert.ok(r.windows > 1000, `only ${r.windows} windows published`);
  assert.ok(r.verdict.ok, r.verdict.reasons.join('; '));
});
