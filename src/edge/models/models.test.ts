import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { subjects } from '../../core/index.ts';
import { createMemoryQueue } from '../../transport/memory-queue.ts';
import { createBatcher } from './batcher.ts';
import { createSlotScorer } from './slot-scorer.ts';
import { createPrecomputedScoreDetector, MODEL_SCORE_KEY } from './precomputed-score.ts';
import { createModelSlot, type ModelSlot, type SlotEvent } from './model-slot.ts';
import { loadOnnxDetector } from './onnx-detector.ts';
import { consumeModelReleases, type ReleaseOutcome } from './release-consumer.ts';
import { loadShippedModels, SHIPPED_MODELS_DIR } from './shipped-models.ts';
import { releaseOf, shippedModel, testKey } from './models.test-support.ts';
import { verifyRelease } from './verify.ts';

const base = await shippedModel('centrifugal-pump');
const names = base.manifest.featureNames;
// A row with every feature missing is imputed at the medians: the model's most typical row.
const typical = (): Record<string, number> => ({});
// One feature a million robust σ off: anything but normal.
const wild = (): Record<string, number> => ({ [names[0]!]: 1e6 });
// The typical row's score, read from the model itself, sets thresholds that make a model alarm on everything.
const typicalScore = await (async () => {
  const d = await loadOnnxDetector(base.onnx, base.manifest, { maxMissingFraction: 1 });
  assert.ok(d.ok);
  const [s] = await d.value.scoreMany([typical()]);
  await d.value.close();
  return s!;
})();
/** Scores rows through the slot, then reports the ensemble's verdict on them (as the agent does). */
async function feed(slot: ModelSlot, rows: Record<string, number>[], normal: boolean[]): Promise<number[]> {
  const batch = await slot.score(rows);
  await batch.judge(normal);
  return batch.scores;
}
const slotConfig = { machineType: 'centrifugal-pump' as const, minShadowRows: 50, maxShadowRows: 100, watchRows: 40, detector: { maxMissingFraction: 1 } };

test('edge models - a signed release verifies; a tampered manifest, tampered bytes, an untrusted key or no signature is rejected with the reason', () => {
  const key = testKey();
  const good = releaseOf(base, { version: 2 }, key);
  const v = verifyRelease(good, key.trusted);
  assert.ok(v.ok, v.ok ? '' : v.reason);
  assert.deepEqual(v.value.onnx, base.onnx);
  assert.ok(verifyRelease(Buffer.from(JSON.stringify(good)), key.trusted).ok, 'wire bytes verify too');

  const manifestTampered = { ...good, manifest: { ...good.manifest, healthyScoreP99: 1e9 } };
  const r1 = verifyRelease(manifestTampered, key.trusted);
  assert.ok(!r1.ok && /signature does not match/.test(r1.reason), JSON.stringify(r1));

  const bytes = Buffer.from(base.onnx);
  bytes[bytes.length - 5]! ^= 0xff;
  const r2 = verifyRelease({ ...good, onnx: bytes.toString('base64') }, key.trusted);
  assert.ok(!r2.ok && /SHA-256 .* does not match/.test(r2.reason), JSON.stringify(r2));

  const other = testKey();
  const r3 = verifyRelease(good, other.trusted);
  assert.ok(!r3.ok && /untrusted key/.test(r3.reason), JSON.stringify(r3));

  const r4 = verifyRelease({ ...good, manifest: { ...good.manifest, keyId: null } }, key.trusted);
  assert.ok(!r4.ok && /unsigned/.test(r4.reason), JSON.stringify(r4));

  const r5 = verifyRelease({ ...good, signature: releaseOf(base, { version: 3 }, key).signature }, key.trusted);
  assert.ok(!r5.ok && /signature does not match/.test(r5.reason), 'a signature of another manifest is rejected');

  const r6 = verifyRelease(Buffer.from('{"v":1'), key.trusted);
  assert.ok(!r6.ok && /release rejected/.test(r6.reason));
});

