import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { bearingDefectOrders } from '../../core/index.ts';
import { computeFeatures, FeatureConfig } from './window-features.ts';
import { bandEnvelope, basebandConj, nextPow2, realFft } from './spectrum.ts';
import { envelopeAmplitudes, reducedBandEnvelope } from './window-spectra.ts';
import { envelopeKurtosis } from './impulsive-band.ts';
import { BEARING_6205, faultSignal } from './fault-signals.test-support.ts';
import { legacyFeatures } from './legacy-features.test-support.ts';
import { add, bearingImpacts, gaussian, testBirth, tone, windowOf } from './synthetic.test-support.ts';

/** The envelope spectrum (bins 0..maxBin) of a band, at the full rate (bandEnvelope) and at the reduced rate. */
function bothWays(x: ArrayLike<number>, rateHz: number, band: [number, number], maxBin: number) {
  const n = x.length;
  const spec = realFft(x, nextPow2(n));
  const full = envelopeAmplitudes(bandEnvelope(spec, n, rateHz, band), rateHz, maxBin).amplitudes.slice();
  const r = reducedBandEnvelope(spec, n, rateHz, band, maxBin);
  const samples = r.envelope.length;
  const reduced = envelopeAmplitudes(r.envelope, r.rateHz, maxBin);
  return { full, reduced: reduced.amplitudes.slice(), binHz: reduced.binHz, samples };
}

/** A · (1 + μ·cos 2πf_m t) · cos 2πf_c t: its envelope is A(1 + μ cos 2πf_m t), the line at f_m reads A·μ. */
function amTone(n: number, rateHz: number, carrierHz: number, modHz: number, amplitude: number, depth: number): number[] {
  return Array.from({ length: n }, (_, i) => amplitude * (1 + depth * Math.cos((2 * Math.PI * modHz * i) / rateHz)) * Math.cos((2 * Math.PI * carrierHz * i) / rateHz + 0.3));
}

test('reduced envelope - its samples are the full-rate envelope\'s every (nfft/M)th, with or without the search\'s transform, and as impulsive (fast-check)', () => {
  fc.assert(
    fc.property(
      fc.constantFrom(1024, 4096, 8192), fc.constantFrom(5120, 10240, 25600), fc.integer({ min: 1, max: 1e6 }),
      fc.double({ min: 0.02, max: 0.4, noNaN: true }), fc.double({ min: 0.005, max: 0.3, noNaN: true }), fc.integer({ min: 4, max: 600 }), fc.double({ min: 0, max: 8, noNaN: true }),
      (n, rateHz, seed, loShare, widthShare, maxBin, impacts) => {
        const x = add(gaussian(n, seed), bearingImpacts(n, rateHz, 97, 0.25 * rateHz, impacts));
        const spec = realFft(x, n);
        const band: [number, number] = [loShare * rateHz, Math.min(0.45, loShare + widthShare) * rateHz];
        const want = bandEnvelope(spec, n, rateHz, band);
        const direct = reducedBandEnvelope(spec, n, rateHz, band, maxBin);
        const samples = direct.envelope.slice();
        const searched = basebandConj(spec, rateHz, band)?.slice();
        const reused = reducedBandEnvelope(spec, n, rateHz, band, maxBin, searched).envelope;
        const step = n / samples.length;
        assert.ok(Number.isInteger(step) && step >= 1);
        assert.equal(direct.rateHz, rateHz / step);
        // The reduced rate still holds every bin read below its Nyquist.
        assert.ok(samples.length === n || samples.length >= 2 * (maxBin + 1), `${samples.length} samples for bin ${maxBin}`);
        const scale = Math.max(...want);
        for (let j = 0; j < samples.length; j++) {
          assert.ok(Math.abs(samples[j]! - want[j * step]!) <= 1e-12 * scale, `sample ${j}: ${samples[j]} vs ${want[j * step]}`);
          assert.ok(Math.abs(reused[j]! - want[j * step]!) <= 1e-12 * scale, `phase 0 reused, sample ${j}`);
        }
        // |z|² and |z|⁴ are band-limited below the reduced rate: the envelope's kurtosis is the full-rate one.
        assert.ok(Math.abs(envelopeKurtosis(samples) - envelopeKurtosis(want)) <= 1e-9 * Math.max(1, Math.abs(envelopeKurtosis(want))));
      },
    ),
    { numRuns: 60, seed: 2024 },
  );
});

test('reduced envelope - a zero-padded block that would need a reduction falls back to the full-rate envelope', () => {
  const n = 3000;
  const x = gaussian(n, 3);
  const spec = realFft(x, nextPow2(n));
  const r = reducedBandEnvelope(spec, n, 10240, [2000, 2600], 100);
  assert.equal(r.rateHz, 10240);
  assert.deepEqual(r.envelope.slice(), bandEnvelope(spec, n, 10240, [2000, 2600]));
});

