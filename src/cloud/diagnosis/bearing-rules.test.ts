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
