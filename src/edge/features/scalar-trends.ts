// Scalar channels as a process engineer reads them: the level, how fast it moves (an EWMA of the
// per-hour slope, Roberts 1959 style smoothing), and how far it sits from what the current
// operating regime leads one to expect (the regime baseline's median).

/** Per scalar channel, the smoothed slope state. */
interface TrendState {
  lastValue: number;
  lastTsMs: number;
  slopePerH: number;
}

export interface ScalarTrends {
  /** Updates with one window's scalar levels; returns evidence features `scalar.<ch>.slopePerH`. */
  update(levels: Record<string, number>, tsMs: number): Record<string, number>;
  /** Forgets a channel (after a data-quality fault or a stop: its slope would mix two states). */
  reset(channel: string): void;
}

/**
 * Creates the trend tracker. `alpha` is the EWMA weight of the newest slope (0.2 ≈ the last ~9
 * windows); slopes over gaps longer than `maxGapMs` restart rather than average across the gap.
 */
export function createScalarTrends(alpha = 0.2, maxGapMs = 6 * 3_600_000): ScalarTrends {
  const states = new Map<string, TrendState>();
  return {
    update(levels, tsMs) {
      const out: Record<string, number> = {};
      for (const [ch, v] of Object.entries(levels)) {
        if (!Number.isFinite(v)) continue;
        const s = states.get(ch);
        const dtH = s ? (tsMs - s.lastTsMs) / 3_600_000 : 0;
        if (!s || !(dtH > 0) || dtH * 3_600_000 > maxGapMs) {
          states.set(ch, { lastValue: v, lastTsMs: tsMs, slopePerH: 0 });
          out[`scalar.${ch}.slopePerH`] = 0;
          continue;
        }
        const slope = (v - s.lastValue) / dtH;
        s.slopePerH = s.slopePerH + alpha * (slope - s.slopePerH);
        s.lastValue = v;
        s.lastTsMs = tsMs;
        out[`scalar.${ch}.slopePerH`] = s.slopePerH;
      }
      return out;
    },
    reset(ch) {
      states.delete(ch);
    },
  };
}
