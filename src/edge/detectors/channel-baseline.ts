// The robust baseline (robust-baseline.ts) on the numeric fast path: the same per-channel rolling
// median/MAD, floors, impulsiveness tail and top-k RMS, over channel positions of a ChannelLayout
// with each channel's name-dependent rules resolved once, when the channel first appears. It
// exists beside robust-baseline.ts (which the edge agent uses, with fleet priors and evidence) so
// the offline stack can score rows without walking keys; a test holds the two to the same scores.
import type { VectorDetector } from './detector.ts';
import { ChannelLayout, isAbsent, recordMethods } from './channel-layout.ts';
import { ChannelStandardizer, DEFAULT_FLOORS } from './robust-standardizer.ts';
import {
  isDbFeature,
  isImpulsiveness,
  isTemperatureResidual,
  MAD_TO_SIGMA,
  RobustBaselineConfig,
  TAIL_MIN_VALUES,
  TAIL_QUANTILE,
} from './robust-baseline.ts';

/** The standard normal's 0.99 quantile: robust-baseline.ts scales an impulsiveness tail by it (TAIL_Z there). */
const TAIL_Z = 2.326;

/** How a channel's σ is floored, resolved from its name once. */
const Floor = { Relative: 0, Db: 1, TemperatureResidual: 2 } as const;

/**
 * Creates the baseline over `layout` (shared with the caller). Same configuration and scores as
 * createRobustBaseline without a fleet prior (`setPrior` has no counterpart here).
 */
export function createChannelBaseline(config: RobustBaselineConfig = {}, layout = new ChannelLayout(), reference?: ChannelStandardizer): VectorDetector {
  const cfg = RobustBaselineConfig.parse(config);
  // The per-channel statistics; with `reference` (built with this window and precision), a store
  // other members may read (a CUSUM on the same rows and window), updated here only.
  const store = reference ?? new ChannelStandardizer(layout, cfg.windowSize, DEFAULT_FLOORS, cfg.float32);
  let known = 0; // channels whose rules are resolved
  let floorKind = new Uint8Array(0);
  let impulsive = new Uint8Array(0);
  let ignored = new Uint8Array(0);
  const top = new Float64Array(cfg.topK); // the k largest |z| of a row, descending
  let learned = 0;

  function resolve(d: number): void {
    if (d <= known) return;
    const grow = (a: Uint8Array) => {
      const b = new Uint8Array(d);
      b.set(a);
      return b;
    };
    floorKind = grow(floorKind);
    impulsive = grow(impulsive);
    ignored = grow(ignored);
    for (let i = known; i < d; i++) {
      const name = layout.names[i]!;
      floorKind[i] = isDbFeature(name) ? Floor.Db : isTemperatureResidual(name) ? Floor.TemperatureResidual : Floor.Relative;
      impulsive[i] = isImpulsiveness(name) ? 1 : 0;
      ignored[i] = cfg.ignore.some((p) => name === p || (p.endsWith('.') && name.startsWith(p))) ? 1 : 0;
    }
    known = d;
  }

  function learnVector(x: Float64Array): void {
    resolve(x.length);
    store.update(x, cfg.ignore.length > 0 ? ignored : undefined);
    learned++;
  }

  function scoreVector(x: Float64Array): number {
    if (learned < cfg.warmup) return 0;
    resolve(x.length);
    const k = cfg.topK;
    let count = 0;
    let max = 0;
    for (let i = 0; i < x.length; i++) {
      const v = x[i]!;
      if (isAbsent(v) || ignored[i]) continue;
      const stat = store.stat(i);
      if (!stat) continue;
      const own = stat.get();
      // A channel that appeared late warms up on its own (no prior on this path).
      if (own.n < cfg.warmup) continue;
      let z: number;
      if (!Number.isFinite(v)) {
        z = cfg.maxZ; // a feature that stops being a number is as far out as it gets
      } else {
        const kind = floorKind[i]!;
        const floor = kind === Floor.Db ? cfg.dbFloor : kind === Floor.TemperatureResidual ? cfg.residualFloorK : Math.max(cfg.relativeFloor * Math.abs(own.median), cfg.absoluteFloor);
        let sigma = Math.max(MAD_TO_SIGMA * own.mad, floor);
        // Above the median, an impulsiveness feature is scaled by its own learned upper tail.
        if (impulsive[i] && v > own.median && own.n >= TAIL_MIN_VALUES) sigma = Math.max(sigma, (stat.quantile(TAIL_QUANTILE) - own.median) / TAIL_Z);
        const zz = Math.abs(v - own.median) / sigma;
        z = Number.isNaN(zz) ? 0 : Math.min(zz, cfg.maxZ);
      }
      count++;
      if (z > max) max = z;
      // Insert into the descending top k.
      const filled = Math.min(count - 1, k);
      let j = filled;
      if (j === k) {
        if (!(z > top[k - 1]!)) continue;
        j = k - 1;
      }
      while (j > 0 && top[j - 1]! < z) {
        top[j] = top[j - 1]!;
        j--;
      }
      top[j] = z;
    }
    if (count === 0) return 0;
    if (cfg.aggregate === 'max') return max;
    // Divide by k even when fewer features exist, so the score's scale does not depend on the count.
    let sum = 0;
    for (let j = 0; j < Math.min(count, k); j++) sum += top[j]! * top[j]!;
    return Math.sqrt(sum / k);
  }

  return {
    learnVector,
    scoreVector,
    ...recordMethods(layout, learnVector, scoreVector),
  };
}
