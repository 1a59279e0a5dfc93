import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { TelemetryWindow } from '../core/index.ts';
import { createMachineMonitor } from './machine-monitor.ts';
import { createPlant, plantBirth } from './features/plant.test-support.ts';

const value = fc.oneof(fc.double({ noNaN: false }), fc.constantFrom(Number.NaN, Infinity, -Infinity, 0, 1e308), fc.double({ min: -10, max: 10, noNaN: true }));
const channel = fc.record({
  name: fc.constantFrom('vib_de', 'speed', 'temp_bearing', 'current', 'phase_current', 'temp_winding', 'mystery'),
  unit: fc.constant('x'),
  rateHz: fc.oneof(fc.constant(10240), fc.double({ min: 1e-3, max: 1e6, noNaN: true })),
  values: fc.oneof(fc.array(value, { maxLength: 600 }), fc.constant([] as number[])),
});

test('monitor - bad input (NaN, Infinity, empty channels, wrong lengths, odd rates) is a value, never a throw, and does not break later scoring (property)', () => {
  fc.assert(
    fc.property(fc.array(fc.array(channel, { minLength: 0, maxLength: 6 }), { minLength: 1, maxLength: 6 }), (bad) => {
      const plant = createPlant(5);
      const m = createMachineMonitor(plantBirth);
      for (let i = 0; i < 3; i++) assert.ok(m.observe(plant.next({ rpm: 1500 })).ok);
      for (const channels of bad) {
        const w: TelemetryWindow = { v: 1, site: 's1', line: 'l1', machine: 'p1', seq: 0, ts: 1_700_000_000_000, channels };
        const r = m.observe(w);
        assert.equal(typeof r.ok, 'boolean');
        if (r.ok) assert.ok(Number.isFinite(r.value.score) && r.value.score >= 0, `score ${r.value.score}`);
      }
      const after = m.observe(plant.next({ rpm: 1500 }));
      assert.ok(after.ok, after.ok ? '' : after.reason);
      assert.ok(Number.isFinite(after.value.score));
    }),
    { numRuns: 40 },
  );
});

test('monitor - a window of a stopped machine is reported as stopped, not as a failure', () => {
  const plant = createPlant(6);
  const m = createMachineMonitor(plantBirth);
  m.observe(plant.next({ rpm: 1500 }));
  const r = m.observe(plant.next({ rpm: 0 }));
  assert.ok(r.ok);
  assert.equal(r.value.state, 'stopped');
  assert.equal(m.state(), 'stopped');
});
