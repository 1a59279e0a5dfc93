import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { bearingDefectOrders } from '../../core/index.ts';
import { computeFeatures } from './window-features.ts';
import { moments } from './moments.ts';
import { amplitudeSpectrum, envelopeSpectrum, realFft } from './spectrum.ts';
import { add, bearingImpacts, gaussian, testBirth, tone, windowOf } from './synthetic.test-support.ts';

const RATE = 10240;
const N = 4096;
const bpfoHz = bearingDefectOrders(testBirth.bearing).bpfo * 25;

function features(vib: number[], opts?: Parameters<typeof windowOf>[1]) {
  const r = computeFeatures(windowOf(vib, opts), testBirth);
  assert.ok(r.ok, r.ok ? '' : r.reason);
  return r.value;
}

test('spectrum - fft.js real transform matches a direct DFT', () => {
  const x = gaussian(16, 7);
  const X = realFft(x, 16);
  for (const k of [0, 1, 5, 8, 11]) {
    let re = 0;
    let im = 0;
    for (let i = 0; i < 16; i++) {
      re += x[i]! * Math.cos((-2 * Math.PI * k * i) / 16);
      im += x[i]! * Math.sin((-2 * Math.PI * k * i) / 16);
    }
    assert.ok(Math.abs(X[2 * k]! - re) < 1e-9 && Math.abs(X[2 * k + 1]! - im) < 1e-9, `bin ${k}`);
  }
});

test('spectrum - a bin-centred tone reads its amplitude', () => {
  const f = 100 * (RATE / N); // bin 100
  const s = amplitudeSpectrum(tone(N, RATE, f, 3), RATE);
  assert.ok(Math.abs(s.amplitudes[100]! - 3) < 1e-6, String(s.amplitudes[100]));
});

test('features - pure tone RMS is A/sqrt(2), crest sqrt(2), kurtosis 1.5', () => {
  const m = moments(tone(N, RATE, 123.4, 2.5));
  assert.ok(Math.abs(m.rms - 2.5 / Math.SQRT2) < 0.01, String(m.rms));
  assert.ok(Math.abs(m.crest - Math.SQRT2) < 0.02, String(m.crest));
  assert.ok(Math.abs(m.kurtosis - 1.5) < 0.02, String(m.kurtosis));
});

test('features - Gaussian noise kurtosis is about 3, an impulsive signal far higher', () => {
  const noise = features(gaussian(N, 1));
  assert.ok(Math.abs(noise.features['accel.kurtosis']! - 3) < 0.3, String(noise.features['accel.kurtosis']));
  assert.ok(Math.abs(noise.features['accel.skewness']!) < 0.2);
  const impulsive = features(add(gaussian(N, 2, 0.2), bearingImpacts(N, RATE, 37, 3000, 5)));
  assert.ok(impulsive.features['accel.kurtosis']! > 8, String(impulsive.features['accel.kurtosis']));
  assert.ok(impulsive.features['accel.crest']! > noise.features['accel.crest']! * 1.5);
});

test('features - velocity RMS of A sin(2πft) is A/(2πf·√2) in mm/s', () => {
  for (const [fHz, aMs2] of [[50, 2], [157.3, 10], [400, 5]] as const) {
    const f = features(tone(N, RATE, fHz, aMs2));
    const expected = (1000 * aMs2) / (2 * Math.PI * fHz * Math.SQRT2);
    const got = f.features['vel.rmsMmS']!;
    assert.ok(Math.abs(got - expected) / expected < 0.02, `${fHz} Hz: ${got} vs ${expected}`);
  }
});

test('features - order amplitudes find 1x and 2x of the speed channel', () => {
  // 1500 rpm = 25 Hz; velocity amplitude V mm/s at f needs acceleration V·2πf/1000 m/s2.
  const acc = (vMmS: number, fHz: number) => (vMmS * 2 * Math.PI * fHz) / 1000;
  const f = features(add(tone(N, RATE, 25, acc(1, 25)), tone(N, RATE, 50, acc(4, 50)), gaussian(N, 3, 0.01)));
  assert.ok(Math.abs(f.evidence.orderAmplitudes.x1 - 1) < 0.05, String(f.evidence.orderAmplitudes.x1));
  assert.ok(Math.abs(f.evidence.orderAmplitudes.x2 - 4) < 0.2, String(f.evidence.orderAmplitudes.x2));
  assert.ok(f.evidence.orderAmplitudes.x3 < 0.2, String(f.evidence.orderAmplitudes.x3));
  // The same signal read at 3000 rpm moves the orders: 1x is now the 50 Hz line, 2x (100 Hz) is empty.
  const g = features(add(tone(N, RATE, 25, acc(1, 25)), tone(N, RATE, 50, acc(4, 50))), { rpm: 3000 });
  assert.ok(Math.abs(g.evidence.orderAmplitudes.x1 - 4) < 0.2, String(g.evidence.orderAmplitudes.x1));
  assert.ok(g.evidence.orderAmplitudes.x2 < 0.1, String(g.evidence.orderAmplitudes.x2));
});

