import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { healthyEvidence, sampleEscalation } from '../fixtures.ts';
import { diagnose } from './rules.ts';
import { cavitationRule, lubricationRule } from './process-rules.ts';

const pump = () => {
  const h = healthyEvidence();
  return { ...h, features: { ...h.features, 'scalar.pressure': 4.0 }, baseline: { ...h.baseline, 'scalar.pressure': { median: 4.0, mad: 0.05 } } };
};

test('process rules - a pressure drop with broadband vibration is cavitation', () => {
  const ev = pump();
  const r = cavitationRule({ ...ev, features: { ...ev.features, 'scalar.pressure': 3.1, 'accel.rmsMs2': 1.8 } });
  assert.ok(r.score >= 0.5, r.explanation);
  assert.match(r.explanation, /discharge pressure -\d+\.\d σ/);
});

test('process rules - a pressure drop alone, or a machine without pressure, is not cavitation', () => {
  const ev = pump();
  assert.equal(cavitationRule({ ...ev, features: { ...ev.features, 'scalar.pressure': 3.1 } }).score, 0);
  assert.equal(cavitationRule(healthyEvidence()).score, 0);
});

test('process rules - pressure pulsation with broadband vibration is cavitation before the head drops', () => {
  const ev = pump();
  const pulsing = { ...ev, features: { ...ev.features, 'accel.rmsMs2': 1.8 }, pressurePulsation: { rippleFrac: 0.06, rateHz: 1000, samples: 2048 } };
  const r = cavitationRule(pulsing);
  assert.ok(r.score >= 0.5, r.explanation);
  assert.match(r.explanation, /pulsating 6\.0 %/);
  assert.equal(diagnose(sampleEscalation(pulsing)).faultType, 'cavitation');
});

test('process rules - a healthy pump (ripple 0.5 %, vibration at baseline) is normal; pulsation without vibration is not cavitation', () => {
  const ev = pump();
  const healthy = { ...ev, pressurePulsation: { rippleFrac: 0.005, rateHz: 1000, samples: 2048 } };
  assert.equal(cavitationRule(healthy).score, 0);
  assert.equal(cavitationRule({ ...healthy, pressurePulsation: { rippleFrac: 0.08, rateHz: 1000, samples: 2048 } }).score, 0);
  assert.equal(cavitationRule({ ...healthy, features: { ...ev.features, 'accel.rmsMs2': 1.8 } }).score, 0);
});

test('process rules - a hot bearing without a defect line is lubrication loss, with one it is not', () => {
  const h = healthyEvidence();
  const hot = { ...h, features: { ...h.features, 'scalar.temp_bearing': 58, 'accel.rmsMs2': 1.4 } };
  const r = lubricationRule(hot);
  assert.ok(r.score >= 0.5, r.explanation);
  const spalled = lubricationRule({ ...hot, envelopeDefectRatios: { ...hot.envelopeDefectRatios, bpfo: 8 } });
  assert.ok(spalled.score < 0.5, spalled.explanation);
  assert.equal(lubricationRule(h).score, 0);
});

test('process rules - property: never throw, scores in [0, 1]', () => {
  const num = fc.double({ min: -1e6, max: 1e6, noNaN: true });
  fc.assert(
    fc.property(num, num, num, (p, t, a) => {
      const ev = pump();
      const x = { ...ev, features: { ...ev.features, 'scalar.pressure': p, 'scalar.temp_bearing': t, 'accel.rmsMs2': a } };
      for (const rule of [cavitationRule, lubricationRule]) {
        const r = rule(x);
        assert.ok(r.score >= 0 && r.score <= 1);
      }
    }),
  );
});

test('process rules - early starvation: broadband vibration up and temperature trending up, no line', () => {
  const h = healthyEvidence();
  const early = lubricationRule({ ...h, features: { ...h.features, 'accel.rmsMs2': 1.4, 'scalar.temp_bearing': 42.6 } });
  assert.ok(early.score >= 0.5, early.explanation);
  assert.match(early.explanation, /early/);
  // Broadband vibration with the temperature falling is not lubrication loss.
  assert.equal(lubricationRule({ ...h, features: { ...h.features, 'accel.rmsMs2': 1.4, 'scalar.temp_bearing': 38 } }).score, 0);
});

