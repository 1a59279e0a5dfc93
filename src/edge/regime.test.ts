import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createMachineMonitor, type Observation } from './machine-monitor.ts';
import { createPlant, plantBirth, schedule, type PlantStep } from './features/plant.test-support.ts';

/** Setpoint changes and stops over ~33 hours of 5-minute windows. */
const SHIFTS = schedule([1500, 70], [0, 25], [1500, 40], [1200, 40], [1000, 40], [0, 30], [1200, 30], [1500, 40], [1000, 40], [1500, 40]);

function run(steps: PlantStep[], seed = 1): Observation[] {
  const plant = createPlant(seed);
  const m = createMachineMonitor(plantBirth);
  return steps.map((s, i) => {
    const r = m.observe(plant.next(s));
    assert.ok(r.ok, `window ${i}: ${r.ok ? '' : r.reason}`);
    return r.value;
  });
}

test('regime - setpoint changes, stops and start-ups raise no alarm', () => {
  for (const seed of [1, 2]) {
    const obs = run(SHIFTS, seed);
    const raised = obs.filter((o) => o.transition?.kind === 'raised').length;
    assert.equal(raised, 0, `seed ${seed}: ${raised} false alarm(s); peak score ${Math.max(...obs.map((o) => o.score)).toFixed(1)}`);
    assert.ok(obs.some((o) => o.state === 'normal'), 'the monitor armed');
  }
});

test('regime - stopped windows are neither learned nor scored and are reported as stopped', () => {
  const obs = run(SHIFTS);
  const stopped = obs.filter((_, i) => SHIFTS[i]!.rpm === 0);
  assert.equal(stopped.length, 55);
  assert.ok(stopped.every((o) => o.state === 'stopped' && o.score === 0 && o.transition === null));
  assert.ok(obs.filter((_, i) => SHIFTS[i]!.rpm > 0).every((o) => o.state !== 'stopped'));
});

test('regime - a growing bearing fault under the same setpoint changes still alarms', () => {
  const onset = 230; // in the 1000 rpm stretch, after the second stop
  const steps = SHIFTS.map((s, i) => (i >= onset && s.rpm > 0 ? { ...s, fault: Math.min(3, 0.1 + (i - onset) * 0.05) } : s));
  const obs = run(steps);
  const raisedAt = obs.findIndex((o) => o.transition?.kind === 'raised');
  assert.ok(raisedAt >= onset, `raised at ${raisedAt}, before the fault began at ${onset}`);
  assert.ok(raisedAt < onset + 40, `raised at ${raisedAt}: too late`);
});
