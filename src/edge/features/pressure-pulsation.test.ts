import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { pressurePulsation } from './pressure-pulsation.ts';
import { gaussian } from './synthetic.test-support.ts';

const RATE = 1000;
const N = 2048;

test('pressure pulsation - a known ripple comes back: 5 bar with a 2 % RMS sine and a slow drift', () => {
  fc.assert(fc.property(fc.double({ min: 0.002, max: 0.1, noNaN: true }), fc.double({ min: 5, max: 200, noNaN: true }), (frac, fHz) => {
    const amp = frac * 5 * Math.SQRT2; // sine peak for an RMS of frac × mean
    const x = Array.from({ length: N }, (_, i) => 5 + 0.05 * (i / N) + amp * Math.sin((2 * Math.PI * fHz * i) / RATE));
    const p = pressurePulsation(x, RATE)!;
    // Ten or more periods in the window (slower pulsation is partly taken for drift): within a few percent.
    assert.ok(Math.abs(p.rippleFrac - frac) / frac < 0.06, `${p.rippleFrac} vs ${frac} at ${fHz} Hz`);
  }), { numRuns: 50 });
});

test('pressure pulsation - a healthy pump (sensor noise 0.2 % of 5 bar) stays low, a scalar yields nothing', () => {
  const noise = gaussian(N, 3, 0.01);
  const p = pressurePulsation(noise.map((v) => 5 + v), RATE)!;
  assert.ok(p.rippleFrac < 0.003, String(p.rippleFrac));
  assert.equal(pressurePulsation([5.1], 1), undefined);
  assert.equal(pressurePulsation(new Array(100).fill(0), RATE), undefined);
});