test('process rules - a smooth broadband rise with the bearing temperature flat or unmeasured is early lubrication loss', () => {
  const h = healthyEvidence();
  const smooth = { ...h, features: { ...h.features, 'accel.rmsMs2': 1.3, 'scalar.temp_bearing': 39.5 } };
  const r = lubricationRule(smooth);
  assert.ok(r.score >= 0.5 && r.score <= 0.6, r.explanation);
  assert.match(r.explanation, /without impacts/);
  const { 'scalar.temp_bearing': _t, ...noTemp } = smooth.features;
  const { 'scalar.temp_bearing': _b, ...noTempBase } = smooth.baseline;
  const r2 = lubricationRule({ ...smooth, features: noTemp, baseline: noTempBase });
  assert.ok(r2.score >= 0.5, r2.explanation);
  assert.match(r2.explanation, /no bearing temperature/);
});

test('process rules - a broadband rise with impacts or a grown shaft line is not lubrication loss', () => {
  const h = healthyEvidence();
  const base = { ...h.features, 'accel.rmsMs2': 1.3, 'scalar.temp_bearing': 39.5 };
  assert.equal(lubricationRule({ ...h, features: { ...base, 'accel.kurtosis': 4.5 } }).score, 0, 'impulsive: a spall or rub');
  assert.equal(lubricationRule({ ...h, features: { ...base, 'vel.x2MmS': 0.6 } }).score, 0, '2x grown: a shaft fault');
  assert.equal(lubricationRule({ ...h, features: { ...base, 'accel.rmsMs2': 1.05 } }).score, 0, 'within the healthy scatter');
});

test('process rules - the thermal-model residual decides: excess heat is lubrication loss, none vetoes the broadband-only call', () => {
  const h = healthyEvidence();
  const withResidual = (residual: number) => ({
    ...h,
    features: { ...h.features, 'accel.rmsMs2': 1.3, 'scalar.temp_bearing': 39.5, 'scalar.temp_bearing.residual': residual },
    baseline: { ...h.baseline, 'scalar.temp_bearing.residual': { median: 0.1, mad: 0.1 } },
  });
  const hot = lubricationRule(withResidual(3.2));
  assert.ok(hot.score >= 0.7, hot.explanation);
  assert.match(hot.explanation, /above what its load and the ambient explain/);
  assert.equal(lubricationRule(withResidual(0.05)).score, 0, 'broadband up but no excess heat: not starvation');
});

test('process rules - a hot, noisy bearing under a 1x grown 2.8x is the shaft fault (imbalance), not lubrication loss', () => {
  const h = healthyEvidence();
  const ev = {
    ...h,
    features: { ...h.features, 'scalar.temp_bearing': 48, 'accel.rmsMs2': 1.6, 'vel.x1MmS': 6.8 },
    baseline: { ...h.baseline, 'vel.x1MmS': { median: 2.4, mad: 0.05 } },
    orderAmplitudes: { x1: 6.8, x2: 0.35, x3: 0.1 },
  };
  assert.ok(lubricationRule(ev).score < 0.5, lubricationRule(ev).explanation);
  assert.equal(diagnose(sampleEscalation(ev)).faultType, 'imbalance');
  // The same heat and noise without the grown 1x stays lubrication loss.
  assert.ok(lubricationRule({ ...ev, features: { ...ev.features, 'vel.x1MmS': 2.45 } }).score >= 0.5);
});

test('process rules - a hot, noisy spindle bearing beside a clearly risen spindle load (no thermal residual) is the load, not lubrication loss', () => {
  const h = healthyEvidence();
  const hot = { ...h, features: { ...h.features, 'scalar.temp_bearing': 50, 'accel.rmsMs2': 1.4 } };
  const loaded = {
    ...hot,
    features: { ...hot.features, 'scalar.spindle_load': 70 },
    baseline: { ...hot.baseline, 'scalar.spindle_load': { median: 50, mad: 2 } },
  };
  const r = lubricationRule(loaded);
  assert.ok(r.score < 0.5, r.explanation);
  assert.match(r.explanation, /spindle load rose too/);
  // The same heat at a steady load is the film.
  const steady = { ...loaded, features: { ...loaded.features, 'scalar.spindle_load': 51 } };
  assert.ok(lubricationRule(steady).score >= 0.5, lubricationRule(steady).explanation);
});

