import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bearingDefectOrders } from '../../core/index.ts';
import { BEARING_6205, faultSignal } from './fault-signals.test-support.ts';
import { lineLevel, localFloor } from './line-levels.ts';
import { kurtogramBands } from './kurtogram.ts';
import { MIN_RECORDING_SAMPLES, recordingEvidence, segmentLength } from './recording-evidence.ts';

const RATE = 12_000;
const evidenceOf = (x: Float64Array, rpm = 1797) => {
  const r = recordingEvidence(x, { rateHz: RATE, rpm, bearing: BEARING_6205 });
  assert.ok(r.ok, r.ok ? '' : r.reason);
  return r.value;
};

test('line levels - a line 10x its flat neighbourhood reads 20 dB, wherever its bin', () => {
  const a = new Float64Array(400).fill(1);
  a[200] = 10;
  a[201] = 3; // leakage inside the guard does not raise the floor
  const floor = localFloor(a, 399, 20, 2);
  assert.ok(Math.abs(lineLevel(a, floor, 0.5, 100.2, 0.5).db - 20) < 1e-9);
  assert.ok(Math.abs(lineLevel(a, floor, 0.5, 50, 0.5).db) < 1e-9);
});

test('kurtogram bands - every band lies in [minLo, 0.45·rate] and is at least minWidth wide', () => {
  const bands = kurtogramBands(48_000, 300, 500);
  assert.ok(bands.length > 50, String(bands.length));
  for (const [lo, hi] of bands) assert.ok(lo >= 300 && hi <= 0.45 * 48_000 && hi - lo >= 500, `${lo}-${hi}`);
});

test('recording evidence - outer-race impacts put BPFO far above the floor and the other families stay low', () => {
  const ev = evidenceOf(faultSignal({ fault: 'outer_race', rateHz: RATE, rpm: 1797, seconds: 3, seed: 2 }));
  const L = ev.envelopeDiagnostics!.lines;
  assert.ok(L.bpfo.harmonicsDb[0]! >= 12, JSON.stringify(L.bpfo));
  assert.ok(L.bpfo.harmonicsDb[1]! >= 6, JSON.stringify(L.bpfo));
  const bpfoHz = bearingDefectOrders(BEARING_6205).bpfo * 1797 / 60;
  assert.ok(Math.abs(L.bpfo.freqHz - bpfoHz) / bpfoHz < 0.02, `${L.bpfo.freqHz} vs ${bpfoHz}`);
  for (const k of ['bpfi', 'bsf2', 'ftf'] as const) assert.ok(L[k].harmonicsDb[0]! < 7, `${k} ${L[k].harmonicsDb[0]}`);
});

test('recording evidence - inner-race impacts show BPFI with ±1x sidebands; noise shows no line', () => {
  const inner = evidenceOf(faultSignal({ fault: 'inner_race', rateHz: RATE, rpm: 1797, seconds: 3, seed: 4 })).envelopeDiagnostics!.lines.bpfi;
  assert.ok(inner.harmonicsDb[0]! >= 10 && inner.shaftSidebandsDb >= 5, JSON.stringify(inner));
  const healthy = evidenceOf(faultSignal({ fault: 'normal', rateHz: RATE, rpm: 1797, seconds: 3, seed: 4 }));
  for (const [k, fam] of Object.entries(healthy.envelopeDiagnostics!.lines)) assert.ok(fam.harmonicsDb[0]! < 7, `${k} ${fam.harmonicsDb[0]}`);
  assert.ok(Math.abs(healthy.shaftDiagnostics!.kurtosis - 3) < 0.3);
});

test('recording evidence - the shaft speed comes from the signal when the given rpm is 1.5 % off', () => {
  const x = faultSignal({ fault: 'normal', rateHz: RATE, rpm: 1797, seconds: 3, seed: 6 });
  for (const given of [1797 * 0.985, 1797 * 1.015]) {
    const s = evidenceOf(x, given).shaftDiagnostics!;
    assert.ok(s.speedFromSignal);
    assert.ok(Math.abs(s.shaftHz - 1797 / 60) / (1797 / 60) < 0.006, `${s.shaftHz} Hz from ${given} rpm`);
  }
});

test('recording evidence - a segment far louder than the rest is left out', () => {
  const x = faultSignal({ fault: 'normal', rateHz: RATE, rpm: 1797, seconds: 3, seed: 8 });
  for (let i = 20_000; i < 20_400; i++) x[i] = 200 * Math.sin(i);
  const ev = evidenceOf(x);
  assert.ok(ev.features['rec.segmentsDropped']! >= 1, JSON.stringify(ev.features));
  assert.ok(Math.abs(ev.shaftDiagnostics!.kurtosis - 3) < 0.3);
});

test('recording evidence - unusable recordings are failed Results naming the problem', () => {
  const x = faultSignal({ fault: 'normal', rateHz: RATE, rpm: 1797, seconds: 1 });
  const opts = { rateHz: RATE, rpm: 1797, bearing: BEARING_6205 };
  const reason = (r: ReturnType<typeof recordingEvidence>) => (r.ok ? '' : r.reason);
  assert.match(reason(recordingEvidence(x.subarray(0, MIN_RECORDING_SAMPLES - 1), opts)), /fewer than/);
  assert.match(reason(recordingEvidence(x, { ...opts, rpm: 0 })), /rpm/);
  assert.match(reason(recordingEvidence(x, { ...opts, rateHz: 500 })), /too low/);
  const withNan = Float64Array.from(x);
  withNan[7] = NaN;
  assert.match(reason(recordingEvidence(withNan, opts)), /sample 7/);
  assert.equal(segmentLength(120_000, 12_000), 16_384);
  assert.equal(segmentLength(480_000, 48_000), 65_536);
});
