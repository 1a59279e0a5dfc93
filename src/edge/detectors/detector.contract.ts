// One test suite for every Detector (MQTT.js abstract_store.ts style): pass a factory.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { Detector } from './detector.ts';
import { gaussian } from '../features/synthetic.test-support.ts';

/** Three features with different units and scales, Gaussian around their means. */
function point(i: number, seed: number, scale: Record<string, number> = {}): Record<string, number> {
  const g = gaussian(3, seed * 7919 + i);
  return {
    rms: (2 + 0.1 * g[0]!) * (scale.rms ?? 1),
    kurtosis: (3 + 0.3 * g[1]!) * (scale.kurtosis ?? 1),
    temp: (45 + 0.5 * g[2]!) * (scale.temp ?? 1),
  };
}

/** Runs the shared contract against `create`, which must warm up after `warmup` learned points. */
export function detectorContract(name: string, create: () => Detector, warmup: number): void {
  test(`${name} - scores 0 while warming up, even for outliers`, () => {
    const d = create();
    for (let i = 0; i < warmup - 1; i++) {
      d.learnOne(point(i, 1));
      assert.equal(d.scoreOne({ rms: 1e6, kurtosis: -1e6, temp: 0 }), 0);
    }
    d.learnOne(point(warmup, 1));
    assert.ok(d.scoreOne({ rms: 1e6, kurtosis: -1e6, temp: 0 }) > 0, 'scores once warmed up');
  });

  test(`${name} - in-distribution points score low, a far outlier high`, () => {
    const d = create();
    for (let i = 0; i < 300; i++) d.learnOne(point(i, 2));
    const scores = Array.from({ length: 200 }, (_, i) => d.scoreOne(point(i, 3)));
    const meanScore = scores.reduce((s, v) => s + v, 0) / scores.length;
    assert.ok(meanScore < 2.5, `mean in-distribution score ${meanScore}`);
    const outlier = { ...point(0, 4), kurtosis: 3 + 0.3 * 40 }; // 40 σ out in one feature
    assert.ok(d.scoreOne(outlier) > 15, `outlier score ${d.scoreOne(outlier)}`);
    assert.ok(d.scoreOne(outlier) > 5 * meanScore);
  });

  test(`${name} - scores are scale-invariant per feature`, () => {
    const a = create();
    const b = create();
    const scale = { rms: 1000, kurtosis: 0.001, temp: -3 };
    for (let i = 0; i < 100; i++) {
      a.learnOne(point(i, 5));
      b.learnOne(point(i, 5, scale));
    }
    for (let i = 0; i < 30; i++) {
      const x = point(i, 6);
      x.rms! += i * 0.05; // drift out of the baseline
      const y = { rms: x.rms! * scale.rms, kurtosis: x.kurtosis! * scale.kurtosis, temp: x.temp! * scale.temp };
      const sa = a.scoreOne(x);
      const sb = b.scoreOne(y);
      assert.ok(Math.abs(sa - sb) <= 1e-6 * Math.max(1, sa), `${sa} vs ${sb}`);
    }
  });

  test(`${name} - never NaN or negative for arbitrary finite input (fast-check)`, () => {
    const value = fc.double({ noNaN: true, noDefaultInfinity: true });
    const obs = fc.record({ a: value, b: value, c: fc.constantFrom(0, 1, 1e-300, -7) });
    fc.assert(
      fc.property(fc.array(obs, { minLength: 0, maxLength: 80 }), fc.array(obs, { minLength: 1, maxLength: 10 }), (train, probe) => {
        const d = create();
        for (const x of train) d.learnOne(x);
        for (const x of probe) {
          const s = d.scoreOne(x);
          assert.ok(Number.isFinite(s) && s >= 0, `score ${s}`);
        }
      }),
      { numRuns: 100 },
    );
  });
}