test('process rules - incipient cavitation: a pump turned impulsive (crest, envelope-band SK) at no bearing frequency, head not yet down', () => {
  const p = pump();
  const crackling = { ...p, features: { ...p.features, 'accel.crest': 5.2, 'accel.kurtosis': 3.2, 'env.sk': 1.8 } };
  const d = diagnose(sampleEscalation(crackling, { machineType: 'centrifugal-pump' }));
  assert.equal(d.faultType, 'cavitation', d.explanation);
  assert.match(d.explanation, /incipient/);
  assert.ok(d.confidence < 0.65, 'a line-based bearing call outranks it');
});

test('process rules - impulsive with a bearing line, a Gaussian band, or on a machine without pressure is not incipient cavitation', () => {
  const p = pump();
  const crackling = { ...p, features: { ...p.features, 'accel.crest': 5.2, 'env.sk': 1.8 } };
  const spall = { ...crackling, envelopeDefectRatios: { ...crackling.envelopeDefectRatios, bpfo: 8 } };
  assert.equal(cavitationRule(spall).score, 0, cavitationRule(spall).explanation);
  const gaussian = { ...crackling, features: { ...crackling.features, 'env.sk': 0.2 } };
  assert.equal(cavitationRule(gaussian).score, 0, 'crest alone: one outlier window, not a band of bursts');
  const h = healthyEvidence();
  assert.equal(cavitationRule({ ...h, features: { ...h.features, 'accel.crest': 5.2, 'env.sk': 1.8 } }).score, 0, 'not a pump');
});

test('process rules - incipient cavitation is read from the alarm run\'s peaks when the raising window is quiet', () => {
  const p = pump();
  // The raising window: nothing impulsive (crest at its healthy level, a Gaussian envelope band).
  const quiet = { ...p, features: { ...p.features, 'env.sk': 0.1 } };
  assert.equal(cavitationRule(quiet).score, 0, 'quiet window alone: nothing to name');
  const burst = { ...quiet, peaks: { 'accel.crest': { value: 5.2, z: 8.5, atMs: 1_000 }, 'env.sk': { value: 1.8, z: 12, atMs: 1_000 } } };
  const d = diagnose(sampleEscalation(burst, { machineType: 'centrifugal-pump' }));
  assert.equal(d.faultType, 'cavitation', d.explanation);
  assert.match(d.explanation, /strongest in the windows that raised the alarm/);
  // The peak is judged against the healthy baseline, not by the edge's z: a peak within the healthy scatter is nothing.
  const mild = { ...quiet, peaks: { 'accel.crest': { value: 3.35, z: 8.5, atMs: 1_000 }, 'env.sk': { value: 1.8, z: 12, atMs: 1_000 } } };
  assert.equal(cavitationRule(mild).score, 0, cavitationRule(mild).explanation);
});

test('process rules - peaks of a run do not make a bearing line cavitation, nor a burst a lubrication loss', () => {
  const p = pump();
  const peaks = { 'accel.crest': { value: 5.2, z: 8.5, atMs: 1_000 }, 'env.sk': { value: 1.8, z: 12, atMs: 1_000 } };
  const spall = { ...p, peaks, envelopeDefectRatios: { ...p.envelopeDefectRatios, bpfo: 8 } };
  assert.equal(cavitationRule(spall).score, 0, cavitationRule(spall).explanation);
  // A smooth broadband rise with no temperature is early lubrication loss; impacts in the run say it is not smooth.
  const h = healthyEvidence();
  const { 'scalar.temp_bearing': _t, ...noTemp } = h.features;
  const floor = { ...h, features: { ...noTemp, 'accel.rmsMs2': 1.6 } };
  assert.ok(lubricationRule(floor).score >= 0.5, lubricationRule(floor).explanation);
  assert.equal(lubricationRule({ ...floor, peaks: { 'accel.kurtosis': { value: 7.5, z: 30, atMs: 1_000 } } }).score, 0);
});

/**
 * A gearbox-like machine without a bearing temperature whose broadband floor rose smoothly: the
 * waveform is dominated by the gear mesh (kurtosis ~2), so added random noise lifts its crest factor
 * (2.2 → 2.9) while the envelope band's spectral kurtosis stays Gaussian (`sk`).
 */
