import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { EnvelopeLineFamily, Evidence } from '../../core/index.ts';
import { healthyEvidence, sampleEscalation } from '../fixtures.ts';
import { imbalanceRule, innerRaceRule, rollingElementRule } from './pattern-rules.ts';
import { diagnose } from './rules.ts';

const quiet = (freqHz: number): EnvelopeLineFamily => ({ freqHz, harmonicsDb: [2, 1.5, 1, 0.5, 0], shaftSidebandsDb: 1, cageSidebandsDb: 1 });

/**
 * A slow machine's recording evidence with a BPFI family `bpfi` and the window's BPFI ratio
 * `windowRatio` against a healthy 2.3 (MAD 0.5); `bandSk` is the envelope band's spectral kurtosis
 * (1.4: impacts, the default; under 1: a Gaussian band).
 */
function withBpfi(bpfi: Partial<EnvelopeLineFamily>, windowRatio: number, bandSk = 1.4): Evidence {
  const fs = 24.5;
  const fam = (order: number, over: Partial<EnvelopeLineFamily> = {}) => ({ ...quiet(order * fs), ...over });
  const h = healthyEvidence();
  return {
    ...h,
    features: { ...h.features, 'env.bpfiRatio': windowRatio },
    baseline: { ...h.baseline, 'env.bpfiRatio': { median: 2.3, mad: 0.5 } },
    envelopeDiagnostics: {
      bandHz: [2000, 4600], bandSk, maxSk: bandSk, method: 'kurtogram', segments: 6,
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

test('pattern rules - a marginal race line with a 2nd harmonic at support level, in a band with no impulsiveness and a quiet window, stays under the bar', () => {
  // Lubrication loss seen in development: BPFO 8.4 dB with a 5.4 dB 2nd harmonic, spectral kurtosis
  // 0.01-0.18, window BPFO z 2.3: no impacts to make a spall's line.
  const marginal = { harmonicsDb: [8.4, 5.4, 0.6, 6.3, 2.5], shaftSidebandsDb: 2.2 };
  const gaussian = innerRaceRule(withBpfi(marginal, 2.4, 0.15));
  assert.ok(gaussian.score < 0.5, gaussian.explanation);
  assert.match(gaussian.explanation, /no impulsive band \(spectral kurtosis 0\.15\)/);
});

test('pattern rules - the marginal line is still named when the band is impulsive, the line strong, or the window line grown', () => {
  const marginal = { harmonicsDb: [8.4, 5.4, 0.6, 6.3, 2.5], shaftSidebandsDb: 2.2 };
  assert.ok(innerRaceRule(withBpfi(marginal, 2.4, 1.1)).score >= 0.5, 'impulsive band (SK 1.1)');
  assert.ok(innerRaceRule(withBpfi({ ...marginal, harmonicsDb: [12.5, 5.4, 0.6, 6.3, 2.5] }, 2.4, 0.15)).score >= 0.5, 'a strong line (12.5 dB) stands on its own');
  assert.ok(innerRaceRule(withBpfi(marginal, 5.5, 0.15)).score >= 0.5, 'window BPFI grown (z 4.3)');
  // A ball pattern is not judged against the window's 1×BSF line, so it keeps its fit in a Gaussian band.
  const ev = withBpfi({}, 2.4, 0.15);
  const env = ev.envelopeDiagnostics!;
  const ball = { ...ev, features: { ...ev.features, 'env.bsfRatio': 2.2 }, baseline: { ...ev.baseline, 'env.bsfRatio': { median: 2.3, mad: 0.5 } },
    envelopeDiagnostics: { ...env, lines: { ...env.lines, bsf2: { ...env.lines.bsf2, harmonicsDb: [9.5, 6, 5, 1, 0], cageSidebandsDb: 5 } } } };
  assert.ok(rollingElementRule(ball).score >= 0.5, rollingElementRule(ball).explanation);
});

test('pattern rules - an unconfirmed bearing line does not veto a clear imbalance pattern; a confirmed one does', () => {
  // 1x holds 97 % of the velocity, 2x and 3x small; beside it a marginal BPFI line (8.4 dB, 2nd harmonic 5.4 dB).
  const shaft = { shaftHz: 24.5, speedFromSignal: true, harmonicsDb: [40, 15, 8, 3, 2, 2, 1, 1, 1, 1], halfOrdersDb: [0, 0, 0, 0, 0], velocityRatios: { x2ToX1: 0.05, x3ToX1: 0.02 }, x1VelocityShare: 0.97, x2AtMains: false, kurtosis: 2.8 };
  const marginal = { harmonicsDb: [8.4, 5.4, 0.6, 6.3, 2.5], shaftSidebandsDb: 2.2 };
  const gaussian = { ...withBpfi(marginal, 2.4, 0.15), shaftDiagnostics: shaft };
  assert.ok(imbalanceRule(gaussian).score >= 0.5, imbalanceRule(gaussian).explanation);
  const impulsive = { ...withBpfi(marginal, 2.4, 1.4), shaftDiagnostics: shaft };
  assert.ok(imbalanceRule(impulsive).score < 0.5, 'an impulsive band confirms the BPFI line: the bearing pattern outranks the shaft one');
  assert.equal(diagnose(sampleEscalation(impulsive)).faultType, 'bearing-inner-race');
});

/** withBpfi's evidence with a 2×BSF series `bsf2` (harmonics in dB) and the escalation's comb significance `combZ` (undefined: an older edge). */
function withBallComb(bsf2: number[], combZ: number | undefined, bandSk = 2.1): Evidence {
  const ev = withBpfi({}, 2.4, bandSk);
  const env = ev.envelopeDiagnostics!;
  return {
    ...ev,
    envelopeDiagnostics: {
      ...env,
      lines: { ...env.lines, bsf2: { ...env.lines.bsf2, harmonicsDb: bsf2, cageSidebandsDb: 1 } },
      ...(combZ !== undefined ? { combZ: { bpfo: -1, bpfi: 0.5, bsf: 1.3, bsf2: combZ } } : {}),
    },
  };
}

test('pattern rules - a 2×BSF series each under 8 dB is named when the escalation carries its comb significance (z 7.1) in an impulsive band', () => {
  // Seen in development (seed 219 motor-007): 7.2, 7.4, 5.5 dB, band spectral kurtosis 2.1.
  const series = [7.2, 7.4, 5.5, 1, 0];
  const ev = withBallComb(series, 7.1);
  assert.ok(rollingElementRule(ev).score >= 0.5, rollingElementRule(ev).explanation);
  assert.match(rollingElementRule(ev).explanation, /comb 7\.1 SD above chance/);
  assert.equal(diagnose(sampleEscalation(ev)).faultType, 'bearing-rolling-element');
});

test('pattern rules - the same series stays under the bar without the comb (an older edge), with a comb at chance level, or in a Gaussian band', () => {
  const series = [7.2, 7.4, 5.5, 1, 0];
  for (const [what, ev] of [
    ['no combZ in the escalation', withBallComb(series, undefined)],
    ['comb z 4.2, under the 4.5 cut', withBallComb(series, 4.2)],
    ['Gaussian band (SK 0.3)', withBallComb(series, 7.1, 0.3)],
  ] as const) {
    assert.ok(rollingElementRule(ev).score < 0.5, `${what}: ${rollingElementRule(ev).explanation}`);
  }
});
