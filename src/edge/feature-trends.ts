// The recent history of the features that track fault progress, kept per machine and operating
// regime as a round-robin archive (RRDtool's consolidation, Oetiker 1999): the newest windows as
// they came, older ones merged by their median into coarser points, so a bounded memory reaches
// back weeks. Sent with an escalation (Evidence.trends) so the cloud can fit the machine's own
// degradation rate instead of guessing a P–F interval; derived levels only, never a waveform.
import { z } from 'zod';
import type { FeatureTrend } from '../core/index.ts';

export const FeatureTrendConfig = z.object({
  features: z
    .array(z.string())
    .default(['vel.*', 'accel.rmsMs2', 'env.bpfoRatio', 'env.bpfiRatio', 'env.bsfRatio', 'env.ftfRatio', 'current_sideband_db', 'gear_sideband_db', 'gear_mesh_db', 'scalar.*'])
    .describe('features to keep a history of (globs on the evidence feature names; `scalar.*` matches levels only, not their derived slopes or residuals)'),
  pointsPerTier: z.number().int().min(4).max(32).default(16).describe('points kept at each resolution'),
  merge: z.number().int().min(2).max(16).default(4).describe('points of one tier merged (median) into one of the next'),
  tiers: z.number().int().min(1).max(8).default(5).describe('resolutions: 16 points × 4^k windows each; five tiers reach back 5456 windows (19 days at 5-min windows)'),
  maxRegimes: z.number().int().min(1).max(16).default(4).describe('operating regimes with a history; the least recently seen is dropped beyond'),
});
export type FeatureTrendConfig = z.input<typeof FeatureTrendConfig>;

/** One archived point: mean event time, windows behind it, median level per tracked feature (NaN when absent). */
interface Point {
  tMs: number;
  windows: number;
  levels: Float32Array;
}

interface RegimeHistory {
  names: string[];
  index: Map<string, number>;
  tiers: Point[][];
}

export interface FeatureTrends {
  /** Adds one scored window's features (running, settled windows of regime `regimeKey` only). */
  update(tsMs: number, regimeKey: string, features: Record<string, number>): void;
  /** The history of regime `regimeKey` as evidence, times relative to `atMs` (hours); empty without one. */
  summary(regimeKey: string, atMs: number): Record<string, FeatureTrend>;
}

/** Median of the finite values (NaN when none). */
function medianOf(xs: number[]): number {
  const v = xs.filter(Number.isFinite).sort((a, b) => a - b);
  if (v.length === 0) return NaN;
  const m = v.length >> 1;
  return v.length % 2 ? v[m]! : (v[m - 1]! + v[m]!) / 2;
}

/** Creates the archive of one machine. */
export function createFeatureTrends(config: FeatureTrendConfig = {}): FeatureTrends {
  const cfg = FeatureTrendConfig.parse(config);
  const regimes = new Map<string, RegimeHistory>();
  const globs = cfg.features.map((g) => ({ g, re: new RegExp(`^${g.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`) }));
  // `scalar.*` means a channel's level: its derived features (`scalar.<ch>.slopePerH`) carry a second dot.
  const verdicts = new Map<string, boolean>(); // feature names are few and fixed: match each once
  const tracked = (name: string) => {
    let yes = verdicts.get(name);
    if (yes === undefined) verdicts.set(name, (yes = globs.some(({ g, re }) => re.test(name) && !(g === 'scalar.*' && name.indexOf('.', 7) >= 0))));
    return yes;
  };

  /** Merges the oldest `merge` points of tier k into one point of tier k + 1 (the last tier drops them). */
  function push(h: RegimeHistory, k: number, p: Point): void {
    const tier = h.tiers[k]!;
    tier.push(p);
    if (tier.length <= cfg.pointsPerTier) return;
    const old = tier.splice(0, cfg.merge);
    if (k + 1 >= cfg.tiers) return;
    const windows = old.reduce((s, q) => s + q.windows, 0);
    const levels = new Float32Array(h.names.length).fill(NaN);
    for (let i = 0; i < h.names.length; i++) levels[i] = medianOf(old.map((q) => (i < q.levels.length ? q.levels[i]! : NaN)));
    push(h, k + 1, { tMs: old.reduce((s, q) => s + q.tMs * q.windows, 0) / windows, windows, levels });
  }

  return {
    update(tsMs, regimeKey, features) {
      let h = regimes.get(regimeKey);
      if (h) regimes.delete(regimeKey); // re-inserted below: the map's order is least recently seen first
      else {
        h = { names: [], index: new Map(), tiers: Array.from({ length: cfg.tiers }, () => []) };
        if (regimes.size >= cfg.maxRegimes) regimes.delete(regimes.keys().next().value!);
      }
      regimes.set(regimeKey, h);
      for (const [k, v] of Object.entries(features)) {
        if (!h.index.has(k) && Number.isFinite(v) && tracked(k)) {
          h.index.set(k, h.names.length);
          h.names.push(k);
        }
      }
      const levels = new Float32Array(h.names.length).fill(NaN);
      for (const [k, i] of h.index) {
        const v = features[k];
        if (v !== undefined && Number.isFinite(v)) levels[i] = v;
      }
      push(h, 0, { tMs: tsMs, windows: 1, levels });
    },
    summary(regimeKey, atMs) {
      const h = regimes.get(regimeKey);
      if (!h) return {};
      const points = [...h.tiers].reverse().flat(); // the last tier holds the oldest points
      const out: Record<string, FeatureTrend> = {};
      for (const [name, i] of h.index) {
        const trend: FeatureTrend = { tHours: [], levels: [], windows: [] };
        for (const p of points) {
          const v = i < p.levels.length ? p.levels[i]! : NaN;
          if (!Number.isFinite(v) || p.tMs > atMs) continue;
          trend.tHours.push(Math.round(((p.tMs - atMs) / 3_600_000) * 1e4) / 1e4);
          trend.levels.push(v);
          trend.windows.push(p.windows);
        }
        if (trend.levels.length > 0) out[name] = trend;
      }
      return out;
    },
  };
}
