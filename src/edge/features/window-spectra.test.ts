import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { computeFeatures, FeatureConfig } from './window-features.ts';
import { bandEnvelope, basebandKurtosis, nextPow2, realFft } from './spectrum.ts';
import { legacyAmplitudeSpectrum, legacyBandEnvelope, legacyBasebandKurtosis, legacyFeatures } from './legacy-features.test-support.ts';
import { transferIndicators } from './transfer.ts';
import { gearMesh } from './gear-mesh.ts';
import { currentSignature } from './current-signature.ts';
import { add, bearingImpacts, gaussian, testBirth, tone, windowOf } from './synthetic.test-support.ts';

/** |a − b| within `rel` of the larger magnitude, or both below `abs`. */
function close(a: number, b: number, rel = 1e-9, abs = 1e-12): boolean {
  return Math.abs(a - b) <= Math.max(abs, rel * Math.max(Math.abs(a), Math.abs(b)));
}

/** A vibration block: noise, a shaft tone, optional bearing impacts and a DC offset (the sensor's bias). */
const signal = fc.record({
  n: fc.constantFrom(1024, 2048, 3000, 4096, 5000, 8192),
  rateHz: fc.constantFrom(5120, 10240, 25600),
  seed: fc.integer({ min: 1, max: 1e6 }),
  sigma: fc.double({ min: 0.01, max: 10, noNaN: true }),
  toneAmp: fc.double({ min: 0, max: 20, noNaN: true }),
  impacts: fc.double({ min: 0, max: 8, noNaN: true }),
  offset: fc.double({ min: -50, max: 50, noNaN: true }),
  rpm: fc.double({ min: 600, max: 3600, noNaN: true }),
});

function build(p: { n: number; rateHz: number; seed: number; sigma: number; toneAmp: number; impacts: number; offset: number; rpm: number }): number[] {
  const x = add(gaussian(p.n, p.seed, p.sigma), tone(p.n, p.rateHz, p.rpm / 60, p.toneAmp), bearingImpacts(p.n, p.rateHz, 3.58 * (p.rpm / 60), 0.3 * p.rateHz, p.impacts));
  return x.map((v) => v + p.offset);
}

/** The envelope-spectrum ratios: read from the reduced-rate envelope (reduced-envelope.test.ts), not the legacy full-rate one. */
const ENVELOPE_RATIOS = new Set(['env.bpfoRatio', 'env.bpfiRatio', 'env.bsfRatio', 'env.ftfRatio']);

test('window spectra - the one-FFT extraction equals the legacy two-FFT extraction within 1e-9, the reduced-rate envelope spectrum within 10 % (fast-check)', () => {
  fc.assert(
    fc.property(signal, fc.boolean(), (p, autoBand) => {
      const x = build(p);
      const w = windowOf(x, { rateHz: p.rateHz, rpm: p.rpm });
      const cfg = FeatureConfig.parse({ autoBand });
      const got = computeFeatures(w, testBirth, { autoBand });
      assert.ok(got.ok, got.ok ? '' : got.reason);
      const want = legacyFeatures(w, testBirth, cfg);
      assert.deepEqual(got.value.evidence.features['env.bandLoHz'], want.band[0]);
      // The envelope's spectrum at the reduced rate folds |z|'s content above 3× the band width
      // onto the bins read (window-spectra.ts, ENVELOPE_OVERSAMPLING): a few % on a noise floor.
      for (const [k, v] of Object.entries(want.features)) {
        const rel = ENVELOPE_RATIOS.has(k) ? 0.1 : 1e-9;
        assert.ok(close(got.value.features[k]!, v, rel), `${k}: ${got.value.features[k]} vs legacy ${v}`);
      }
      // Peaks of nearly equal height may swap places: the k-th largest peak's height is compared.
      const peaks = got.value.evidence.topEnvelopePeaks;
      assert.equal(peaks.length, want.topEnvelopePeaks.length);
      peaks.forEach((pk, i) => assert.ok(close(pk.amplitude, want.topEnvelopePeaks[i]!.amplitude, 0.1), `peak ${i}: ${pk.amplitude} vs legacy ${want.topEnvelopePeaks[i]!.amplitude}`));
    }),
    { numRuns: 60, seed: 4242 },
  );
});

