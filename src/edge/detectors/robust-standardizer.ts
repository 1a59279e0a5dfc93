// Per-feature robust standardisation shared by the streaming detectors: each feature's learned
// median and MAD (× 1.4826 ≈ σ, Rousseeuw & Croux 1993) turn a raw value into a signed robust z,
// so detectors see every channel on one scale whatever its unit.
import type { ChannelLayout } from './channel-layout.ts';
import { RollingMedianMad } from './rolling-median.ts';
import { DB_SIGMA_FLOOR, isDbFeature, MAD_TO_SIGMA } from './robust-baseline.ts';

/** Floors that keep σ positive for constant or zero-centred features (same meaning as in the robust baseline). */
export interface SigmaFloors {
  /** Least σ as a fraction of |median|. */
  relativeFloor: number;
  /** Least σ in the feature's unit. */
  absoluteFloor: number;
  /** Least σ of features named *_db, in dB (replaces the two floors above for them). */
  dbFloor?: number;
}

export const DEFAULT_FLOORS: SigmaFloors = { relativeFloor: 0.01, absoluteFloor: 1e-9 };

/** Rolling median/MAD per feature name; `z()` gives signed robust z-scores. */
export class RobustStandardizer {
  private readonly stats = new Map<string, RollingMedianMad>();

  constructor(
    readonly windowSize = 500,
    readonly floors: SigmaFloors = DEFAULT_FLOORS,
  ) {}

  /** Learns every finite value of `x`. */
  update(x: Record<string, number>): void {
    for (const [name, v] of Object.entries(x)) {
      if (!Number.isFinite(v)) continue;
      let s = this.stats.get(name);
      if (!s) this.stats.set(name, (s = new RollingMedianMad(this.windowSize)));
      s.update(v);
    }
  }

  /** Values learned for `name` (0 when never seen). */
  count(name: string): number {
    return this.stats.get(name)?.n ?? 0;
  }

  /** Feature names seen so far, in first-seen order. */
  names(): string[] {
    return [...this.stats.keys()];
  }

  /** Median and floored σ of `name`, or undefined when never seen. */
  location(name: string): { median: number; sigma: number } | undefined {
    const s = this.stats.get(name)?.get();
    if (!s || s.n === 0) return undefined;
    const floor = isDbFeature(name) ? this.floors.dbFloor ?? DB_SIGMA_FLOOR : Math.max(this.floors.relativeFloor * Math.abs(s.median), this.floors.absoluteFloor);
    return { median: s.median, sigma: Math.max(MAD_TO_SIGMA * s.mad, floor) };
  }

  /** Signed robust z of `v` for `name`, clamped to ±maxZ; undefined when unseen or `v` not finite. */
  z(name: string, v: number, maxZ = 1e6): number | undefined {
    const loc = this.location(name);
    if (!loc || !Number.isFinite(v)) return undefined;
    const z = (v - loc.median) / loc.sigma;
    if (Number.isNaN(z)) return 0; // ∞/∞ at the edge of the double range: deviation and spread alike
    return Math.max(-maxZ, Math.min(maxZ, z));
  }
}

/**
 * The RobustStandardizer over channel positions of a layout (the detectors' numeric fast path):
 * same statistics and floors, no name lookups per value.
 */
export class ChannelStandardizer {
  private readonly stats: (RollingMedianMad | undefined)[] = [];
  private readonly db: boolean[] = [];
  /** Channel positions in the order their first finite value was learned. */
  readonly order: number[] = [];

  constructor(
    readonly layout: ChannelLayout,
    readonly windowSize = 500,
    readonly floors: SigmaFloors = DEFAULT_FLOORS,
    /** Keep values in single precision (RollingMedianMad's float32). */
    readonly float32 = false,
  ) {}

  /** Learns every finite value of row `x` (but those of channels marked in `skip`). */
  update(x: Float64Array, skip?: Uint8Array): void {
    for (let i = 0; i < x.length; i++) {
      const v = x[i]!;
      if (!Number.isFinite(v) || skip?.[i]) continue;
      let s = this.stats[i];
      if (!s) {
        this.stats[i] = s = new RollingMedianMad(this.windowSize, undefined, this.float32);
        this.db[i] = isDbFeature(this.layout.names[i]!);
        this.order.push(i);
      }
      s.update(v);
    }
  }

  /** Values learned for channel `i`. */
  count(i: number): number {
    return this.stats[i]?.n ?? 0;
  }

  /** The rolling statistics of channel `i` (undefined until its first finite value). */
  stat(i: number): RollingMedianMad | undefined {
    return this.stats[i];
  }

  /** Median of channel `i` (0 when never seen). */
  median(i: number): number {
    return this.stats[i]?.get().median ?? 0;
  }

  /** Floored σ of channel `i`, as RobustStandardizer.location (NaN when never seen). */
  sigma(i: number): number {
    const st = this.stats[i];
    if (!st || st.n === 0) return NaN;
    const s = st.get();
    const floor = this.db[i] ? this.floors.dbFloor ?? DB_SIGMA_FLOOR : Math.max(this.floors.relativeFloor * Math.abs(s.median), this.floors.absoluteFloor);
    return Math.max(MAD_TO_SIGMA * s.mad, floor);
  }

  /** Signed robust z of finite `v` for a seen channel `i`, clamped to ±maxZ (as RobustStandardizer.z). */
  z(i: number, v: number, maxZ = 1e6): number {
    const st = this.stats[i]!;
    const s = st.get();
    const floor = this.db[i] ? this.floors.dbFloor ?? DB_SIGMA_FLOOR : Math.max(this.floors.relativeFloor * Math.abs(s.median), this.floors.absoluteFloor);
    const z = (v - s.median) / Math.max(MAD_TO_SIGMA * s.mad, floor);
    if (Number.isNaN(z)) return 0;
    return Math.max(-maxZ, Math.min(maxZ, z));
  }
}
