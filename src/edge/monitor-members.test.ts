import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { FleetPrior } from '../core/index.ts';
import { createMachineMonitor, type MachineMonitor, type Observation } from './machine-monitor.ts';
import { createPlant, plantBirth, type PlantStep } from './features/plant.test-support.ts';

const config = { calibration: { minScores: 8 }, detector: { warmup: 12 }, model: { minScores: 8 } };

function run(m: MachineMonitor, plant: ReturnType<typeof createPlant>, step: PlantStep, windows: number): Observation[] {
  const out: Observation[] = [];
  for (let i = 0; i < windows; i++) {
    const r = m.observe(plant.next(step));
    assert.ok(r.ok, r.ok ? '' : r.reason);
    out.push(r.value);
  }
  return out;
}

test('monitor members - the edge model score is fused once calibrated, and a stale or other-regime score is not', () => {
  const plant = createPlant(11);
  const m = createMachineMonitor(plantBirth, config);
  // Healthy windows, each answered by a modest model score (as the agent does asynchronously).
  for (let i = 0; i < 40; i++) {
    const [o] = run(m, plant, { rpm: 1500 }, 1);
    if (o!.modelRow) m.noteModelScore(o!.modelRow.ticket, 0.5 + 0.1 * (i % 5));
  }
  const [calm] = run(m, plant, { rpm: 1500 }, 1);
  assert.ok(calm!.modelScore > 0 && calm!.modelScore < 1, `a healthy model score stays small in alarm units: ${calm!.modelScore}`);
  // The model alone sees something (the baseline does not): as a soft vote it carries the fused
  // score to at least half its own (max(baseline, mean(baseline, model))), so a model standing at
  // twice the alarm level raises on its own.
  m.noteModelScore(calm!.modelRow!.ticket, 50);
  const [hot] = run(m, plant, { rpm: 1500 }, 1);
  assert.ok(hot!.modelScore >= 12, `model member ${hot!.modelScore}`);
  assert.ok(hot!.score >= hot!.modelScore / 2 && hot!.score > calm!.score + 3, `fused ${hot!.score}, model ${hot!.modelScore}, calm ${calm!.score}`);
  assert.ok(hot!.score <= hot!.modelScore, 'a soft vote, not a sum');
  assert.equal(hot!.learned, false, 'a window the model calls anomalous is not learned');
  // Without a new score, the old one ages out after maxLagWindows (2).
  const later = run(m, plant, { rpm: 1500 }, 3);
  assert.equal(later[2]!.modelScore, 0, 'a stale model score is not fused');
  // A score from another regime is not fused either.
  m.noteModelScore({ window: m.windows - 1, regime: 'b-5', learned: false }, 50);
  const [other] = run(m, plant, { rpm: 1500 }, 1);
  assert.equal(other!.modelScore, 0);
});

/** Healthy statistics per feature of a running machine at rated speed, as a cloud would send them. */
function healthyPrior(seed: number): FleetPrior['regimes'] {
  const plant = createPlant(seed);
  const m = createMachineMonitor(plantBirth, config);
  const rows = run(m, plant, { rpm: 1500 }, 60).filter((o) => !o.regime.settling && !o.regime.transient).map((o) => o.features.features);
  const stats: Record<string, { median: number; mad: number }> = {};
  for (const k of Object.keys(rows[0]!)) {
    const v = rows.map((r) => r[k]!).filter(Number.isFinite).sort((a, b) => a - b);
    const median = v[v.length >> 1]!;
    const dev = v.map((x) => Math.abs(x - median)).sort((a, b) => a - b);
    stats[k] = { median, mad: dev[dev.length >> 1]! };
  }
  return { b0: stats };
}

test('monitor members - with a fleet prior a machine that starts faulty alarms; without one it learns the fault as normal', () => {
  const prior = healthyPrior(21);
  const faulty: PlantStep = { rpm: 1500, fault: 2 };
  const withPrior = createMachineMonitor(plantBirth, config);
  withPrior.setPrior(prior);
  const a = run(withPrior, createPlant(22), faulty, 40);
  const without = createMachineMonitor(plantBirth, config);
  const b = run(without, createPlant(22), faulty, 40);
  const raised = (os: Observation[]) => os.filter((o) => o.transition?.kind === 'raised').length;
  assert.ok(raised(a) >= 1, `with the prior: max score ${Math.max(...a.map((o) => o.score)).toFixed(1)}`);
  assert.equal(raised(b), 0, 'without a prior the faulty start is the learned normal');
  // The prior does not make a healthy start alarm.
  const healthy = createMachineMonitor(plantBirth, config);
  healthy.setPrior(prior);
  assert.equal(raised(run(healthy, createPlant(23), { rpm: 1500 }, 40)), 0);
});