test('window spectra - the envelope and band kurtosis by the conjugate forward FFT equal the inverse FFT to the bit', () => {
  fc.assert(
    fc.property(signal, fc.double({ min: 0.05, max: 0.4, noNaN: true }), fc.double({ min: 0.02, max: 0.3, noNaN: true }), (p, loShare, widthShare) => {
      const x = build(p);
      const spec = realFft(x, nextPow2(p.n));
      const band: [number, number] = [loShare * p.rateHz, Math.min(0.45, loShare + widthShare) * p.rateHz];
      assert.equal(basebandKurtosis(spec, p.rateHz, band), legacyBasebandKurtosis(spec, p.rateHz, band));
      assert.deepEqual(bandEnvelope(spec, p.n, p.rateHz, band), legacyBandEnvelope(spec, p.n, p.rateHz, band));
    }),
    { numRuns: 40, seed: 77 },
  );
});

test('window spectra - a window and its copy give the same features (no state leaks through the reused buffers)', () => {
  const a = windowOf(add(gaussian(4096, 3), bearingImpacts(4096, 10240, 90, 3000, 4)));
  const b = windowOf(gaussian(3000, 9));
  const first = computeFeatures(a, testBirth);
  computeFeatures(b, testBirth); // another size and content in between
  const again = computeFeatures({ ...a, channels: a.channels.map((c) => ({ ...c, values: [...c.values] })) }, testBirth);
  assert.ok(first.ok && again.ok);
  assert.deepEqual(again.value, first.value);
});

test('window spectra - transfer indicators and gear mesh through the shared transform equal the legacy spectrum (fast-check)', () => {
  fc.assert(
    fc.property(signal, fc.integer({ min: 11, max: 40 }), (p, teeth) => {
      const x = build(p);
      const legacy = legacyAmplitudeSpectrum(x, p.rateHz);
      const t = transferIndicators(x, p.rateHz);
      const tl = transferIndicators(x, p.rateHz, 0.4, legacy);
      for (const k of ['centroidHz', 'hfRms', 'rms'] as const) assert.ok(close(t[k], tl[k]), `${k}: ${t[k]} vs ${tl[k]}`);
      const gear = { inputTeeth: teeth, outputTeeth: 2 * teeth + 1 };
      const g = gearMesh(x, p.rateHz, p.rpm / 60, gear);
      const gl = gearMesh(x, p.rateHz, p.rpm / 60, gear, legacy);
      assert.equal(g === undefined, gl === undefined);
      if (g && gl) for (const k of ['meshHz', 'meshDb', 'sidebandDb'] as const) assert.ok(close(g[k], gl[k], 1e-9, 1e-9), `${k}: ${g[k]} vs ${gl[k]}`);
    }),
    { numRuns: 40, seed: 99 },
  );
});

test('window spectra - a block changed in place is transformed again, not served from the last transform', () => {
  const x = gaussian(4096, 5);
  const before = transferIndicators(x, 10240);
  for (let i = 0; i < x.length; i += 7) x[i] = 3 * x[i]!;
  const after = transferIndicators(x, 10240);
  const want = transferIndicators(x, 10240, 0.4, legacyAmplitudeSpectrum(x, 10240));
  assert.notEqual(after.rms, before.rms);
  assert.ok(close(after.rms, want.rms) && close(after.hfRms, want.hfRms) && close(after.centroidHz, want.centroidHz));
});

test('window spectra - the current signature through the shared transform equals the legacy spectrum (fast-check)', () => {
  fc.assert(
    fc.property(
      fc.constantFrom(4096, 6000, 8192), fc.double({ min: 45, max: 65, noNaN: true }), fc.double({ min: 0.01, max: 0.05, noNaN: true }),
      fc.double({ min: 0, max: 0.2, noNaN: true }), fc.integer({ min: 1, max: 1e6 }),
      (n, supplyHz, slip, sideband, seed) => {
        const rateHz = 1024;
        const x = add(tone(n, rateHz, supplyHz, 10), tone(n, rateHz, supplyHz * (1 - 2 * slip), sideband), tone(n, rateHz, supplyHz * (1 + 2 * slip), sideband), gaussian(n, seed, 0.05));
        const rpm = 30 * supplyHz * (1 - slip); // 4 poles
        const birth = { ratedSpeedRpm: rpm };
        const got = currentSignature(x, rateHz, rpm, birth);
        const want = currentSignature(x, rateHz, rpm, birth, legacyAmplitudeSpectrum(x, rateHz));
        assert.equal(got === undefined, want === undefined);
        if (got && want) for (const k of ['supplyHz', 'slip', 'sidebandDb'] as const) assert.ok(close(got[k], want[k]), `${k}: ${got[k]} vs ${want[k]}`);
      },
    ),
    { numRuns: 40, seed: 5 },
  );
});
