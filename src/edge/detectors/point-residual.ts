// A one-step forecasting-residual detector for one channel: a row is scored by how far it lies
// from two simple causal forecasts, each residual in robust σ of its own learned residuals:
//  - local: the median of the previous k rows (a spike or a dip against the recent level);
//  - seasonal: the mean of the values one, two and three periods ago (seasonal naive averaged
//    over periods to cut its noise; Hyndman & Athanasopoulos, FPP3 §5.2), corrected by the median
//    of its errors over the previous k rows (a level change since then), so a daily peak is not
//    a spike and a missing or misplaced peak is. The correction is a median of errors, not of
//    values: on a steep slope one spike would move a median of values by a whole step.
// Score = the |z| of the forecast whose residuals are tighter (the better model of this signal:
// on a steep daily cycle the local median lags and its σ is large, on a wandering non-seasonal
// signal last period's value is stale). Learned-row residuals feed the scales (rolling
// median/MAD), so flagged rows do not inflate them.
import { RollingMedianMad } from './rolling-median.ts';
import { MAD_TO_SIGMA } from './robust-baseline.ts';

export interface PointResidualConfig {
  /** Rows in the local median (default 7). */
  localRows?: number;
  /** Residuals kept for each robust scale (default 1000). */
  scaleWindow?: number;
  /** Residuals learned before scores are given (default 50). */
  warmup?: number;
}

export class PointResidual {
  private readonly k: number;
  private readonly warmup: number;
  private readonly ring: Float64Array;
  private readonly scratch: Float64Array; // k values being sorted (no allocation per row)
  private n = 0;
  private period = 0;
  private readonly localScale: RollingMedianMad;
  private readonly seasonalScale: RollingMedianMad;
  private last = NaN;

  constructor(config: PointResidualConfig = {}) {
    this.k = config.localRows ?? 7;
    this.warmup = config.warmup ?? 50;
    this.localScale = new RollingMedianMad(config.scaleWindow ?? 1000);
    this.seasonalScale = new RollingMedianMad(config.scaleWindow ?? 1000);
    this.ring = new Float64Array(4096 + this.k + 2);
    this.scratch = new Float64Array(this.k);
  }

  /** Uses a seasonal forecast with this period in rows (0 = none; periods over 4096 rows are ignored). */
  setPeriod(rows: number): void {
    this.period = rows > this.k && rows <= 4096 ? rows : 0;
  }

  private at(back: number): number {
    return this.ring[(this.n - back) % this.ring.length]!;
  }

  /** Mean of the values 1–3 periods before the row `back` rows ago (as many as are held). */
  private seasonalNaive(back: number): number {
    let sum = 0;
    let j = 1;
    for (; j <= 3 && this.n >= back + j * this.period && back + j * this.period < this.ring.length; j++) sum += this.at(back + j * this.period);
    return sum / (j - 1);
  }

  /** Median of the k rows from `from` rows back (k is small: insertion sort into a scratch array). */
  private medianBack(from: number): number {
    const v = this.scratch;
    for (let j = 0; j < this.k; j++) insert(v, j, this.at(from + j));
    return v[this.k >> 1]!;
  }

  private pending: { local: number; seasonal: number } | undefined;

  /** Learns the residuals of the row just pushed (call for normal rows only). */
  learn(): void {
    if (!this.pending) return;
    this.localScale.update(this.pending.local);
    if (Number.isFinite(this.pending.seasonal)) this.seasonalScale.update(this.pending.seasonal);
    this.pending = undefined;
  }

  /** Adds one row's value and returns its score (|z|, 0 while warming up); NaN repeats the last value. */
  push(value: number): number {
    this.pending = undefined;
    const x = Number.isFinite(value) ? value : Number.isFinite(this.last) ? this.last : NaN;
    if (!Number.isFinite(x)) return 0;
    this.last = x;
    let score = 0;
    if (this.n >= this.k) {
      const local = this.medianBack(1);
      const rl = x - local;
      let z = this.z(this.localScale, rl);
      let rs = NaN;
      if (this.period > 0 && this.n >= this.period + this.k) {
        const errors = this.scratch;
        for (let i = 1; i <= this.k; i++) insert(errors, i - 1, this.at(i) - this.seasonalNaive(i));
        rs = x - this.seasonalNaive(0) - errors[this.k >> 1]!;
        if (this.seasonalScale.n >= this.warmup && this.sigma(this.seasonalScale) < this.sigma(this.localScale)) z = this.z(this.seasonalScale, rs);
      }
      score = this.localScale.n >= this.warmup ? z : 0;
      this.pending = { local: rl, seasonal: rs };
    }
    this.ring[this.n % this.ring.length] = x;
    this.n++;
    return score;
  }

  private sigma(scale: RollingMedianMad): number {
    return Math.max(MAD_TO_SIGMA * scale.get().mad, 1e-12 * Math.max(1, Math.abs(this.last)));
  }

  private z(scale: RollingMedianMad, r: number): number {
    const z = Math.abs(r - scale.get().median) / this.sigma(scale);
    return Number.isFinite(z) ? Math.min(1e6, z) : 1e6;
  }
}

/** Inserts `v` into the sorted `a[0 … n)`, making `a[0 … n]` sorted. */
function insert(a: Float64Array, n: number, v: number): void {
  let j = n;
  while (j > 0 && a[j - 1]! > v) {
    a[j] = a[j - 1]!;
    j--;
  }
  a[j] = v;
}
