// Robust standardisation learned from healthy training rows: centre = median, scale = MAD·1.4826
// (the MAD's consistency constant for a normal distribution, Rousseeuw & Croux, JASA 1993), so a
// few outliers in the "healthy" data move neither. The scale has a floor because a feature that is
// constant in training (MAD = 0) would otherwise turn the smallest change into an enormous z.
/** MAD → σ for normally distributed data (Rousseeuw & Croux 1993). */
export const MAD_TO_SIGMA = 1.4826;

/** Per-feature centre and scale, in the order of the model's inputs. */
export interface RobustScaling {
  center: number[];
  scale: number[];
}

export interface ScalingFloor {
  /** Scale never below this fraction of |median| (1%: a typical sensor's stated accuracy). */
  relative: number;
  /** Scale never below this absolute value (guards a feature whose median is 0 too). */
  absolute: number;
}

export const DEFAULT_SCALING_FLOOR: ScalingFloor = { relative: 0.01, absolute: 1e-6 };

function median(sorted: Float64Array): number {
  const n = sorted.length;
  const h = n >> 1;
  return n % 2 ? sorted[h]! : (sorted[h - 1]! + sorted[h]!) / 2;
}

/** Learns the median / MAD scaling of each column of `rows` (rows × features, all finite). */
export function fitRobustScaling(rows: readonly (readonly number[])[], floor: ScalingFloor = DEFAULT_SCALING_FLOOR): RobustScaling {
  if (rows.length === 0) throw new RangeError('fitRobustScaling: no rows');
  const d = rows[0]!.length;
  const center: number[] = [];
  const scale: number[] = [];
  for (let j = 0; j < d; j++) {
    const col = Float64Array.from(rows, (r) => r[j]!).sort();
    const m = median(col);
    const dev = Float64Array.from(col, (v) => Math.abs(v - m)).sort();
    const s = MAD_TO_SIGMA * median(dev);
    center.push(m);
    scale.push(Math.max(s, floor.relative * Math.abs(m), floor.absolute));
  }
  return { center, scale };
}

/** Standardises one row with a scaling (raw units → robust z). */
export function standardize(row: readonly number[], s: RobustScaling): number[] {
  return row.map((v, j) => (v - s.center[j]!) / s.scale[j]!);
}
