// Trend rules: a running-speed line judged against this machine's own healthy level (the edge
// sends its learned median/MAD per feature), which a single recording cannot give. Analysts trend
// 1x against its history for imbalance (ISO 13373-3 trend analysis; ISO 21940-11 for why 1x).
import type { Evidence } from '../../core/index.ts';
import type { Rule } from './rules.ts';
import { robustZ } from './robust-z.ts';

/** Robust z of the 1x line against its healthy level from which imbalance is suspected (twice the usual 3). */
export const IMBALANCE_1X_Z_MIN = 6;
/** 1x must also have grown by this factor: a large z on a very steady line can be a small change. */
export const IMBALANCE_1X_GROWTH_MIN = 1.25;
/** The 2x and 3x lines must stay near their healthy levels (robust z below this): imbalance is a pure 1x force. */
export const IMBALANCE_HARMONIC_Z_MAX = 3;

const clamp01 = (x: number) => Math.min(1, Math.max(0, x));

function z(ev: Evidence, feature: string): number | undefined {
  const v = ev.features[feature];
  const b = ev.baseline[feature];
  return v === undefined || b === undefined ? undefined : robustZ(v, b);
}

/** Imbalance: 1x has grown well past this machine's healthy level while 2x and 3x have not. */
export const imbalanceTrendRule: Rule = (ev) => {
  const z1 = z(ev, 'vel.x1MmS');
  const b1 = ev.baseline['vel.x1MmS'];
  if (z1 === undefined || !b1) return { faultType: 'imbalance', score: 0, explanation: 'imbalance (trend): no healthy 1x level for this machine' };
  const growth = b1.median > 0 ? (ev.features['vel.x1MmS'] ?? 0) / b1.median : 1;
  const harmonics = Math.max(z(ev, 'vel.x2MmS') ?? 0, z(ev, 'vel.x3MmS') ?? 0);
  if (z1 < IMBALANCE_1X_Z_MIN || growth < IMBALANCE_1X_GROWTH_MIN || harmonics >= IMBALANCE_HARMONIC_Z_MAX) {
    return { faultType: 'imbalance', score: 0, explanation: `imbalance (trend): not indicated (1x ${growth.toFixed(2)}x its healthy level, z ${z1.toFixed(1)}; 2x/3x z ${harmonics.toFixed(1)})` };
  }
  return {
    faultType: 'imbalance',
    score: clamp01(0.5 + 0.3 * clamp01((z1 - IMBALANCE_1X_Z_MIN) / 12) + 0.1 * clamp01((growth - IMBALANCE_1X_GROWTH_MIN) / 1)),
    explanation: `imbalance: 1x running-speed vibration ${(ev.features['vel.x1MmS'] ?? 0).toFixed(2)} mm/s, up ${growth.toFixed(1)}x from ${b1.median.toFixed(2)} mm/s when healthy, while 2x and 3x stay at their healthy levels`,
  };
};