function meshDominated(sk: number) {
  const h = healthyEvidence();
  const { 'scalar.temp_bearing': _t, ...features } = h.features;
  const { 'scalar.temp_bearing': _b, ...baseline } = h.baseline;
  // No bearing line anywhere in the recording: every family a couple of dB over the floor.
  const flat = { freqHz: 50, harmonicsDb: [2, 1, 1], shaftSidebandsDb: 1, cageSidebandsDb: 1 };
  return {
    ...h,
    features: { ...features, 'accel.rmsMs2': 1.0, 'accel.peakMs2': 7.2, 'accel.crest': 2.86, 'accel.kurtosis': 2.17, 'env.sk': 0.02 },
    baseline: { ...baseline, 'accel.peakMs2': { median: 5.2, mad: 0.28 }, 'accel.crest': { median: 2.21, mad: 0.12 }, 'accel.kurtosis': { median: 1.97, mad: 0.14 }, 'env.sk': { median: 0.05, mad: 0.09 } },
    peaks: { 'accel.crest': { value: 2.97, z: 3.8, atMs: 1_000 } },
    envelopeDiagnostics: {
      bandHz: [250, 4600] as [number, number], bandSk: sk, maxSk: sk, method: 'prewhitened' as const, segments: 3,
      lines: { bpfo: flat, bpfi: flat, bsf: flat, bsf2: flat, ftf: flat, shaft: flat },
    },
  };
}

test('process rules - a crest-factor rise in a mesh-dominated signal whose bands stay Gaussian is early lubrication loss, not impacts', () => {
  const r = lubricationRule(meshDominated(0.03));
  assert.ok(r.score >= 0.5, r.explanation);
  assert.match(r.explanation, /without impacts/);
  assert.equal(diagnose(sampleEscalation(meshDominated(0.03))).faultType, 'lubrication-loss');
});

test('process rules - the same crest rise with an impulsive envelope band (SK 1.4) or a clearly impulsive waveform is impacts, not lubrication loss', () => {
  assert.equal(lubricationRule(meshDominated(1.4)).score, 0, 'impulsive band');
  const spiky = meshDominated(0.03);
  assert.equal(lubricationRule({ ...spiky, peaks: { ...spiky.peaks, 'accel.kurtosis': { value: 6.5, z: 30, atMs: 1_000 } } }).score, 0, 'kurtosis 6.5');
});

test('process rules - a hot bearing beside a sustained rise of the tool wear estimate is the cutting forces\' heat: tool wear, not lubrication loss', () => {
  const h = healthyEvidence();
  const healthy = Array.from({ length: 30 }, (_, i) => 47 + 3 * Math.sin(1.7 * i));
  const withWear = (latest: number[]) => {
    const levels = [...healthy, ...latest];
    return { ...h, features: { ...h.features, 'scalar.temp_bearing': 58 }, trends: { 'scalar.tool_wear': { tHours: levels.map((_, i) => (i - levels.length + 1) / 12), levels, windows: levels.map(() => 1) } } };
  };
  const worn = withWear([79, 77, 75, 89, 93]);
  const r = lubricationRule(worn);
  assert.ok(r.score < 0.5, r.explanation);
  assert.match(r.explanation, /flank wear estimate rose too/);
  assert.equal(diagnose(sampleEscalation(worn)).faultType, 'tool-wear');
  // Near case: the wear estimate flat (or up in only its last two points): the hot bearing stays lubrication loss.
  for (const latest of [[46, 49, 45, 48, 47], [44, 42, 52, 74, 87]]) {
    const ev = withWear(latest);
    assert.ok(lubricationRule(ev).score >= 0.5, lubricationRule(ev).explanation);
    assert.equal(diagnose(sampleEscalation(ev)).faultType, 'lubrication-loss');
  }
  // The window's own estimate at its healthy level outweighs the trend.
  const windowHealthy = { ...worn, features: { ...worn.features, 'scalar.tool_wear': 45 }, baseline: { ...worn.baseline, 'scalar.tool_wear': { median: 47, mad: 3 } } };
  assert.ok(lubricationRule(windowHealthy).score >= 0.5, lubricationRule(windowHealthy).explanation);
});
