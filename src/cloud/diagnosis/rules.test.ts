import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Diagnosis, Escalation } from '../../core/index.ts';
import { healthyEvidence, misalignmentEvidence, outerRaceEvidence, sampleEscalation } from '../fixtures.ts';
import { diagnose, DIAGNOSIS_MIN_SCORE, misalignmentRule, outerRaceRule } from './rules.ts';

test('rules - strong BPFO envelope line is diagnosed as outer race with its order in the explanation', () => {
  const d = diagnose(sampleEscalation(outerRaceEvidence()));
  assert.equal(d.faultType, 'bearing-outer-race');
  assert.equal(d.component, 'drive-end-bearing');
  assert.ok(d.confidence >= 0.7, `confidence ${d.confidence}`);
  assert.match(d.explanation, /3\.58x shaft speed/);
  assert.match(d.explanation, /9\.1x the spectrum median/);
  assert.match(d.explanation, /2nd harmonic at 7\.17x/);
  assert.ok(Diagnosis.safeParse(d).success);
});

test('rules - BPFO line without its harmonic scores lower than with it', () => {
  const ev = outerRaceEvidence();
  const withHarmonic = outerRaceRule(ev).score;
  const without = outerRaceRule({ ...ev, topEnvelopePeaks: ev.topEnvelopePeaks.slice(0, 1) }).score;
  assert.ok(without < withHarmonic, `${without} < ${withHarmonic}`);
  assert.ok(without >= DIAGNOSIS_MIN_SCORE);
});

test('rules - BPFO as high as BPFI is ambiguous and not called outer race', () => {
  const ev = outerRaceEvidence();
  const d = diagnose(sampleEscalation({ ...ev, envelopeDefectRatios: { bpfo: 9.1, bpfi: 8.8, bsf: 1.2, ftf: 1 } }));
  assert.notEqual(d.faultType, 'bearing-outer-race');
  assert.ok(d.confidence < 0.5);
  assert.match(d.explanation, /ambiguous/);
});

test('rules - strong 2x against 1x and baseline is diagnosed as misalignment', () => {
  const d = diagnose(sampleEscalation(misalignmentEvidence()));
  assert.equal(d.faultType, 'misalignment');
  assert.equal(d.component, 'coupling-insert');
  assert.ok(d.confidence >= 0.5);
  assert.match(d.explanation, /2\.40 mm\/s, 1\.6x the 1x line/);
  assert.match(d.explanation, /0\.30 mm\/s when healthy/);
});

test('rules - high 2x that was already there when healthy is not misalignment', () => {
  const ev = misalignmentEvidence();
  const r = misalignmentRule({ ...ev, baseline: { ...ev.baseline, 'vel.x2MmS': { median: 2.3, mad: 0.1 } } });
  assert.ok(r.score < DIAGNOSIS_MIN_SCORE, `score ${r.score}`);
  assert.match(r.explanation, /normal for this machine/);
});

test('rules - nothing notable gives unknown with low confidence and no component', () => {
  const d = diagnose(sampleEscalation(healthyEvidence(), { score: 3.1 }));
  assert.equal(d.faultType, 'unknown');
  assert.equal(d.component, null);
  assert.ok(d.confidence < 0.5);
  assert.match(d.explanation, /inspect/);
});

test('rules - unknown explanation names the features furthest from baseline, unknown keys included', () => {
  const ev = healthyEvidence();
  const d = diagnose(sampleEscalation({ ...ev, features: { ...ev.features, 'scalar.mystery_gauge': 90 }, baseline: { ...ev.baseline, 'scalar.mystery_gauge': { median: 10, mad: 1 } } }));
  assert.equal(d.faultType, 'unknown');
  assert.match(d.explanation, /scalar\.mystery_gauge 90\.00 \(healthy 10\.00\)/);
});

const num = fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e9, max: 1e9 });
const evidenceArb = fc.record({
  features: fc.dictionary(fc.string({ maxLength: 12 }), num, { maxKeys: 6 }),
  baseline: fc.dictionary(fc.constantFrom('vel.x2MmS', 'velocity_2x_mm_s', 'kurtosis', 'accel_rms', 'x2', 'weird'), fc.record({ median: num, mad: num }), { maxKeys: 4 }),
  shaftHz: fc.double({ noNaN: true, noDefaultInfinity: true, min: 0, max: 1e4 }),
  envelopeDefectRatios: fc.record({ bpfo: num, bpfi: num, bsf: num, ftf: num }),
  orderAmplitudes: fc.record({ x1: num, x2: num, x3: num }),
  topEnvelopePeaks: fc.array(fc.record({ freqHz: num, order: num, amplitude: num }), { maxLength: 10 }),
});

