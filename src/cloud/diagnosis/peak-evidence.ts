// The strongest reading of a feature over the windows that raised the alarm. The edge sends, beside
// the raising window's features, each feature's most anomalous value of the alarm's on-delay
// (`evidence.peaks`, alarm-peaks.ts at the edge): an intermittent signature (cavitation's bubble
// collapses, a young spall's first impacts) can be quiet in the window that happened to raise.
// Impulsiveness rules read a feature here, never a level rule: a burst is the signature of an
// impact, not of a broadband rise.
import type { Evidence } from '../../core/index.ts';
import { robustZ } from './robust-z.ts';

/**
 * Robust z of `feature` at its strongest over the alarm's run: the larger of the raising window's
 * and the kept peak's, both against the machine's healthy baseline (the edge's own z for the peak
 * when the evidence has no baseline for it); undefined when neither is known.
 */
export function peakZ(ev: Evidence, feature: string): number | undefined {
  const b = ev.baseline[feature];
  const v = ev.features[feature];
  const now = v !== undefined && b ? robustZ(v, b) : undefined;
  const p = ev.peaks?.[feature];
  if (!p) return now;
  const zp = b ? robustZ(p.value, b) : p.z;
  return now === undefined ? zp : Math.max(now, zp);
}

/** The largest value of `feature` over the alarm's run: the raising window's or the kept peak's. */
export function peakValue(ev: Evidence, feature: string): number | undefined {
  const v = ev.features[feature];
  const p = ev.peaks?.[feature]?.value;
  if (p === undefined) return v;
  return v === undefined ? p : Math.max(v, p);
}
