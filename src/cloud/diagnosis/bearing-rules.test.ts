import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { Evidence } from '../../core/index.ts';
import { healthyEvidence, sampleEscalation } from '../fixtures.ts';
import { cageModulationRule, innerRaceLineRule, rollingElementLineRule } from './bearing-rules.ts';
import { diagnose } from './rules.ts';

/** Window evidence with the machine's healthy envelope ratios (median ≈ 2.3, MAD 0.6: a healthy envelope wanders). */
function envelope(r: Evidence['envelopeDefectRatios']): Evidence {
  const h = healthyEvidence();
  const healthy = { median: 2.3, mad: 0.6 };
  return {
    ...h,
    envelopeDefectRatios: r,
    baseline: { ...h.baseline, 'env.bpfoRatio': healthy, 'env.bpfiRatio': healthy, 'env.bsfRatio': healthy, 'env.ftfRatio': { median: 2.0, mad: 0.5 } },
  };
}

test('bearing rules - a grown, dominant BPFI window line is an inner-race defect', () => {
  const d = diagnose(sampleEscalation(envelope({ bpfo: 2.3, bpfi: 9.3, bsf: 0.9, ftf: 2.8 })));
  assert.equal(d.faultType, 'bearing-inner-race', d.explanation);
  assert.equal(d.component, 'drive-end-bearing');
  assert.match(d.explanation, /BPFI 9\.3x the spectrum median \(healthy 2\.3x/);
});

test('bearing rules - a grown, dominant BSF window line is a rolling-element defect', () => {
  assert.equal(diagnose(sampleEscalation(envelope({ bpfo: 1.8, bpfi: 2.0, bsf: 8, ftf: 2 }))).faultType, 'bearing-rolling-element');
});

test('bearing rules - a line within the healthy wander, one as high as another family, or no healthy envelope is not named', () => {
  assert.equal(innerRaceLineRule(envelope({ bpfo: 2, bpfi: 4.2, bsf: 2, ftf: 2 })).score, 0, 'z under 3 against a wandering healthy envelope');
  assert.ok(innerRaceLineRule(envelope({ bpfo: 8.5, bpfi: 9.3, bsf: 1, ftf: 2 })).score < 0.5, 'ambiguous with BPFO');
  assert.equal(rollingElementLineRule({ ...healthyEvidence(), envelopeDefectRatios: { bpfo: 1, bpfi: 1, bsf: 9, ftf: 1 } }).score, 0, 'no healthy level');
});

test('bearing rules - property: never throw, scores in [0, 1]', () => {
  const ratio = fc.double({ min: 0, max: 1e6, noNaN: true });
  fc.assert(
    fc.property(ratio, ratio, ratio, ratio, (bpfo, bpfi, bsf, ftf) => {
      for (const rule of [innerRaceLineRule, rollingElementLineRule, cageModulationRule]) {
        const r = rule(envelope({ bpfo, bpfi, bsf, ftf }));
        assert.ok(r.score >= 0 && r.score <= 1, `${r.score}`);
      }
    }),
  );
});

test('bearing rules - a grown cage (FTF) envelope line above the race lines is a rolling-element defect, even with 1xBSF lost', () => {
  const ev = envelope({ bpfo: 3.1, bpfi: 3.8, bsf: 3.1, ftf: 11.5 });
  const d = diagnose(sampleEscalation(ev));
  assert.equal(d.faultType, 'bearing-rolling-element', d.explanation);
  assert.match(d.explanation, /cage frequency \(FTF\) 11\.5x/);
  assert.ok(cageModulationRule(ev).score >= 0.5);
});

test('bearing rules - a cage line within its healthy wander, below a race line, or without a healthy level names no ball defect', () => {
  assert.equal(cageModulationRule(envelope({ bpfo: 2, bpfi: 2, bsf: 2, ftf: 3.4 })).score, 0, 'within the healthy wander (z < 3)');
  assert.equal(cageModulationRule(envelope({ bpfo: 9.5, bpfi: 2, bsf: 2, ftf: 8 })).score, 0, 'the BPFO line dominates: outer race');
  const { 'env.ftfRatio': _ftf, ...noFtf } = envelope({ bpfo: 2, bpfi: 2, bsf: 2, ftf: 11 }).baseline;
  assert.equal(cageModulationRule({ ...envelope({ bpfo: 2, bpfi: 2, bsf: 2, ftf: 11 }), baseline: noFtf }).score, 0, 'no healthy FTF level');
  const healthy = diagnose(sampleEscalation(envelope({ bpfo: 2.4, bpfi: 2.1, bsf: 2.2, ftf: 2.3 })));
  assert.equal(healthy.faultType, 'unknown', healthy.explanation);
});

test('bearing rules - a window BPFO ratio inside this bearing\'s healthy wander is not an outer-race defect; a grown one is', () => {
  const wander = diagnose(sampleEscalation(envelope({ bpfo: 3.2, bpfi: 0.9, bsf: 1.9, ftf: 2.1 })));
  assert.notEqual(wander.faultType, 'bearing-outer-race', wander.explanation);
  const grown = diagnose(sampleEscalation(envelope({ bpfo: 8.2, bpfi: 2.3, bsf: 1.5, ftf: 1.1 })));
  assert.equal(grown.faultType, 'bearing-outer-race', grown.explanation);
});

/** A flat recording-level envelope analysis (every family a few dB) with the band's spectral kurtosis `sk`; `bsf2Db` sets the 2×BSF line. */
function recordingEnvelope(sk: number, bsf2Db = 4): NonNullable<Evidence['envelopeDiagnostics']> {
  const flat = (freqHz: number, db = 2) => ({ freqHz, harmonicsDb: [db, 1.5, 1, 0.5], shaftSidebandsDb: 1, cageSidebandsDb: 1 });
  return {
    bandHz: [3200, 3840], bandSk: sk, maxSk: sk, method: 'kurtogram', segments: 3,
    lines: { bpfo: flat(75), bpfi: flat(120), bsf: flat(47), bsf2: { ...flat(95, bsf2Db), harmonicsDb: [bsf2Db, bsf2Db - 1, bsf2Db - 2, 1], cageSidebandsDb: bsf2Db >= 8 ? 6 : 1 }, ftf: flat(9.5), shaft: flat(24.5) },
  };
}

test('bearing rules - a window BSF line just over the z-cut that the averaged recording does not show, in a Gaussian band, names no ball defect', () => {
  // As a broken rotor bar seen in development (window BSF 4.7x against a healthy 2.1x, z 3.2; recording
  // 2×BSF 4 dB, band SK 0.1): here 5.2x against 2.3x, z 3.3.
  const ev = { ...envelope({ bpfo: 1.3, bpfi: 1.1, bsf: 5.2, ftf: 2.0 }), envelopeDiagnostics: recordingEnvelope(0.12) };
  const r = rollingElementLineRule(ev);
  assert.ok(r.score < 0.5, r.explanation);
  assert.match(r.explanation, /shows no BSF line/);
  assert.notEqual(diagnose(sampleEscalation(ev)).faultType, 'bearing-rolling-element');
});

test('bearing rules - the same window BSF line stands with an impulsive band, a recording line, no recording, or a line far out', () => {
  const r = { bpfo: 1.3, bpfi: 1.1, bsf: 5.2, ftf: 2.0 };
  assert.ok(rollingElementLineRule({ ...envelope(r), envelopeDiagnostics: recordingEnvelope(1.3) }).score >= 0.5, 'impulsive band (SK 1.3)');
  assert.ok(rollingElementLineRule({ ...envelope(r), envelopeDiagnostics: recordingEnvelope(0.12, 8.5) }).score >= 0.5, '2×BSF at 8.5 dB in the recording');
  assert.ok(rollingElementLineRule(envelope(r)).score >= 0.5, 'window evidence only: nothing contradicts it');
  assert.ok(rollingElementLineRule({ ...envelope({ ...r, bsf: 8 }), envelopeDiagnostics: recordingEnvelope(0.12) }).score >= 0.5, 'z 6.4: twice the z-cut');
});

/** A raising window with a quiet cage line (4x, z 2.7) whose run reached `ftfPeak`, the race lines `racePeak`, and envelope-band SK `sk`. */
function cageRun(ftfPeak: number, sk: number, racePeak = 5.0): Evidence {
  const ev = envelope({ bpfo: 1.9, bpfi: 3.0, bsf: 2.0, ftf: 4.0 });
  return {
    ...ev,
    features: { ...ev.features, 'env.sk': 0.4 },
    peaks: { 'env.ftfRatio': { value: ftfPeak, z: 8, atMs: 1_000 }, 'env.bpfoRatio': { value: racePeak, z: 3.8, atMs: 1_000 }, 'env.sk': { value: sk, z: 15, atMs: 1_000 } },
  };
}

test('bearing rules - a cage line that stood out in the alarm run (9.5x, z 10) with an impulsive band is an intermittent ball defect', () => {
  const ev = cageRun(9.5, 3.1);
  assert.equal(cageModulationRule({ ...ev, peaks: undefined }).score, 0, 'the raising window alone is quiet');
  const d = diagnose(sampleEscalation(ev));
  assert.equal(d.faultType, 'bearing-rolling-element', d.explanation);
  assert.match(d.explanation, /intermittent/);
});

test('bearing rules - the run\'s cage peak names nothing in a Gaussian band, under twice the z-cut, or below the race lines\' strongest', () => {
  assert.equal(cageModulationRule(cageRun(9.5, 0.4)).score, 0, 'band SK 0.4: no impacts');
  assert.equal(cageModulationRule(cageRun(6.0, 3.1, 3.0)).score, 0, 'z 5.4 < 6');
  assert.ok(cageModulationRule(cageRun(6.6, 3.1, 3.0)).score >= 0.5, 'z 6.2: the same run just past twice the z-cut');
  assert.equal(cageModulationRule(cageRun(9.5, 3.1, 7.0)).score, 0, 'BPFO reached 7x: 9.5 < 1.5 x 7');
});
