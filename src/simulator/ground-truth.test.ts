import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { FaultType, GroundTruthRecord, TRUTH_FILTER, decodeJson, decodeWindow, type Transport } from '../core/index.ts';
import { PlantConfig } from './config.ts';
import { faultSeverityAt } from './degradation.ts';
import { DETECTABLE_SEVERITY, detectableAtMs } from './ground-truth.ts';
import { runPublisher } from './publisher.ts';
import { TWO_SHIFT_REGIMES } from './regimes.ts';
import { createSimulator, type SimulatorConfig } from './simulator.ts';

const START_MS = Date.UTC(2024, 0, 1);
const HOUR_MS = 3_600_000;

const plant = (regimes: object = {}) =>
  PlantConfig.parse({
    sampling: { vibrationRateHz: 10240, vibrationSamples: 1024 },
    regimes,
    sites: [{ id: 'site-a', lines: [{ id: 'line-1', machines: [{ id: 'pump-001', type: 'centrifugal-pump' }, { id: 'fan-002', type: 'fan' }] }] }],
  });

function recordingTransport(): Transport & { sent: { topic: string; payload: Uint8Array; retain: boolean }[] } {
  const sent: { topic: string; payload: Uint8Array; retain: boolean }[] = [];
  return {
    sent,
    async publish(topic, payload, opts) {
      sent.push({ topic, payload: typeof payload === 'string' ? Buffer.from(payload) : payload, retain: opts?.retain ?? false });
    },
    async subscribe() {
      throw new Error('not used');
    },
    async close() {},
  };
}

test('ground truth - detectableMs is the first time the severity path reaches the fault threshold', () => {
  fc.assert(
    fc.property(fc.constantFrom(...FaultType.options), fc.integer({ min: 0, max: 1e12 }), fc.integer({ min: 60_000, max: 30 * 24 * HOUR_MS }), fc.double({ min: 2, max: 7, noNaN: true }), (fault, onsetMs, lifeMs, growth) => {
      const failureMs = onsetMs + lifeMs;
      const t = detectableAtMs(fault, onsetMs, failureMs, growth);
      const thr = DETECTABLE_SEVERITY[fault];
      assert.ok(t > onsetMs && t < failureMs, `${fault}: ${t} inside (${onsetMs}, ${failureMs})`);
      assert.ok(faultSeverityAt(fault, t, onsetMs, failureMs, growth) >= thr - 1e-6, `${fault}: reached at ${t}`);
      assert.ok(faultSeverityAt(fault, t - Math.max(2, lifeMs * 1e-6), onsetMs, failureMs, growth) < thr + 1e-6, `${fault}: not before`);
    }),
    { numRuns: 300 },
  );
});

test('ground truth - every machine and sensor fault injection is a valid core record with a stable id', () => {
  const cfg: SimulatorConfig = {
    plant: plant(),
    seed: 1,
    startMs: START_MS,
    faults: [{ machine: 'pump-001', fault: 'cavitation', onsetMs: START_MS + HOUR_MS, failureMs: START_MS + 20 * HOUR_MS }],
    sensorFaults: [{ machine: 'fan-002', channel: 'vib_de', kind: 'loose-mount', onsetMs: START_MS + 2 * HOUR_MS, endMs: START_MS + 3 * HOUR_MS }],
  };
  const truth = createSimulator(cfg).groundTruth();
  for (const t of truth) assert.ok(GroundTruthRecord.safeParse(t).success, `${t.id} validates`);
  assert.deepEqual(truth.map((t) => [t.id, t.kind, t.channel, t.component]), [
    [`pump-001/cavitation/${START_MS + HOUR_MS}`, 'machine', null, 'impeller'],
    [`fan-002/vib_de/loose-mount/${START_MS + 2 * HOUR_MS}`, 'sensor', 'vib_de', null],
  ]);
  assert.deepEqual(createSimulator(cfg).groundTruth(), truth, 'the same ids and detectable times on a rerun');
});

