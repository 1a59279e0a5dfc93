import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { EnvelopeLineFamily, Evidence } from '../../core/index.ts';
import { healthyEvidence, sampleEscalation } from '../fixtures.ts';
import { diagnose } from './rules.ts';
import { vibrationVerdict } from './vibration-verdict.ts';

const quiet = (freqHz: number): EnvelopeLineFamily => ({ freqHz, harmonicsDb: [2, 1.5, 1, 0.5, 0], shaftSidebandsDb: 1, cageSidebandsDb: 1 });
function recording(over: Partial<Record<'bpfo' | 'bpfi' | 'bsf2' | 'ftf', Partial<EnvelopeLineFamily>>> = {}, shaft: Partial<NonNullable<Evidence['shaftDiagnostics']>> = {}): Evidence {
  const fs = 29.95;
  const fam = (k: 'bpfo' | 'bpfi' | 'bsf' | 'bsf2' | 'ftf' | 'shaft', order: number) => ({ ...quiet(order * fs), ...(over as Record<string, Partial<EnvelopeLineFamily>>)[k] });
  return {
    ...healthyEvidence(),
    envelopeDiagnostics: {
      bandHz: [2000, 4000], bandSk: 0.05, maxSk: 0.1, method: 'kurtogram', segments: 12,
      lines: { bpfo: fam('bpfo', 3.585), bpfi: fam('bpfi', 5.415), bsf: fam('bsf', 2.357), bsf2: fam('bsf2', 4.714), ftf: fam('ftf', 0.398), shaft: fam('shaft', 1) },
    },
    shaftDiagnostics: { shaftHz: fs, speedFromSignal: true, harmonicsDb: [30, 25, 5, 4, 3, 2, 1, 1, 1, 1], halfOrdersDb: [2, 2, 2, 2, 2], velocityRatios: { x2ToX1: 0.3, x3ToX1: 0.02 }, x1VelocityShare: 0.7, x2AtMains: false, kurtosis: 3, ...shaft },
  };
}

test('vibration verdict - quiet lines and Gaussian kurtosis are normal', () => {
  const v = vibrationVerdict(recording());
  assert.equal(v.verdict, 'normal');
  assert.ok(v.confidence >= 0.6, String(v.confidence));
});

test('vibration verdict - each bearing pattern is named from its line family', () => {
  assert.equal(vibrationVerdict(recording({ bpfo: { harmonicsDb: [16, 12, 10, 5, 3] } })).verdict, 'outer_race');
  assert.equal(vibrationVerdict(recording({ bpfi: { harmonicsDb: [14, 9, 6, 3, 2], shaftSidebandsDb: 9 } })).verdict, 'inner_race');
  assert.equal(vibrationVerdict(recording({ bsf2: { harmonicsDb: [11, 6, 4, 2, 1], cageSidebandsDb: 7 } })).verdict, 'rolling_element');
  // A weak line without harmonics or sidebands is not enough.
  assert.equal(vibrationVerdict(recording({ bpfi: { harmonicsDb: [9, 1, 1, 0, 0], shaftSidebandsDb: 1 } })).verdict, 'normal');
});

test('vibration verdict - two families equally high are named with low confidence and both reported', () => {
  const v = vibrationVerdict(recording({ bpfo: { harmonicsDb: [14, 8, 4, 2, 1] }, bpfi: { harmonicsDb: [13.5, 6, 3, 1, 1], shaftSidebandsDb: 8 } }));
  assert.ok(v.confidence <= 0.55, String(v.confidence));
  assert.equal(v.evidence.filter((e) => /^also:/.test(e.finding)).length, 1);
});

test('vibration verdict - shaft patterns need extreme evidence; 2x at mains needs a 3x partner', () => {
  assert.equal(vibrationVerdict(recording({}, { x1VelocityShare: 0.99, velocityRatios: { x2ToX1: 0.02, x3ToX1: 0.01 }, harmonicsDb: [55, 10, 3, 2, 1, 1, 1, 1, 1, 1] })).verdict, 'imbalance');
  assert.equal(vibrationVerdict(recording({}, { x1VelocityShare: 0.85, velocityRatios: { x2ToX1: 0.02, x3ToX1: 0.01 } })).verdict, 'normal');
  const mis = { velocityRatios: { x2ToX1: 3, x3ToX1: 0.05 }, harmonicsDb: [30, 45, 10, 3, 2, 1, 1, 1, 1, 1] };
  assert.equal(vibrationVerdict(recording({}, mis)).verdict, 'misalignment');
  assert.equal(vibrationVerdict(recording({}, { ...mis, x2AtMains: true })).verdict, 'normal');
  const manyLines = { harmonicsDb: [40, 38, 37, 36, 33, 32, 31, 30, 28, 25] };
  assert.equal(vibrationVerdict(recording({}, manyLines)).verdict, 'looseness');
  // Lines far above a long recording's floor but carrying little velocity next to 1x are not looseness.
  assert.equal(vibrationVerdict(recording({}, { ...manyLines, velocityHarmonics: [1, 0.3, 0.05, 0.04, 0.03, 0.03, 0.02, 0.02, 0.02, 0.02] })).verdict, 'normal');
});