test('rules - diagnose never throws and confidence stays in [0, 1] for arbitrary valid evidence', () => {
  fc.assert(
    fc.property(evidenceArb, fc.constantFrom('warning', 'critical') as fc.Arbitrary<'warning' | 'critical'>, num, (evidence, severity, score) => {
      const esc = Escalation.parse(sampleEscalation(evidence, { severity, score }));
      const d = diagnose(esc);
      assert.ok(d.confidence >= 0 && d.confidence <= 1, `confidence ${d.confidence}`);
      assert.ok(Diagnosis.safeParse(d).success);
      if (d.faultType === 'unknown') assert.ok(d.confidence < 0.5);
      assert.ok(d.explanation.length > 0);
    }),
    { numRuns: 300 },
  );
});

test('rules - a 2x line grown well past its own healthy level is misalignment even where 1x dominates', () => {
  // A fan: 1x large from residual imbalance, 2x tripled from its healthy 0.3 mm/s (ratio 0.3 < 0.5).
  const h = healthyEvidence();
  const ev = { ...h, features: { ...h.features, 'vel.x2MmS': 0.9 }, orderAmplitudes: { x1: 3.0, x2: 0.9, x3: 0.2 } };
  const d = diagnose(sampleEscalation(ev));
  assert.equal(d.faultType, 'misalignment', d.explanation);
  assert.match(d.explanation, /up 3\.0x from 0\.30 mm\/s/);
  // The same ratio without growth over the baseline stays unknown.
  const flat = { ...ev, baseline: { ...ev.baseline, 'vel.x2MmS': { median: 0.85, mad: 0.05 } } };
  assert.equal(diagnose(sampleEscalation(flat)).faultType, 'unknown');
});

test('rules - with the bearing geometry in the evidence the explanation names the BPFO line, not a stronger harmonic', () => {
  const ev = outerRaceEvidence();
  const shaft = ev.shaftHz;
  const withOrders = {
    ...ev,
    defectOrders: { bpfo: 3.036, bpfi: 4.964, bsf: 1.993, ftf: 0.38 },
    topEnvelopePeaks: [
      { freqHz: 3 * 3.036 * shaft, order: 3 * 3.036, amplitude: 0.4 },
      { freqHz: 3.036 * shaft, order: 3.036, amplitude: 0.3 },
      { freqHz: 2 * 3.036 * shaft, order: 2 * 3.036, amplitude: 0.2 },
    ],
  };
  const d = diagnose(sampleEscalation(withOrders));
  assert.equal(d.faultType, 'bearing-outer-race');
  assert.match(d.explanation, /envelope peak at 3\.04x shaft speed/);
});

test('rules - a grown 2x inside a harmonic series (3x nearly as high) is not called misalignment', () => {
  const h = healthyEvidence();
  const series = { ...h, features: { ...h.features, 'vel.x2MmS': 0.9 }, orderAmplitudes: { x1: 3.0, x2: 0.9, x3: 0.75 } };
  assert.notEqual(diagnose(sampleEscalation(series)).faultType, 'misalignment');
});

test('rules - an outer-race line the window ratio misses is named from the segment-averaged envelope spectrum', () => {
  const h = healthyEvidence();
  const quiet = (freqHz: number) => ({ freqHz, harmonicsDb: [2, 1.5, 1], shaftSidebandsDb: 1, cageSidebandsDb: 1 });
  const fs = h.shaftHz;
  const ev = {
    ...h,
    envelopeDefectRatios: { bpfo: 2.3, bpfi: 1.1, bsf: 2.0, ftf: 1.5 },
    envelopeDiagnostics: {
      bandHz: [2000, 5000] as [number, number], bandSk: 0.3, method: 'kurtogram' as const, segments: 12,
      lines: { bpfo: { ...quiet(3.585 * fs), harmonicsDb: [26, 22, 16] }, bpfi: quiet(5.415 * fs), bsf: quiet(2.357 * fs), bsf2: quiet(4.714 * fs), ftf: quiet(0.398 * fs), shaft: quiet(fs) },
    },
  };
  assert.equal(outerRaceRule(ev).score, 0, 'the window ratio alone sees nothing');
  const d = diagnose(sampleEscalation(ev));
  assert.equal(d.faultType, 'bearing-outer-race', d.explanation);
  assert.match(d.explanation, /BPFO at \d+(\.\d)? Hz/);
  assert.doesNotMatch(d.explanation, /Also possible: bearing-outer-race/, 'the runner-up names another fault');
});