test('ground truth - published retained on truth/ whenever it changes, never under pdm/, and windows carry no labels', async () => {
  const onsetMs = START_MS + HOUR_MS;
  const failureMs = START_MS + 3 * HOUR_MS;
  const sim = createSimulator({
    plant: plant(),
    seed: 2,
    startMs: START_MS,
    faults: [{ machine: 'fan-002', fault: 'misalignment', onsetMs, failureMs }],
    sensorFaults: [{ machine: 'pump-001', channel: 'flow', kind: 'spike', onsetMs: START_MS + HOUR_MS, endMs: START_MS + 2 * HOUR_MS }],
  });
  const t = recordingTransport();
  for (const encoding of ['json'] as const) await runPublisher({ sim, transport: t, speed: Infinity, durationMs: 4 * HOUR_MS, encoding, truth: true });
  const truthMsgs = t.sent.filter((m) => m.topic.startsWith('truth/'));
  assert.ok(TRUTH_FILTER === 'truth/#' && truthMsgs.every((m) => m.retain), 'retained, under the truth filter');
  const records = truthMsgs.map((m) => {
    const r = decodeJson(GroundTruthRecord, m.payload);
    assert.ok(r.ok, 'a valid record');
      return r.ok ? r.value : null;
  });
  // The fan's record goes out at start and again when it fails; the sensor fault once.
  assert.deepEqual(records.map((r) => [r?.id, r?.failedAtMs]), [
    [`fan-002/misalignment/${onsetMs}`, null],
    [`pump-001/flow/spike/${START_MS + HOUR_MS}`, null],
    [`fan-002/misalignment/${onsetMs}`, failureMs],
  ]);
  // One retained topic per injection, so a machine with two faults keeps both records.
  assert.deepEqual(truthMsgs.map((m) => m.topic), [
    `truth/site-a/line-1/fan-002/fan-002_misalignment_${onsetMs}`,
    `truth/site-a/line-1/pump-001/pump-001_flow_spike_${START_MS + HOUR_MS}`,
    `truth/site-a/line-1/fan-002/fan-002_misalignment_${onsetMs}`,
  ]);
  const pdm = t.sent.filter((m) => m.topic.startsWith('pdm/'));
  assert.ok(pdm.length > 0 && t.sent.every((m) => m.topic.startsWith('pdm/') || m.topic.startsWith('truth/')), 'only pdm/ and truth/ topics');
  const labelWords = /fault|onset|failure|truth|label|severity|repaired|detectable|misalignment|spike/i;
  for (const m of pdm.filter((x) => x.topic.endsWith('/telemetry'))) {
    assert.ok(decodeWindow(m.payload).ok, 'decodes');
    // The raw JSON, before any schema strips unknown keys: exactly the wire fields, nothing more.
    const raw = JSON.parse(Buffer.from(m.payload).toString('utf8')) as { channels: Record<string, unknown>[] };
    assert.deepEqual(Object.keys(raw).sort(), ['channels', 'line', 'machine', 'seq', 'site', 'ts', 'v'], 'no extra fields in a window');
    for (const c of raw.channels) assert.deepEqual(Object.keys(c).sort(), ['name', 'rateHz', 'unit', 'values'], 'no extra fields in a channel');
    assert.ok(!labelWords.test(raw.channels.map((c) => `${c.name} ${c.unit}`).join(' ')), 'no label in channel names');
  }
  // Without the option, no truth is published at all.
  const t2 = recordingTransport();
  await runPublisher({ sim: createSimulator({ plant: plant(), seed: 2, startMs: START_MS, faults: [] }), transport: t2, speed: Infinity, durationMs: HOUR_MS });
  assert.equal(t2.sent.filter((m) => m.topic.startsWith('truth/')).length, 0, 'truth is opt-in');
});

test('ground truth - the same seed gives identical output with regimes and sensor faults on', () => {
  const run = (seed: number) => {
    const sim = createSimulator({
      plant: plant({ ...TWO_SHIFT_REGIMES, speedSetpoints: [1, 0.8, 0.9], setpointChangesPerShift: 3 }),
      seed,
      startMs: START_MS + 4 * HOUR_MS,
      faults: [{ machine: 'fan-002', fault: 'imbalance', onsetMs: START_MS + 8 * HOUR_MS, failureMs: START_MS + 30 * HOUR_MS }],
      sensorFaults: (['dropout', 'stuck', 'drift', 'spike', 'loose-mount'] as const).map((kind, i) => ({ machine: i % 2 ? 'fan-002' : 'pump-001', channel: kind === 'loose-mount' || kind === 'spike' ? 'vib_de' : 'temp_bearing', kind, onsetMs: START_MS + (6 + 3 * i) * HOUR_MS, endMs: START_MS + (8 + 3 * i) * HOUR_MS })),
    });
    const out: unknown[] = [];
    for (let i = 0; i < (24 * HOUR_MS) / sim.windowIntervalMs; i++) out.push(sim.step());
    return JSON.stringify({ out, truth: sim.groundTruth() });
  };
  const a = run(11);
  assert.equal(a, run(11), 'identical');
  assert.notEqual(a, run(12), 'another seed differs');
});
