import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createMachineMonitor } from './machine-monitor.ts';
import { createThermalPlant, thermalBirth } from './features/thermal-plant.test-support.ts';

const DAY = 288; // 5-min windows

/** Runs the monitor over the plant; raises and drift events per window index. */
function monitorRun(opts: Parameters<typeof createThermalPlant>[0], windows: number) {
  const plant = createThermalPlant(opts);
  const monitor = createMachineMonitor(thermalBirth);
  const raises: number[] = [];
  const drifts: number[] = [];
  let residualSeen = 0;
  for (let i = 0; i < windows; i++) {
    const r = monitor.observe(plant.next());
    assert.ok(r.ok, r.ok ? '' : r.reason);
    if (r.value.transition?.kind === 'raised') raises.push(i);
    if (r.value.quality.some((q) => q.kind === 'drift' && q.state === 'raised')) drifts.push(i);
    if (r.value.features.evidence.features['scalar.temp_oil.residual'] !== undefined) residualSeen++;
  }
  return { raises, drifts, residualSeen };
}

test('machine monitor - temperatures of a healthy machine through random starts, stops and setpoint changes raise (almost) nothing', () => {
  let raises = 0;
  let drifts = 0;
  for (const seed of [1, 2, 3]) {
    const r = monitorRun({ seed, meanRunWindows: 24 }, 5 * DAY);
    assert.ok(r.residualSeen > 2 * DAY, `seed ${seed}: the oil's thermal residual is scored (${r.residualSeen} windows)`);
    raises += r.raises.length;
    drifts += r.drifts.length;
  }
  // 15 machine-days with a start, stop or setpoint change every ~2 h: the sump lags 90 min behind.
  assert.ok(raises <= 1, `${raises} raises on healthy machines`);
  assert.ok(drifts <= 1, `${drifts} sensor-drift events on healthy machines`);
});

test('machine monitor - a slow extra heat source in the sump is raised as a machine fault', () => {
  const start = 3 * DAY;
  // +20 K of steady sump rise over a day (lubricant breakdown, gear wear): slower than any transient.
  const fault = (i: number) => Math.max(0, Math.min(20, ((i - start) / DAY) * 20));
  let detected = 0;
  for (const seed of [1, 2, 3]) {
    const r = monitorRun({ seed, meanRunWindows: 24, faultK: fault }, 5 * DAY);
    assert.ok(r.raises.every((i) => i >= start), `seed ${seed}: no raise before the fault (${r.raises})`);
    if (r.raises.some((i) => i >= start)) detected++;
  }
  // One seed's bearing is (wrongly) judged a drifting sensor on day 1 by the peer-difference rule,
  // which leaves its oil alone in the sump's thermal picture: 2 of 3 is the honest rate today.
  assert.ok(detected >= 2, `${detected} of 3 faulty machines raised`);
});
