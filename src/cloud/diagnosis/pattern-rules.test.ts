import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { EnvelopeLineFamily, Evidence } from '../../core/index.ts';
import { healthyEvidence } from '../fixtures.ts';
import { innerRaceRule } from './pattern-rules.ts';

const quiet = (freqHz: number): EnvelopeLineFamily => ({ freqHz, harmonicsDb: [2, 1.5, 1, 0.5, 0], shaftSidebandsDb: 1, cageSidebandsDb: 1 });

/** A slow machine's recording evidence with a BPFI family `bpfi` and the window's BPFI ratio `windowRatio` against a healthy 2.3 (MAD 0.5). */
function withBpfi(bpfi: Partial<EnvelopeLineFamily>, windowRatio: number): Evidence {
  const fs = 24.5;
  const fam = (order: number, over: Partial<EnvelopeLineFamily> = {}) => ({ ...quiet(order * fs), ...over });
  const h = healthyEvidence();
  return {
    ...h,
    features: { ...h.features, 'env.bpfiRatio': windowRatio },
    baseline: { ...h.baseline, 'env.bpfiRatio': { median: 2.3, mad: 0.5 } },
    envelopeDiagnostics: {
      bandHz: [2000, 4600], bandSk: 0.15, maxSk: 0.15, method: 'kurtogram', segments: 6,
      lines: { bpfo: fam(3.05), bpfi: fam(4.95, bpfi), bsf: fam(1.99), bsf2: fam(3.98), ftf: fam(0.38), shaft: fam(1) },
    },
  };
}

test('pattern rules - a lone BPFI line (8 dB, no 2nd/3rd harmonic, no 1x sidebands) that the window envelope does not confirm stays under the bar', () => {
  // The recording's fit counts a stray 4th harmonic at 6 dB as support; the cloud asks for more.
  const lone = innerRaceRule(withBpfi({ harmonicsDb: [8.2, 0.9, 0.8, 6.4, -2.7], shaftSidebandsDb: 2.2 }, 2.4));
  assert.ok(lone.score < 0.5, lone.explanation);
  assert.match(lone.explanation, /lone line/);
});

test('pattern rules - the same line is named when the window envelope has grown, or a 2nd harmonic or 1x sidebands support it', () => {
  const lone = { harmonicsDb: [8.2, 0.9, 0.8, 6.4, -2.7], shaftSidebandsDb: 2.2 };
  assert.ok(innerRaceRule(withBpfi(lone, 5.5)).score >= 0.5, 'window BPFI grown (z 4.3)');
  assert.ok(innerRaceRule(withBpfi({ ...lone, harmonicsDb: [8.2, 5, 0.8, 1, 0] }, 2.4)).score >= 0.5, '2nd harmonic');
  assert.ok(innerRaceRule(withBpfi({ ...lone, shaftSidebandsDb: 6 }, 2.4)).score >= 0.5, '1x sidebands');
});
