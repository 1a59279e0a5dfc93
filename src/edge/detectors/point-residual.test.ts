import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { PointResidual } from './point-residual.ts';
import { mulberry32 } from './prng.ts';

function run(values: number[], period = 0): number[] {
  const d = new PointResidual();
  d.setPeriod(period);
  return values.map((v) => {
    const s = d.push(v);
    d.learn();
    return s;
  });
}

test('point residual - a spike of 6σ on a steep seasonal signal outscores every seasonal peak', () => {
  const u = mulberry32(4);
  const period = 24;
  const x = Array.from({ length: 2000 }, (_, i) => 100 + 20 * Math.sin((2 * Math.PI * i) / period) + (u() - 0.5) * 2 * Math.sqrt(3));
  x[1500]! += 6;
  const s = run(x, period);
  const rest = Math.max(...s.slice(200, 1500), ...s.slice(1502));
  assert.ok(s[1500]! > rest, `spike ${s[1500]}, rest ${rest}`);
});

test('point residual - with the period, a missing daily peak stands out; without it the peak is only explained locally', () => {
  const period = 48;
  const x = Array.from({ length: 3000 }, (_, i) => Math.max(0, Math.sin((2 * Math.PI * i) / period)) ** 4 * 10 + 0.01 * Math.cos(i));
  for (let i = 2400; i < 2400 + period; i++) x[i] = 0.01 * Math.cos(i); // the peak does not come
  const s = run(x, period);
  const inside = Math.max(...s.slice(2400, 2400 + period));
  const before = Math.max(...s.slice(500, 2400));
  assert.ok(inside > 3 * before, `inside ${inside}, before ${before}`);
});

test('point residual - property: scores are finite and ≥ 0 for any values, NaN and infinities included', () => {
  fc.assert(
    fc.property(fc.array(fc.oneof(fc.double(), fc.constant(0)), { minLength: 1, maxLength: 300 }), fc.integer({ min: 0, max: 60 }), (xs, period) => {
      for (const s of run(xs, period)) assert.ok(Number.isFinite(s) && s >= 0, String(s));
    }),
    { numRuns: 100 },
  );
});