test('features - a bearing outer-race fault gives an envelope peak at BPFO far above noise', () => {
  const healthy = features(gaussian(N, 11));
  const faulty = features(add(gaussian(N, 12), bearingImpacts(N, RATE, bpfoHz, 3000, 3)));
  const h = healthy.evidence.envelopeDefectRatios.bpfo;
  const b = faulty.evidence.envelopeDefectRatios.bpfo;
  assert.ok(b > 10 && b > 4 * h, `fault ${b} vs noise ${h}`);
  const top = faulty.evidence.topEnvelopePeaks[0]!;
  assert.ok(Math.abs(top.freqHz - bpfoHz) < 3 || Math.abs(top.freqHz - 2 * bpfoHz) < 5, `top peak at ${top.freqHz} Hz, BPFO ${bpfoHz}`);
});

test('features - the fixed-band envelope spectrum also shows BPFO', () => {
  const x = add(gaussian(N, 13), bearingImpacts(N, RATE, bpfoHz, 3000, 3));
  const env = envelopeSpectrum(x, RATE, [2000, 5000]);
  const k = Math.round(bpfoHz / env.binHz);
  const near = Math.max(env.amplitudes[k - 1]!, env.amplitudes[k]!, env.amplitudes[k + 1]!);
  const sorted = Array.from(env.amplitudes).sort((a, b) => a - b);
  assert.ok(near > 8 * sorted[sorted.length >> 1]!, `${near} vs median ${sorted[sorted.length >> 1]}`);
});

test('features - bad windows are failed Results, not throws', () => {
  const noVib = windowOf(gaussian(N, 4));
  noVib.channels = noVib.channels.filter((c) => c.name !== 'vib_de');
  assert.equal(computeFeatures(noVib, testBirth).ok, false);
  const still = computeFeatures(windowOf(gaussian(N, 4), { rpm: 0 }), testBirth);
  assert.equal(still.ok, false);
  assert.match(still.ok ? '' : still.reason, /speed/);
  assert.equal(computeFeatures(windowOf(gaussian(100, 4)), testBirth).ok, false);
});

test('features - scalar channels become scalar.<name> features', () => {
  const f = features(gaussian(N, 5), { tempC: 61.5 });
  assert.equal(f.features['scalar.temp_bearing'], 61.5);
  assert.equal(f.features['scalar.speed'], 1500);
  assert.equal(f.features['scalar.vib_de'], undefined);
});

test('features - never throw and stay finite for arbitrary finite input (fast-check)', () => {
  const sample = fc.double({ min: -1e6, max: 1e6, noNaN: true });
  fc.assert(
    fc.property(
      fc.array(sample, { minLength: 1, maxLength: 1200 }),
      fc.double({ min: 0.5, max: 100_000, noNaN: true }),
      fc.double({ min: -10_000, max: 100_000, noNaN: true }),
      fc.double({ min: -1e9, max: 1e9, noNaN: true }),
      (vib, rateHz, rpm, temp) => {
        const r = computeFeatures(windowOf(vib, { rateHz, rpm, tempC: temp }), testBirth);
        if (vib.length >= 256 && rpm > 0) assert.ok(r.ok, r.ok ? '' : r.reason);
        if (r.ok) {
          for (const [k, v] of Object.entries(r.value.features)) assert.ok(Number.isFinite(v), `${k} = ${v}`);
          for (const v of Object.values(r.value.evidence.envelopeDefectRatios)) assert.ok(Number.isFinite(v));
        }
      },
    ),
    { numRuns: 60 },
  );
  // Extreme magnitudes: never a throw, and never a non-finite feature (a failed Result instead).
  fc.assert(
    fc.property(fc.array(fc.double({ noNaN: true, noDefaultInfinity: true }), { minLength: 256, maxLength: 600 }), (vib) => {
      const r = computeFeatures(windowOf(vib), testBirth);
      if (r.ok) for (const v of Object.values(r.value.features)) assert.ok(Number.isFinite(v));
    }),
    { numRuns: 40 },
  );
});

test('features - the impulsive-band pick finds a resonance outside the default band', () => {
  const x = add(gaussian(N, 21), bearingImpacts(N, RATE, bpfoHz, 1400, 3));
  const fixed = computeFeatures(windowOf(x), testBirth, { autoBand: false });
  const auto = computeFeatures(windowOf(x), testBirth, { autoBand: true });
  assert.ok(fixed.ok && auto.ok);
  const [f, a] = [fixed.value.evidence.envelopeDefectRatios.bpfo, auto.value.evidence.envelopeDefectRatios.bpfo];
  assert.ok(a > 6 && a > 2 * f, `auto ${a} vs fixed 2-5 kHz ${f}`);
  assert.ok(auto.value.evidence.features['env.bandHiHz']! <= 2600, String(auto.value.evidence.features['env.bandHiHz']));
});
