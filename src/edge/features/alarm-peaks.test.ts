import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Escalation, MAX_ALARM_PEAKS, type TelemetryWindow } from '../../core/index.ts';
import { createMachineMonitor } from '../machine-monitor.ts';
import { createAlarmPeaks, PEAK_MIN_Z } from './alarm-peaks.ts';
import { createPlant, PLANT_N, PLANT_RATE, plantBirth } from './plant.test-support.ts';
import { add, rng, tone } from './synthetic.test-support.ts';

test('alarm peaks - keeps each feature\'s largest |z| of the run, only where it beats the raising window, strongest first and bounded', () => {
  const p = createAlarmPeaks(2);
  const med = { a: { median: 1 }, b: { median: 10 }, c: { median: 0 } };
  p.note(1, { a: 9, b: 2, c: 0.1 }, { a: 8, b: 5, c: 1 }, med);
  p.note(2, { a: 2, b: 10.5, c: 0.2 }, { a: 1, b: 0.5, c: 2 }, med);
  const out = p.take({ a: 1, b: 0.5, c: 2 });
  assert.deepEqual(out, { a: { value: 9, z: 8, atMs: 1 }, b: { value: 2, z: -5, atMs: 1 } }, 'c below PEAK_MIN_Z; b below its median');
  assert.deepEqual(p.take({}), {}, 'take forgets the run');
  p.note(3, { a: 9 }, { a: 8 }, med);
  p.reset();
  assert.deepEqual(p.take({}), {}, 'a broken on-delay forgets its windows');
  p.note(4, { a: 9 }, { a: 8 }, med);
  assert.deepEqual(p.take({ a: 8 }), {}, 'the raising window itself at its peak: nothing to add');
});

/** Adds a few bubble-collapse-like shocks (kHz ringing, random instants) to a window's vibration. */
function withBursts(w: TelemetryWindow, seed: number, amplitude: number): TelemetryWindow {
  const u = rng(seed);
  const vib = w.channels.find((c) => c.name === 'vib_de')!;
  const values = [...vib.values];
  for (let k = 0; k < 6; k++) {
    const at = Math.floor(u() * (values.length - 200));
    // A 3 kHz ring decaying in ~1 ms (exp(−t/0.3 ms)).
    for (let j = 0; j < 200; j++) values[at + j]! += amplitude * Math.exp(-j / (0.0003 * PLANT_RATE)) * Math.sin((2 * Math.PI * 3000 * j) / PLANT_RATE);
  }
  return { ...w, channels: w.channels.map((c) => (c === vib ? { ...c, values } : c)) };
}

/**
 * Adds unbalance (a 1x line twice its healthy level) so that every window of the run scores high
 * with nothing impulsive in it (a scalar alone would be judged a sensor drift).
 */
function unbalanced(w: TelemetryWindow): TelemetryWindow {
  const shaftHz = w.channels.find((c) => c.name === 'speed')!.values[0]! / 60;
  const extra = tone(PLANT_N, PLANT_RATE, shaftHz, 0.5);
  return { ...w, channels: w.channels.map((c) => (c.name === 'vib_de' ? { ...c, values: add([...c.values], extra) } : c)) };
}

test('monitor - a burst in an on-delay window shows in the escalation\'s evidence when the raising window is quiet', () => {
  const plant = createPlant(21);
  const m = createMachineMonitor(plantBirth, {});
  for (let i = 0; i < 90; i++) assert.ok(m.observe(plant.next({ rpm: 1500 })).ok);
  // The on-delay: the first window of the run has the bursts, the other two (and the raise) do not.
  const run = [withBursts(unbalanced(plant.next({ rpm: 1500 })), 5, 40), unbalanced(plant.next({ rpm: 1500 })), unbalanced(plant.next({ rpm: 1500 }))];
  let raise: { evidence: Record<string, unknown>; baseline: Record<string, { median: number; mad: number }>; crestNow: number } | undefined;
  for (const w of run) {
    const r = m.observe(w);
    assert.ok(r.ok);
    if (r.value.transition?.kind === 'raised') raise = { evidence: r.value.features.evidence as Record<string, unknown>, baseline: r.value.baseline ?? {}, crestNow: r.value.features.features['accel.crest']! };
  }
  assert.ok(raise, 'the run raised no alarm');
  const peaks = raise.evidence.peaks as Record<string, { value: number; z: number; atMs: number }> | undefined;
  assert.ok(peaks, 'no peaks in the evidence');
  const crest = peaks['accel.crest'];
  assert.ok(crest, `crest has no peak: ${Object.keys(peaks).join(', ')}`);
  assert.equal(crest.atMs, run[0]!.ts, 'the peak is the burst window');
  assert.ok(crest.z >= PEAK_MIN_Z && crest.value > raise.crestNow, `crest peak ${crest.value} (z ${crest.z}) vs raising window ${raise.crestNow}`);
  assert.ok(raise.baseline['accel.crest'], 'the peak\'s healthy baseline travels with it');
  assert.ok(Object.keys(peaks).length <= MAX_ALARM_PEAKS);
  // The escalation built from it passes its own schema.
  const esc = { v: 1, id: 'e', site: 's', line: 'l', machine: 'm', machineType: 'centrifugal-pump', openedAt: 1, severity: 'warning', score: 7, sentAtMs: 1, evidence: { ...raise.evidence, baseline: raise.baseline } };
  const parsed = Escalation.safeParse(esc);
  assert.ok(parsed.success, parsed.success ? '' : JSON.stringify(parsed.error.issues.slice(0, 2)));
});

test('monitor - a quiet run raises with no peaks beyond the raising window\'s own', () => {
  const plant = createPlant(21);
  const m = createMachineMonitor(plantBirth, {});
  for (let i = 0; i < 90; i++) assert.ok(m.observe(plant.next({ rpm: 1500 })).ok);
  let peaks: unknown = 'no raise';
  for (let j = 0; j < 3; j++) {
    const r = m.observe(unbalanced(plant.next({ rpm: 1500 })));
    assert.ok(r.ok);
    if (r.value.transition?.kind === 'raised') peaks = r.value.features.evidence.peaks;
  }
  assert.notEqual(peaks, 'no raise', 'the run raised no alarm');
  const crest = (peaks as Record<string, unknown> | undefined)?.['accel.crest'];
  assert.equal(crest, undefined, 'no burst, no crest peak');
});