test('edge models - shipped models match the committed manifest and a changed byte is rejected', async () => {
  const all = await loadShippedModels();
  assert.ok(all.ok);
  assert.deepEqual(all.value.rejected, []);
  for (const [type, m] of all.value.models) {
    assert.equal(m.manifest.machineType, type);
    assert.ok(m.onnx.byteLength < 50_000, `${type}: ${m.onnx.byteLength} bytes`);
  }
  const dir = await mkdtemp(join(tmpdir(), 'models-'));
  try {
    await cp(SHIPPED_MODELS_DIR, dir, { recursive: true });
    const file = join(dir, 'centrifugal-pump.onnx');
    const bytes = await readFile(file);
    bytes[100]! ^= 1;
    await writeFile(file, bytes);
    const r = await loadShippedModels(dir);
    assert.ok(r.ok);
    assert.ok(!r.value.models.has('centrifugal-pump'));
    assert.match(r.value.rejected.join('\n'), /centrifugal-pump.*SHA-256/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('edge models - the ONNX detector imputes missing features, scores 0 for rows missing too many, and keeps row order', async () => {
  const a = await loadOnnxDetector(base.onnx, base.manifest, { maxMissingFraction: 1, maxBatch: 3 });
  assert.ok(a.ok);
  const scores = await a.value.scoreMany([typical(), wild(), { [names[1]!]: Number.POSITIVE_INFINITY }, wild()]);
  assert.equal(scores.length, 4);
  assert.ok(typicalScore < base.manifest.healthyScoreP99, `the medians row (${typicalScore}) reads as healthy`);
  assert.equal(scores[0], typicalScore);
  assert.equal(scores[2], typicalScore, 'an infinite value is imputed like an absent one, not propagated');
  assert.ok(scores[1]! > 1000 * base.manifest.healthyScoreP99, `wild row scored ${scores[1]}`);
  assert.equal(scores[1], scores[3]);
  assert.deepEqual(a.value.stats(), { rowsScored: 4, rowsUnscored: 0, valuesImputed: 4 * names.length - 2, runs: 2 });
  await a.value.close();

  const b = await loadOnnxDetector(base.onnx, base.manifest, { maxMissingFraction: 0.5 });
  assert.ok(b.ok);
  assert.deepEqual(await b.value.scoreMany([typical(), wild()]), [0, 0], 'rows missing more than half their features: no evidence');
  assert.equal(b.value.stats().rowsUnscored, 2);
  await b.value.close();
  await assert.rejects(b.value.scoreMany([typical()]), /after close/);
});

test('edge models - a shadow with no more false alarms is promoted after minShadowRows normal rows', async () => {
  const key = testKey();
  const events: SlotEvent[] = [];
  const slot = createModelSlot(slotConfig, key.trusted, (e) => events.push(e));
  // Active: thresholds below the typical score, so it false-alarms on every normal row.
  assert.ok((await slot.install({ ...base, manifest: { ...base.manifest, healthyScoreP99: typicalScore / 2 } })).ok);
  const r = await slot.offer(releaseOf(base, { version: 2 }, key));
  assert.ok(r.ok, r.ok ? '' : r.reason);
  assert.equal(slot.status().shadow?.version, 2);
  await feed(slot, Array.from({ length: 30 }, typical), Array(30).fill(true));
  await feed(slot, [wild(), wild()], [false, false]); // abnormal rows do not count
  assert.equal(slot.status().shadow?.normalRows, 30);
  assert.equal(slot.status().active?.version, 1, 'not before minShadowRows');
  await feed(slot, Array.from({ length: 30 }, typical), Array(30).fill(true));
  const s = slot.status();
  assert.equal(s.active?.version, 2);
  assert.equal(s.previous?.version, 1);
  assert.equal(s.shadow, undefined);
  assert.deepEqual(events.map((e) => e.kind), ['installed', 'shadow-started', 'promoted']);
  await slot.close();
});

test('edge models - a shadow with more false alarms is discarded and the active model stays', async () => {
  const key = testKey();
  const events: SlotEvent[] = [];
  const slot = createModelSlot(slotConfig, key.trusted, (e) => events.push(e));
  await slot.install(base);
  assert.ok((await slot.offer(releaseOf(base, { version: 2, healthyScoreP99: typicalScore / 2 }, key))).ok);
  await feed(slot, Array.from({ length: 25 }, typical), Array(25).fill(true));
  assert.equal(slot.status().shadow?.shadowOnly, 25, 'before minShadowRows the gate is not consulted');
  // An alarm on every normal row is overwhelming evidence: discarded at the first look, long before the test has power.
  await feed(slot, Array.from({ length: 25 }, typical), Array(25).fill(true));
  assert.equal(slot.status().active?.version, 1);
  assert.equal(slot.status().shadow, undefined);
  const discarded = events.find((e) => e.kind === 'shadow-discarded');
  assert.ok(discarded && 'reason' in discarded && /50 false alarms vs the active model's 0 over 50 normal rows \(50 vs 0 discordant/.test(discarded.reason), JSON.stringify(discarded));
  await slot.close();
});

test('edge models - an equally good shadow keeps shadowing while the gate lacks power, and is promoted when its budget ends', async () => {
  const key = testKey();
  const slot = createModelSlot(slotConfig, key.trusted);
  await slot.install(base);
  await slot.offer(releaseOf(base, { version: 2 }, key));
  // The same network: both alarm on the same (wild) rows, never on one alone.
  const rows = () => Array.from({ length: 20 }, (_, i) => (i === 0 ? wild() : typical()));
  for (let i = 0; i < 4; i++) await feed(slot, rows(), Array(20).fill(true));
  const s = slot.status();
  assert.equal(s.active?.version, 1, 'no decision on 80 rows: a 2% excess could not have been seen yet');
  assert.deepEqual([s.shadow?.normalRows, s.shadow?.shadowFalseAlarms, s.shadow?.activeFalseAlarms, s.shadow?.shadowOnly, s.shadow?.activeOnly], [80, 4, 4, 0, 0]);
  await feed(slot, rows(), Array(20).fill(true));
  assert.equal(slot.status().active?.version, 2, 'maxShadowRows reached: not significantly worse, promoted');
  await slot.close();
});

test('edge models - rollback on demand reinstates the previous model and the rolled-back version is refused again', async () => {
  const key = testKey();
  const slot = createModelSlot(slotConfig, key.trusted);
  await slot.install(base);
  const v2 = releaseOf(base, { version: 2 }, key);
  await slot.offer(v2);
  assert.ok((await slot.promote()).ok);
  assert.equal(slot.status().active?.version, 2);
  const rb = await slot.rollback('operator saw drift');
  assert.ok(rb.ok);
  assert.equal(slot.status().active?.version, 1);
  assert.equal(slot.status().previous, undefined);
  assert.ok(!(await slot.rollback()).ok, 'only one level of rollback');
  const again = await slot.offer(v2);
  assert.ok(!again.ok && /not above v2/.test(again.reason));
  // Scores come from the reinstated model.
  const [s] = await feed(slot, [typical()], [true]);
  assert.equal(s, typicalScore);
  await slot.close();
});

test('edge models - a promoted model whose false-alarm rate jumps is rolled back automatically', async () => {
  const key = testKey();
  const events: SlotEvent[] = [];
  const slot = createModelSlot(slotConfig, key.trusted, (e) => events.push(e));
  await slot.install(base);
  await slot.offer(releaseOf(base, { version: 2 }, key));
  await feed(slot, Array.from({ length: 100 }, typical), Array(100).fill(true));
  assert.equal(slot.status().active?.version, 2);
  // Normal rows (per the ensemble) on which the new model now alarms: 10 of 40 = 25% > 3 × 0% and > 2%.
  const rows = [...Array.from({ length: 30 }, typical), ...Array.from({ length: 10 }, wild)];
  await feed(slot, rows, Array(40).fill(true));
  assert.equal(slot.status().active?.version, 1);
  const rolled = events.find((e) => e.kind === 'rolled-back');
  assert.ok(rolled && 'reason' in rolled && /25\.0% over 40 normal rows/.test(rolled.reason), JSON.stringify(rolled));
  await slot.close();
});

test('edge models - a verdict counts once, and not for a shadow that replaced the one it was scored with', async () => {
  const key = testKey();
  const slot = createModelSlot(slotConfig, key.trusted);
  await slot.install(base);
  await slot.offer(releaseOf(base, { version: 2 }, key));
  const b1 = await slot.score([typical(), typical()]);
  const b2 = await slot.score([typical()]);
  await b1.judge([true, true]);
  await b1.judge([true, true]);
  assert.equal(slot.status().shadow?.normalRows, 2, 'a second verdict on the same batch is ignored');
  await assert.rejects(b2.judge([true, false]), /1 rows but 2 normal flags/);
  await slot.offer(releaseOf(base, { version: 3 }, key));
  await b2.judge([true]);
  assert.deepEqual(slot.status().shadow, { name: base.manifest.name, version: 3, normalRows: 0, shadowFalseAlarms: 0, activeFalseAlarms: 0, shadowOnly: 0, activeOnly: 0 });
  await slot.close();
});

test('edge models - per-window scores from several machines share one run and their verdicts reach the slot together', async () => {
  const key = testKey();
  const slot = createModelSlot(slotConfig, key.trusted);
  await slot.install(base);
  await slot.offer(releaseOf(base, { version: 2 }, key));
  const scoreWindow = createSlotScorer(slot, { maxBatch: 8 });
  const runsBefore = slot.stats().runs;
  const windows = await Promise.all([typical(), wild(), typical()].map(scoreWindow));
  assert.equal(slot.stats().runs - runsBefore, 1, 'three windows, one session.run');
  assert.equal(windows[0]!.score, typicalScore);
  assert.ok(windows[1]!.score > windows[0]!.score);
  windows[0]!.judge(true);
  windows[1]!.judge(false);
  await new Promise((r) => setImmediate(r));
  assert.equal(slot.status().shadow?.normalRows, 0, 'nothing counted until every window of the batch has reported');
  windows[2]!.judge(true);
  for (let i = 0; i < 20 && slot.status().shadow?.normalRows === 0; i++) await new Promise((r) => setImmediate(r));
  assert.equal(slot.status().shadow?.normalRows, 2);
  await slot.close();
});

test('edge models - the precomputed-score member lets a sync ensemble fuse the model score', () => {
  const d = createPrecomputedScoreDetector();
  d.learnOne({ [MODEL_SCORE_KEY]: 3 });
  assert.equal(d.scoreOne({ [MODEL_SCORE_KEY]: 2.5, other: 9 }), 2.5);
  assert.equal(d.scoreOne({ other: 9 }), 0);
  assert.equal(d.scoreOne({ [MODEL_SCORE_KEY]: Number.NaN }), 0);
});

test('edge models - a replayed or older version and a release for another machine type are rejected', async () => {
  const key = testKey();
  const slot = createModelSlot(slotConfig, key.trusted);
  await slot.install(base);
  const r1 = await slot.offer(releaseOf(base, { version: base.manifest.version }, key));
  assert.ok(!r1.ok && /not above/.test(r1.reason));
  const r2 = await slot.offer(releaseOf(base, { version: 9, machineType: 'fan' }, key));
  assert.ok(!r2.ok && /is for fan/.test(r2.reason));
  assert.equal(slot.status().shadow, undefined);
  await slot.close();
});

test('edge models - releases on the site subject reach the slot through the work queue; bad ones are acked and reported', async () => {
  const key = testKey();
  const slot = createModelSlot(slotConfig, key.trusted);
  await slot.install(base);
  const queue = createMemoryQueue();
  const outcomes: ReleaseOutcome[] = [];
  const sub = await consumeModelReleases(queue, 'site-a', (t) => (t === 'centrifugal-pump' ? slot : undefined), (o) => outcomes.push(o));
  const enc = (x: unknown) => new TextEncoder().encode(JSON.stringify(x));
  await queue.publish(subjects.model('site-a'), enc({ hello: 1 }));
  await queue.publish(subjects.model('site-a'), enc(releaseOf(base, { version: 5, machineType: 'gearbox' }, key)));
  await queue.publish(subjects.model('site-a'), enc(releaseOf(base, { version: 5 }, key)));
  for (let i = 0; i < 100 && outcomes.length < 3; i++) await new Promise((r) => setTimeout(r, 10));
  await sub.stop();
  await queue.close();
  assert.equal(outcomes.length, 3);
  assert.ok(!outcomes[0]!.ok && /schema/.test(outcomes[0]!.reason));
  assert.ok(!outcomes[1]!.ok && /no machine of that type/.test(outcomes[1]!.reason));
  assert.deepEqual(outcomes[2], { ok: true, machineType: 'centrifugal-pump', name: base.manifest.name, version: 5 });
  assert.equal(slot.status().shadow?.version, 5);
  await slot.close();
});

test('edge models - the batcher coalesces requests of one turn into one run and keeps each answer with its request', async () => {
  const calls: number[][] = [];
  const double = createBatcher(async (xs: number[]) => {
    calls.push(xs);
    return xs.map((x) => 2 * x);
  }, { maxBatch: 4 });
  const out = await Promise.all([1, 2, 3, 4, 5, 6].map(double));
  assert.deepEqual(out, [2, 4, 6, 8, 10, 12]);
  assert.deepEqual(calls, [[1, 2, 3, 4], [5, 6]]);
  const failing = createBatcher(async () => {
    throw new Error('session gone');
  });
  await assert.rejects(Promise.all([failing(1), failing(2)]), /session gone/);
});
