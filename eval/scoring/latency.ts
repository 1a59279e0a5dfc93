// Latency percentiles of pipeline stages, wall-clock ms (event time says nothing about how fast
// the software is; DESIGN.md: wall time is used only to measure latency).

export interface Percentiles {
  n: number;
  p50: number | null;
  p90: number | null;
  p99: number | null;
  max: number | null;
}

/** Nearest-rank percentile (Hyndman & Fan type 1) of a sorted list; null when empty. */
function rank(sorted: number[], p: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

/** p50/p90/p99/max of the finite, non-negative samples. */
export function percentiles(samples: readonly number[]): Percentiles {
  const s = samples.filter((x) => Number.isFinite(x) && x >= 0).sort((a, b) => a - b);
  return { n: s.length, p50: rank(s, 50), p90: rank(s, 90), p99: rank(s, 99), max: s.length ? s[s.length - 1]! : null };
}