test('vibration verdict - a recording whose shaft lines hold little of the acceleration power is not a shaft fault', () => {
  const imbalance = { x1VelocityShare: 0.99, velocityRatios: { x2ToX1: 0.02, x3ToX1: 0.01 }, harmonicsDb: [55, 10, 3, 2, 1, 1, 1, 1, 1, 1] };
  const withShares = (ev: Evidence, x1: number, x2: number, all: number): Evidence => ({ ...ev, features: { ...ev.features, 'rec.x1PowerShare': x1, 'rec.x2PowerShare': x2, 'rec.runningSpeedPowerShare': all } });
  assert.equal(vibrationVerdict(withShares(recording({}, imbalance), 0.9, 0.01, 0.92)).verdict, 'imbalance');
  // The same velocity pattern with 1x holding a third of the power: a healthy 1x-heavy machine.
  assert.equal(vibrationVerdict(withShares(recording({}, imbalance), 0.3, 0.01, 0.35)).verdict, 'normal');
  const mis = { velocityRatios: { x2ToX1: 3, x3ToX1: 0.05 }, harmonicsDb: [30, 45, 10, 3, 2, 1, 1, 1, 1, 1] };
  assert.equal(vibrationVerdict(withShares(recording({}, mis), 0.05, 0.7, 0.8)).verdict, 'misalignment');
  assert.equal(vibrationVerdict(withShares(recording({}, mis), 0.05, 0.1, 0.2)).verdict, 'normal');
  const manyLines = { harmonicsDb: [40, 38, 37, 36, 33, 32, 31, 30, 28, 25] };
  assert.equal(vibrationVerdict(withShares(recording({}, manyLines), 0.2, 0.1, 0.8)).verdict, 'looseness');
  assert.equal(vibrationVerdict(withShares(recording({}, manyLines), 0.2, 0.1, 0.4)).verdict, 'normal');
});

test('vibration verdict - a faint comb far above its chance level names the fault only in an impulsive recording', () => {
  const faint = { bsf2: { harmonicsDb: [6, 5, 4, 2, 1], cageSidebandsDb: 5 } };
  const withZ = (ev: Evidence, z: number, sk: number): Evidence => ({
    ...ev,
    features: { ...ev.features, 'env.combZ.bpfo': 0.5, 'env.combZ.bpfi': 1, 'env.combZ.bsf': 2, 'env.combZ.bsf2': z },
    envelopeDiagnostics: { ...ev.envelopeDiagnostics!, bandSk: sk, maxSk: sk },
  });
  const named = vibrationVerdict(withZ(recording(faint), 8, 6));
  assert.equal(named.verdict, 'rolling_element');
  assert.ok(named.confidence >= 0.5 && named.confidence <= 0.7, String(named.confidence));
  assert.match(named.evidence[0]!.finding, /SD above chance/);
  // Not impulsive: the same faint comb is no evidence of a spall.
  assert.equal(vibrationVerdict(withZ(recording(faint), 8, 0.2)).verdict, 'normal');
  // Impulsive but the comb is within chance: something knocks, not at a bearing frequency.
  assert.equal(vibrationVerdict(withZ(recording(faint), 2, 6)).verdict, 'unknown');
});

test('vibration verdict - impulsive without a defect pattern is unknown with low confidence', () => {
  const ev = recording();
  const v = vibrationVerdict({ ...ev, envelopeDiagnostics: { ...ev.envelopeDiagnostics!, maxSk: 2.5 } });
  assert.equal(v.verdict, 'unknown');
  assert.ok(v.confidence < 0.5);
});

test('vibration verdict - the pipeline rule set names inner race and rolling element from recording evidence', () => {
  const inner = diagnose(sampleEscalation(recording({ bpfi: { harmonicsDb: [14, 9, 6, 3, 2], shaftSidebandsDb: 9 } })));
  assert.equal(inner.faultType, 'bearing-inner-race');
  assert.equal(inner.component, 'drive-end-bearing');
  const ball = diagnose(sampleEscalation(recording({ bsf2: { harmonicsDb: [11, 6, 4, 2, 1], cageSidebandsDb: 7 } })));
  assert.equal(ball.faultType, 'bearing-rolling-element');
  // Without the recording-level evidence the legacy behaviour stands.
  assert.equal(diagnose(sampleEscalation(healthyEvidence(), { score: 3.1 })).faultType, 'unknown');
});

test('vibration verdict - never throws and confidence stays in [0, 1] for arbitrary levels (fast-check)', () => {
  const db = fc.double({ min: -200, max: 200, noNaN: true });
  const fam = fc.record({ freqHz: fc.double({ min: 0, max: 1e4, noNaN: true }), harmonicsDb: fc.array(db, { maxLength: 10 }), shaftSidebandsDb: db, cageSidebandsDb: db });
  fc.assert(
    fc.property(fam, fam, fam, db, db, fc.double({ min: 0, max: 1, noNaN: true }), (a, b, c, sk, k, share) => {
      const ev = recording({ bpfo: a, bpfi: b, bsf2: c }, { kurtosis: k, x1VelocityShare: share });
      const v = vibrationVerdict({ ...ev, envelopeDiagnostics: { ...ev.envelopeDiagnostics!, bandSk: sk } });
      assert.ok(v.confidence >= 0 && v.confidence <= 1);
    }),
    { numRuns: 200 },
  );
});
