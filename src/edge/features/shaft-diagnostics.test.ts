import { test } from 'node:test';
import assert from 'node:assert/strict';
import { shaftDiagnostics } from './shaft-diagnostics.ts';

/** Acceleration (m/s²) of velocity lines (order → mm/s peak) at `shaftHz`, `blocks` blocks of `n` samples, plus seeded noise. */
function lines(shaftHz: number, orders: Record<number, number>, rateHz = 10240, n = 4096, blocks = 3, noise = 0.02): Float64Array {
  const x = new Float64Array(n * blocks);
  let seed = 7;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) - 0.5;
  for (let i = 0; i < x.length; i++) {
    const t = i / rateHz;
    let a = noise * rnd();
    for (const [k, mmS] of Object.entries(orders)) {
      const w = 2 * Math.PI * Number(k) * shaftHz;
      a += (mmS / 1000) * w * Math.sin(w * t + Number(k));
    }
    x[i] = a;
  }
  return x;
}

test('shaft diagnostics - half orders a short block cannot resolve from 1x/2x (4-pole, 2.5 Hz bins) read as no line, not as leakage', () => {
  // 1480 rpm: 0.5x is 12.3 Hz, five bins; 2x at 40 % of 1x leaked into 1.5x and 2.5x before.
  const d = shaftDiagnostics(lines(24.67, { 1: 2, 2: 0.8, 3: 0.2 }), 10240, 24.67, 3, 4096);
  assert.ok(d.velocityHalfOrders!.every((v) => v < 0.15), JSON.stringify(d.velocityHalfOrders));
  assert.ok(d.halfOrdersDb.every((db) => db < 12), JSON.stringify(d.halfOrdersDb));
  assert.ok(d.velocityRatios.x2ToX1 > 0.3, 'the integer harmonics are still read');
});

test('shaft diagnostics - a real 2.5x line on a 2-pole machine (0.5x = 24.7 Hz, resolvable) is still read', () => {
  const d = shaftDiagnostics(lines(49.3, { 1: 2, 2: 0.6, 2.5: 0.6, 3: 0.2 }), 10240, 49.3, 3, 4096);
  assert.ok(d.velocityHalfOrders![2]! > 0.2, JSON.stringify(d.velocityHalfOrders));
  assert.ok(d.halfOrdersDb[2]! >= 12, JSON.stringify(d.halfOrdersDb));
  assert.ok(d.velocityHalfOrders![1]! < 0.15, '1.5x has no line');
});
