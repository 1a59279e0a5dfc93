import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { estimatePeriod, StreamingDiscord } from './streaming-discord.ts';
import { mulberry32 } from './prng.ts';

/** The left nearest-neighbour distance by brute force, z-normalised with the same σ floor, per √m. */
function bruteForce(x: number[], m: number, history: number, sdFloor: number, learned: boolean[], exclusion: number): number[] {
  const stats = (s: number) => {
    const w = x.slice(s, s + m);
    const mu = w.reduce((a, b) => a + b, 0) / m;
    const sd = Math.max(Math.sqrt(Math.max(0, w.reduce((a, b) => a + b * b, 0) / m - mu * mu)), sdFloor);
    return { w, mu, sd };
  };
  return x.map((_, t) => {
    const start = t - m + 1;
    if (start < 0) return 0;
    const c = stats(start);
    let best = -Infinity;
    for (let i = 0; i < history; i++) {
      const s = start - exclusion * m - i;
      if (s < 0) break;
      if (!learned[s + m - 1]) continue;
      const h = stats(s);
      let q = 0;
      for (let k = 0; k < m; k++) q += h.w[k]! * c.w[k]!;
      best = Math.max(best, (q - m * h.mu * c.mu) / (h.sd * c.sd));
    }
    return best === -Infinity ? 0 : Math.sqrt(2 * (1 - Math.max(-1, Math.min(1, best / m))));
  });
}

test('discord - property: the incremental distances equal a brute-force nearest-neighbour search (through buffer moves and refreshes)', () => {
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 1e6 }), fc.integer({ min: 4, max: 9 }), fc.integer({ min: 3, max: 40 }), fc.integer({ min: 150, max: 400 }), fc.integer({ min: 1, max: 4 }), (seed, m, history, n, exclusion) => {
      const u = mulberry32(seed);
      // Values on a unit scale around 0, so the detector's own centring (median, MAD of the buffer) is close to the identity.
      const x = Array.from({ length: n }, (_, i) => Math.sin(i / 3) + (u() - 0.5));
      const learned = x.map(() => u() > 0.2);
      const d = new StreamingDiscord({ window: m, estimateRows: 20, history, refreshEvery: 37, exclusion });
      const got: number[] = [];
      x.forEach((v, i) => {
        got.push(d.push(v));
        d.learn(i < 20 || learned[i]!);
      });
      // Same transformation as the detector: recover it from the first rows' median and MAD.
      const b = x.slice(0, 20);
      const sorted = [...b].sort((p, q) => p - q);
      const center = sorted[10]!;
      const dev = b.map((v) => Math.abs(v - center)).sort((p, q) => p - q);
      const spread = dev[10]! * 1.4826;
      let diff = 0;
      for (let i = 1; i < 20; i++) diff += Math.abs(b[i]! - b[i - 1]!);
      const floor = Math.max((0.05 * diff) / 19 / spread, 1e-6);
      const want = bruteForce(x.map((v) => (v - center) / spread), m, history, floor, x.map((_, i) => i < 20 || learned[i]!), exclusion);
      for (let i = 20; i < n; i++) assert.ok(Math.abs(got[i]! - want[i]!) < 1e-6, `row ${i}: ${got[i]} vs ${want[i]}`);
    }),
    { numRuns: 25 },
  );
});

test('discord - the period of a noisy sine is found; white noise and a trend have none', () => {
  const u = mulberry32(3);
  const sine = Array.from({ length: 1000 }, (_, i) => Math.sin((2 * Math.PI * i) / 37) + 0.3 * (u() - 0.5));
  const p = estimatePeriod(sine);
  assert.ok(p !== undefined && Math.abs(p - 37) <= 1, String(p));
  assert.equal(estimatePeriod(Array.from({ length: 1000 }, () => u())), undefined);
  assert.equal(estimatePeriod(Array.from({ length: 1000 }, (_, i) => i + u())), undefined);
});

test('discord - one distorted cycle among clean ones gets the highest distance, although every value is in range', () => {
  const u = mulberry32(9);
  const period = 50;
  const at = 3000;
  const d = new StreamingDiscord({ estimateRows: 1000 });
  const scores: number[] = [];
  for (let i = 0; i < 4000; i++) {
    let v = Math.sin((2 * Math.PI * i) / period);
    if (i >= at && i < at + period) v *= 1 - 0.4 * Math.sin((Math.PI * (i - at)) / period); // a weaker beat
    scores.push(d.push(10 + 3 * v + 0.05 * (u() - 0.5)));
    d.learn(true);
  }
  assert.equal(d.windowRows, 50);
  const inside = Math.max(...scores.slice(at, at + 2 * period));
  const outside = Math.max(...scores.slice(1100, at), ...scores.slice(at + 2 * period));
  assert.ok(inside > 3 * outside, `inside ${inside}, outside ${outside}`);
});

test('discord - long periods are aggregated so a window has at most maxWindow points; non-finite values do not poison it', () => {
  const d = new StreamingDiscord({ estimateRows: 2000, maxWindow: 64 });
  let last = 0;
  for (let i = 0; i < 3000; i++) {
    last = d.push(i % 97 === 0 ? NaN : i === 2500 ? Infinity : Math.sin((2 * Math.PI * i) / 400));
    d.learn(true);
    assert.ok(Number.isFinite(last) && last >= 0 && last <= 2, `row ${i}: ${last}`);
  }
  assert.ok(d.windowRows >= 390 && d.windowRows <= 410, String(d.windowRows));
});
