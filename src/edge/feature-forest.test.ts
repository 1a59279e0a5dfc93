import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { mulberry32 } from '../core/prng.ts';
import { createRobustBaseline, type RobustBaseline } from './detectors/robust-baseline.ts';
import { createFeatureForests, createForestMember, type FeatureForestConfig, type ForestMember } from './feature-forest.ts';
import { createMachineMonitor } from './machine-monitor.ts';
import { createPlant, plantBirth } from './features/plant.test-support.ts';

const HIGH = 6;
const WINDOW_MS = 5 * 60_000;
const config: FeatureForestConfig = { enabled: true, minScores: 144 };

function gaussian(seed: number) {
  const u = mulberry32(seed);
  return () => Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(2 * Math.PI * u());
}

/** A regime baseline and one member fed as the monitor feeds them: a window is learned when `learn` says so. */
function rig(forestConfig: FeatureForestConfig = config, forests = createFeatureForests(forestConfig)) {
  const baseline: RobustBaseline = createRobustBaseline({ warmup: 24 });
  const member: ForestMember = createForestMember(HIGH, () => forests.of('pump'), forestConfig);
  return {
    baseline,
    member,
    /** Scores `x` (member score, baseline score); learns it into both when `learn`. */
    window(x: Record<string, number>, learn = true) {
      const forest = member.step({ baseline, medians: baseline.baseline(), scored: x, settled: baseline.learned >= 24, windowMs: WINDOW_MS });
      const base = baseline.scoreOne(x);
      if (learn) {
        baseline.learnOne(x);
        member.learn();
      }
      return { forest, base };
    },
  };
}

/** Six independent features around their own levels, `shift` robust σ added to the first three. */
function independent(seed: number) {
  const n = gaussian(seed);
  return (shift = 0) => Object.fromEntries(Array.from({ length: 6 }, (_, i) => [`f${i}`, 10 * (i + 1) + (1 + i / 10) * (n() + (i < 3 ? shift : 0))]));
}

test('feature forest - the member scores 0 while the forest and its calibration warm up, then small for healthy windows', () => {
  const r = rig();
  const healthy = independent(1);
  const scores = Array.from({ length: 600 }, () => r.window(healthy()).forest);
  // 24 windows to warm the baseline, 128 to fill the forest's first window, 144 healthy scores to arm.
  assert.ok(scores.slice(0, 24 + 128 + 143).every((s) => s === 0), 'nothing before armed');
  assert.equal(r.member.armed, true);
  const late = scores.slice(400);
  assert.ok(Math.max(...late) < HIGH, `healthy windows stay below the alarm: max ${Math.max(...late).toFixed(2)}`);
});

test('feature forest - a window far from the healthy mass scores higher than healthy ones (property)', () => {
  const r = rig();
  const healthy = independent(2);
  for (let i = 0; i < 600; i++) r.window(healthy());
  const typical = Array.from({ length: 50 }, () => r.window(healthy(), false).forest).sort((a, b) => a - b)[25]!;
  fc.assert(
    fc.property(fc.double({ min: 4, max: 8, noNaN: true }), (shift) => {
      const { forest } = r.window(healthy(shift), false);
      return forest > typical + 1;
    }),
    { numRuns: 30, seed: 4 },
  );
});

test('feature forest - windows that are not learned (flagged) never become the reference mass', () => {
  const healthy = independent(3);
  const flagged = rig();
  const learning = rig();
  for (let i = 0; i < 600; i++) {
    const x = healthy();
    flagged.window(x);
    learning.window(x);
  }
  // The same anomalous windows for both: one member learns them (as a detector without the
  // QuantileFilter rule would), the other is told they were flagged and does not.
  const anomaly = independent(33);
  const flaggedScores: number[] = [];
  const learningScores: number[] = [];
  for (let i = 0; i < 400; i++) {
    const x = anomaly(6);
    flaggedScores.push(flagged.window(x, false).forest);
    learningScores.push(learning.window(x, true).forest);
  }
  const median = (a: number[]) => [...a].sort((p, q) => p - q)[a.length >> 1]!;
  const early = median(flaggedScores.slice(0, 50));
  assert.ok(early >= HIGH, `the anomaly scores at alarm level: median ${early.toFixed(2)}`);
  assert.ok(median(flaggedScores.slice(-50)) >= HIGH, `still anomalous after 400 flagged windows: median ${median(flaggedScores.slice(-50)).toFixed(2)}`);
  assert.ok(median(learningScores.slice(-50)) < early / 2, `learned, the anomaly becomes the normal (why flagged windows must not be learned): median ${median(learningScores.slice(-50)).toFixed(2)}`);
});

test('feature forest - machines of one type share one forest, and another type gets its own', () => {
  const forests = createFeatureForests(config);
  assert.equal(forests.of('pump'), forests.of('pump'));
  assert.notEqual(forests.of('pump'), forests.of('fan'));
  assert.equal(forests.size, 2);
  // Two machines' members over one forest: the second machine's windows fill the forest the first scores with.
  const a = rig(config, forests);
  const b = rig(config, forests);
  const h = independent(7);
  for (let i = 0; i < 100; i++) {
    a.window(h());
    b.window(h());
  }
  assert.ok(forests.of('pump').warm, '2 × (100 − 24) healthy windows fill the first 128-window reference');
});

test('feature forest - a healthy machine with the member on raises no incident over a long run', () => {
  // Two weeks of 5-min windows, two setpoints (a regime change every 12 h), Half-Space Trees armed after 12 h.
  const m = createMachineMonitor(plantBirth, { forest: { enabled: true } });
  const plant = createPlant(17);
  let raised = 0;
  let maxForest = 0;
  for (let i = 0; i < 14 * 288; i++) {
    const o = m.observe(plant.next({ rpm: Math.floor(i / 144) % 2 === 0 ? 1500 : 1200 }));
    assert.ok(o.ok, o.ok ? '' : o.reason);
    if (o.value.transition?.kind === 'raised') raised++;
    maxForest = Math.max(maxForest, o.value.forestScore ?? 0);
  }
  assert.ok(maxForest > 0, 'the member was armed and took part');
  assert.equal(raised, 0, `no incident (largest member score ${maxForest.toFixed(2)})`);
});
