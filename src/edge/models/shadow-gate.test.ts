import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { mulberry32 } from '../../core/prng.ts';
import { binomialUpperTail, criticalShadowOnly, decideShadow, gatePower, mcnemarWorseP, type GateDecision, type PairedTally } from './shadow-gate.ts';

/** Binomial(n, p) upper tail by direct summation of C(n, j) p^j (1 − p)^(n − j) (small n only). */
function directTail(n: number, p: number, k: number): number {
  let s = 0;
  let c = 1;
  for (let j = 0; j <= n; j++) {
    if (j >= k) s += c * p ** j * (1 - p) ** (n - j);
    c = (c * (n - j)) / (j + 1);
  }
  return s;
}

/**
 * One shadow's life as the slot runs it (model-slot.ts): batches of normal rows, the gate consulted
 * from minShadowRows on, its last look at maxShadowRows. Rows: with probability `shared` both
 * models alarm (a borderline row), else each alarms on its own with its rate.
 */
function shadowTrial(seed: number, rates: { active: number; shadow: number; shared?: number }, rows = { min: 288, max: 1152, batch: 24 }): GateDecision & { normalRows: number } {
  const u = mulberry32(seed);
  const t: PairedTally = { normalRows: 0, activeFalseAlarms: 0, shadowOnly: 0, activeOnly: 0 };
  for (;;) {
    for (let i = 0; i < rows.batch; i++) {
      const both = u() < (rates.shared ?? 0);
      const a = both || u() < rates.active;
      const s = both || u() < rates.shadow;
      t.normalRows++;
      if (a) t.activeFalseAlarms++;
      if (a && !s) t.activeOnly++;
      if (s && !a) t.shadowOnly++;
    }
    if (t.normalRows < rows.min) continue;
    const d = decideShadow(t, {}, t.normalRows >= rows.max);
    if (d.kind !== 'wait') return { ...d, normalRows: t.normalRows };
  }
}

test('shadow gate - the binomial tail matches direct summation and the McNemar p-value moves the right way', () => {
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 60 }), fc.double({ min: 0, max: 1, noNaN: true }), fc.integer({ min: -2, max: 62 }), (n, p, k) => {
      assert.ok(Math.abs(binomialUpperTail(n, p, k) - directTail(n, p, k)) < 1e-9);
    }),
  );
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 200 }), fc.integer({ min: 0, max: 200 }), (b, c) => {
      const p = mcnemarWorseP(b, c);
      assert.ok(p >= 0 && p <= 1);
      assert.ok(mcnemarWorseP(b + 1, c) <= p + 1e-12, 'more shadow-only alarms: stronger evidence');
      assert.ok(mcnemarWorseP(b, c + 1) >= p - 1e-12, 'more active-only alarms: weaker evidence');
    }),
  );
});

test('shadow gate - the exact test discards an equal shadow with probability at most alpha, whatever the discordant count', () => {
  for (let m = 1; m <= 400; m++) {
    // Reject when b ≥ crit(c) with b + c = m: the smallest such b is the size's boundary.
    let size = 0;
    for (let b = 0; b <= m; b++) if (mcnemarWorseP(b, m - b) < 0.05) size += binomialUpperTail(m, 0.5, b) - binomialUpperTail(m, 0.5, b + 1);
    assert.ok(size <= 0.05 + 1e-12, `m=${m}: size ${size}`);
  }
  assert.equal(criticalShadowOnly(5, 0.05), 5, "5 of 5: 2^-5 < 0.05");
  assert.equal(criticalShadowOnly(4, 0.05), 5, "4 of 4 (2^-4) is not significant: none is");
});

test('shadow gate - too little data: it keeps shadowing, and power grows with the rows', () => {
  const few: PairedTally = { normalRows: 60, activeFalseAlarms: 1, shadowOnly: 2, activeOnly: 1 };
  assert.equal(decideShadow(few).kind, 'wait');
  let last = 0;
  for (const n of [50, 100, 200, 400, 800]) {
    const p = gatePower({ normalRows: n, activeFalseAlarms: 0.02 * n, shadowOnly: 0, activeOnly: Math.round(0.01 * n) }, { alpha: 0.05, margin: 0.02 });
    assert.ok(p >= last, `power ${p} at ${n} rows, ${last} before`);
    last = p;
  }
  assert.ok(last > 0.8, `power at 800 rows ${last}`);
  // A shadow that alarms on every row is discarded long before the gate has power (early boundary).
  assert.equal(decideShadow({ normalRows: 30, activeFalseAlarms: 0, shadowOnly: 30, activeOnly: 0 }).kind, 'discard');
});

test('shadow gate - an equally good shadow is promoted in at least 95% of seeded trials', () => {
  for (const rates of [{ active: 0.01, shadow: 0.01 }, { active: 0.03, shadow: 0.03, shared: 0.01 }, { active: 0.002, shadow: 0.002 }]) {
    let promoted = 0;
    const trials = 300;
    for (let seed = 1; seed <= trials; seed++) if (shadowTrial(seed, rates).kind === 'promote') promoted++;
    assert.ok(promoted >= 0.95 * trials, `${JSON.stringify(rates)}: ${promoted} of ${trials} promoted`);
  }
});

test('shadow gate - a clearly worse shadow is never promoted', () => {
  for (const rates of [{ active: 0.01, shadow: 0.05 }, { active: 0.02, shadow: 0.08, shared: 0.01 }]) {
    for (let seed = 1; seed <= 200; seed++) {
      const d = shadowTrial(seed, rates);
      assert.equal(d.kind, 'discard', `${JSON.stringify(rates)} seed ${seed}: ${JSON.stringify(d)}`);
    }
  }
});