test('reduced envelope - a pure AM tone\'s modulation line reads as at the full rate (its envelope is band-limited: no alias) and as A·μ within 1 %', () => {
  const rateHz = 25600;
  const n = 4096; // bin 6.25 Hz
  for (const [modHz, band] of [[156.25, [2000, 5000]], [150, [2000, 5000]], [18.75, [3470, 3530]]] as [number, [number, number]][]) {
    const x = amTone(n, rateHz, 3500, modHz, 2, 0.5);
    const maxBin = Math.ceil((band[1] - band[0]) / 6.25) + 1;
    const { full, reduced, binHz, samples } = bothWays(x, rateHz, band, Math.max(maxBin, 40));
    assert.ok(samples < n, `the ${band.join('–')} Hz band is demodulated at a reduced rate (${samples} samples)`);
    assert.equal(binHz, rateHz / n);
    const k = Math.round(modHz / binHz);
    // Off-bin lines lose up to 15 % to the Hann window's scalloping, equally both ways.
    const peak = (a: Float64Array) => Math.max(a[k - 1]!, a[k]!, a[k + 1]!);
    assert.ok(Math.abs(peak(reduced) / peak(full) - 1) < 1e-9, `${modHz} Hz: ${peak(reduced)} vs full rate ${peak(full)}`);
    if (modHz / binHz === k) assert.ok(Math.abs(reduced[k]! - 2 * 0.5) < 0.01, `bin-centred line reads ${reduced[k]}, want A·μ = 1`);
  }
});

test('reduced envelope - bearing faults: the defect line and its sidebands read as at the full rate within 1 % (seeded noise)', () => {
  const rateHz = 25600;
  const n = 4096;
  const rpm = 1800;
  const shaftHz = rpm / 60;
  const orders = bearingDefectOrders(BEARING_6205);
  for (const seed of [1, 2, 3, 4, 5]) {
    for (const [fault, lines] of [['outer_race', [orders.bpfo, 2 * orders.bpfo]], ['inner_race', [orders.bpfi, orders.bpfi - 1, orders.bpfi + 1]]] as const) {
      const x = faultSignal({ fault, rateHz, rpm, seconds: n / rateHz, seed, resonanceHz: 3200, impactToNoise: 3 });
      const { full, reduced, binHz, samples } = bothWays(x, rateHz, [2000, 5000], 481);
      assert.ok(samples < n);
      let floor = 0;
      for (const order of lines) {
        const k = Math.round((order * shaftHz) / binHz);
        const peak = (a: Float64Array) => Math.max(a[k - 1]!, a[k]!, a[k + 1]!);
        assert.ok(Math.abs(peak(reduced) / peak(full) - 1) < 0.01, `${fault} seed ${seed}, order ${order.toFixed(2)}: ${peak(reduced)} vs full rate ${peak(full)}`);
        floor = Math.max(floor, peak(full));
      }
      // And the whole read range stays close: no bin moves by more than 2 % of the strongest line.
      for (let k = 1; k <= 481; k++) assert.ok(Math.abs(reduced[k]! - full[k]!) < 0.02 * floor, `${fault} seed ${seed}, bin ${k}`);
    }
  }
});

test('reduced envelope - features: an outer-race fault\'s BPFO ratio stands out and matches the full-rate extraction within 3 %, default and narrow band', () => {
  const rateHz = 25600;
  const n = 4096;
  const rpm = 1800;
  const birth = { ...testBirth, bearing: BEARING_6205 };
  for (const seed of [1, 2, 3]) {
    const x = Array.from(faultSignal({ fault: 'outer_race', rateHz, rpm, seconds: n / rateHz, seed, resonanceHz: 3200, impactToNoise: 3 }));
    const w = windowOf(x, { rateHz, rpm });
    // The narrow band (100 Hz, under the BPFO's sidebands) makes the rate rise to hold the BPFO bins.
    for (const envelopeBandHz of [[2000, 5000], [3150, 3250]] as [number, number][]) {
      const config = { autoBand: false, envelopeBandHz };
      const got = computeFeatures(w, birth, config);
      assert.ok(got.ok, got.ok ? '' : got.reason);
      const want = legacyFeatures(w, birth, FeatureConfig.parse(config));
      // Within 3 %, or 3 % of the floor for lines below it (beyond a narrow band's width |z| holds only its √ tail).
      for (const k of ['env.bpfoRatio', 'env.bpfiRatio', 'env.bsfRatio', 'env.ftfRatio']) {
        assert.ok(Math.abs(got.value.features[k]! - want.features[k]!) < 0.03 * Math.max(1, want.features[k]!), `seed ${seed}, ${envelopeBandHz.join('–')} Hz, ${k}: ${got.value.features[k]} vs full rate ${want.features[k]}`);
      }
      assert.ok(Math.abs(got.value.features['env.sk']! - want.features['env.sk']!) < 1e-9);
      if (envelopeBandHz[0] === 2000) assert.ok(got.value.features['env.bpfoRatio']! > 4, `seed ${seed}: BPFO ratio ${got.value.features['env.bpfoRatio']}`);
    }
  }
});
