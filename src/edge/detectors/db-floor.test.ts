import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { createRobustBaseline, DB_SIGMA_FLOOR } from './robust-baseline.ts';
import { RobustStandardizer } from './robust-standardizer.ts';

test('robust-baseline - a dB feature on a constant gets a 1 dB σ, not 1% of its median', () => {
  const d = createRobustBaseline({ warmup: 5 });
  for (let i = 0; i < 30; i++) d.learnOne({ current_sideband_db: -52.3 });
  // Broken rotor bars: sidebands from below −50 dB towards −45 dB and beyond (Thomson & Fenger 2001).
  assert.ok(Math.abs(d.zScores({ current_sideband_db: -44.3 }).current_sideband_db! - 8 / DB_SIGMA_FLOOR) < 1e-9);
  // Half a dB of jitter stays unremarkable (1% of −52 dB would have made it a 1σ event, of −5 dB a 10σ one).
  assert.ok(d.zScores({ current_sideband_db: -51.8 }).current_sideband_db! <= 0.5 + 1e-9);
});

test('robust-baseline - the dB floor never exceeds a learned spread and leaves other features alone', () => {
  fc.assert(
    fc.property(fc.array(fc.double({ min: -60, max: 0, noNaN: true }), { minLength: 30, maxLength: 80 }), fc.double({ min: -60, max: 0, noNaN: true }), (xs, v) => {
      const d = createRobustBaseline({ warmup: 5 });
      const s = new RobustStandardizer(500);
      for (const x of xs) {
        d.learnOne({ gear_sideband_db: x, level: x });
        s.update({ gear_sideband_db: x });
      }
      const { median, mad } = d.baseline().gear_sideband_db!;
      const sigma = Math.max(1.4826 * mad, DB_SIGMA_FLOOR);
      const zs = d.zScores({ gear_sideband_db: v, level: v });
      assert.ok(Math.abs(zs.gear_sideband_db! - Math.min(Math.abs(v - median) / sigma, 1e6)) < 1e-9);
      assert.ok(Math.abs(s.location('gear_sideband_db')!.sigma - sigma) < 1e-12);
      // A non-dB feature keeps the relative floor: σ ≥ 1% of |median|, which can be below 1.
      const lvl = d.baseline().level!;
      const sigmaLevel = Math.max(1.4826 * lvl.mad, 0.01 * Math.abs(lvl.median), 1e-9);
      assert.ok(Math.abs(zs.level! - Math.min(Math.abs(v - lvl.median) / sigmaLevel, 1e6)) < 1e-9);
    }),
    { numRuns: 100 },
  );
});
