// A causal, streaming left matrix profile for one channel (STAMPI, Yeh et al., "Matrix Profile I",
// ICDM 2016; time-series discords, Keogh et al. 2005): the z-normalised Euclidean distance from
// the window ending now to its nearest neighbour among the recent past windows (trivial matches
// excluded). A window unlike anything seen recently (a changed or distorted cycle, a stuck
// stretch, a burst of noise) has a large nearest-neighbour distance although every value in it
// may be in range, which is what pointwise detectors miss.
//
// Cost O(history) per row: the dot products of the current window with every past window are
// updated in place per lag (QT[L] at time t = QT[L] at t−1 − x[s−1]·x[t−m] + x[s+m−1]·x[t]),
// and recomputed exactly every `refreshEvery` rows to stop floating-point drift. Memory O(history).
// The window length follows the signal's period (first autocorrelation peak of the first rows);
// long periods are piecewise-aggregated (PAA, Keogh et al. 2001) so a window has ≤ maxWindow points.

/** Configuration of one channel's discord detector. */
export interface StreamingDiscordConfig {
  /** Rows buffered to estimate the period before any score (default 1024). */
  estimateRows?: number;
  /** Past windows searched for a nearest neighbour, in aggregated points (default 2048). */
  history?: number;
  /** Most points in one window after aggregation (default 64). */
  maxWindow?: number;
  /** Window length in points when no period is found (default 16). */
  defaultWindow?: number;
  /** Fixed window length in rows (skips period estimation). */
  window?: number;
  /** Rows between exact recomputations of the dot products (default 4096). */
  refreshEvery?: number;
  /** Nearest lag searched, in windows (default 1: any non-overlapping window). Larger values stop an anomaly lasting a few cycles from matching its own first cycles. */
  exclusion?: number;
}

/** First autocorrelation peak of `x` between `minLag` and `maxLag` with ACF ≥ 0.2, or undefined. */
export function estimatePeriod(x: ArrayLike<number>, minLag = 4, maxLag = Math.floor(x.length / 2)): number | undefined {
  const n = x.length;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += x[i]!;
  mean /= n;
  let v0 = 0;
  for (let i = 0; i < n; i++) v0 += (x[i]! - mean) ** 2;
  if (!(v0 > 0)) return undefined;
  const acf = (lag: number) => {
    let s = 0;
    for (let i = lag; i < n; i++) s += (x[i]! - mean) * (x[i - lag]! - mean);
    return s / v0;
  };
  // The peak must come after the ACF has dipped below zero (else a trend or a slow wander, whose
  // ACF decays monotonically, would read as a period).
  let dipped = false;
  let prev = acf(minLag - 1);
  let cur = acf(minLag);
  for (let lag = minLag; lag < maxLag; lag++) {
    const next = acf(lag + 1);
    if (cur < 0) dipped = true;
    if (dipped && cur >= 0.2 && cur >= prev && cur > next) return lag;
    prev = cur;
    cur = next;
  }
  return undefined;
}

/** One channel's streaming nearest-neighbour distance; `push` every row, `learned` says if the row may serve as a neighbour. */
export class StreamingDiscord {
  private readonly cfg: Required<Omit<StreamingDiscordConfig, 'window'>> & { window?: number };
  private buffer: number[] = [];
  private factor = 1; // rows per aggregated point
  private m = 0; // window length in aggregated points
  private blockSum = 0;
  private blockCount = 0;
  private blockLearned = true;
  private pendingStart = -1; // start of the window completed by the last push, until `learn`
  // Aggregated points and per-window statistics (by window start) in arrays of 2·cap, indexed
  // `i − base`; when full, the newest cap entries move to the front (amortised O(1), and the hot
  // loop needs no modulo). cap ≥ history + 2m covers every index the loop reads.
  private cap = 0;
  private base = 0;
  private x = new Float64Array(0);
  private learnedAt = new Uint8Array(0); // by window start: the window's last point was learned
  private mu = new Float64Array(0);
  private sd = new Float64Array(0);
  private qt = new Float64Array(0); // by lag − m
  private validLags = 0; // lags 0 … validLags−1 of qt hold the previous row's dot products
  private t = -1; // index of the newest aggregated point
  private sinceRefresh = 0;
  private center = 0;
  private spread = 1;
  private sdFloor = 0;
  private last = 0;

  constructor(config: StreamingDiscordConfig = {}) {
    this.cfg = { estimateRows: 1024, history: 2048, maxWindow: 64, defaultWindow: 16, refreshEvery: 4096, exclusion: 1, ...config };
  }

  /** Window length in rows (0 until the period is estimated). */
  get windowRows(): number {
    return this.m * this.factor;
  }

  /**
   * Adds one row's value (NaN: the previous value) and returns the current distance (0 while
   * warming up). Call `learn` after it to say whether the row may be part of a neighbour.
   */
  push(value: number): number {
    if (this.m === 0) {
      if (Number.isFinite(value)) this.buffer.push(value);
      else if (this.buffer.length > 0) this.buffer.push(this.buffer[this.buffer.length - 1]!);
      if (this.buffer.length >= this.cfg.estimateRows) this.start();
      return 0;
    }
    this.addRow(value);
    return this.last;
  }

  /** Whether the row just pushed is normal: a window with an unlearned row never serves as a neighbour. */
  learn(learned: boolean): void {
    this.blockLearned &&= learned;
    if (this.pendingStart >= 0) {
      this.learnedAt[this.pendingStart - this.base] = this.blockLearned ? 1 : 0;
      this.pendingStart = -1;
      this.blockLearned = true;
    }
  }

  private start(): void {
    const b = this.buffer;
    const period = this.cfg.window ?? estimatePeriod(b, 4, Math.floor(b.length / 2));
    const rows = period ?? this.cfg.defaultWindow;
    this.factor = Math.max(1, Math.ceil(rows / this.cfg.maxWindow));
    this.m = Math.max(4, Math.round(rows / this.factor));
    // Centre and scale from the buffered rows so the dot products stay well conditioned at any offset.
    const sorted = [...b].sort((p, q) => p - q);
    this.center = sorted[sorted.length >> 1]!;
    const dev = b.map((v) => Math.abs(v - this.center)).sort((p, q) => p - q);
    this.spread = Math.max(dev[dev.length >> 1]! * 1.4826, Math.abs(this.center) * 1e-9, 1e-12);
    // Least σ of a window: a share of the typical local variation, so flat windows compare sanely.
    let diff = 0;
    for (let i = 1; i < b.length; i++) diff += Math.abs(b[i]! - b[i - 1]!);
    this.sdFloor = Math.max(0.05 * (diff / Math.max(1, b.length - 1)) / this.spread, 1e-6);
    this.cap = this.cfg.history + (this.cfg.exclusion + 1) * this.m + 2;
    this.x = new Float64Array(2 * this.cap);
    this.learnedAt = new Uint8Array(2 * this.cap);
    this.mu = new Float64Array(2 * this.cap);
    this.sd = new Float64Array(2 * this.cap);
    this.qt = new Float64Array(this.cfg.history);
    this.validLags = 0;
    this.buffer = [];
    // The buffered rows become the first history (all learned: they were the warm-up).
    for (const v of b) {
      this.addRow(v);
      this.learn(true);
    }
  }

  private addRow(value: number): void {
    const v = Number.isFinite(value) ? (value - this.center) / this.spread : this.t >= 0 ? this.x[this.t - this.base]! : 0;
    this.blockSum += Math.max(-1e6, Math.min(1e6, v));
    this.blockCount++;
    if (this.blockCount < this.factor) return;
    const p = this.blockSum / this.blockCount;
    this.blockSum = 0;
    this.blockCount = 0;
    this.addPoint(p);
  }

  private addPoint(p: number): void {
    const { cap, m } = this;
    const H = this.cfg.history;
    const t = ++this.t;
    if (t - this.base >= 2 * cap) {
      for (const a of [this.x, this.learnedAt, this.mu, this.sd]) a.copyWithin(0, cap, 2 * cap);
      this.base += cap;
    }
    const b = this.base;
    const x = this.x;
    const outgoing = t - m >= 0 ? x[t - m - b]! : 0; // x[t−m]
    x[t - b] = p;
    if (t < m - 1) return;
    const start = t - m + 1; // start of the current window
    const c0 = start - b;
    let s1 = 0;
    let s2 = 0;
    for (let k = 0; k < m; k++) {
      const v = x[c0 + k]!;
      s1 += v;
      s2 += v * v;
    }
    const mu = s1 / m;
    const sd = Math.max(Math.sqrt(Math.max(0, s2 / m - mu * mu)), this.sdFloor);
    const mus = this.mu;
    const sds = this.sd;
    const learnedAt = this.learnedAt;
    const qt = this.qt;
    mus[c0] = mu;
    sds[c0] = sd;
    learnedAt[c0] = 0; // set by `learn`
    this.pendingStart = start;
    const refresh = ++this.sinceRefresh >= this.cfg.refreshEvery;
    if (refresh) this.sinceRefresh = 0;
    let best = -Infinity; // best correlation-like term: the nearest neighbour maximises it
    const mmu = m * mu;
    const lag0 = this.cfg.exclusion * m;
    // Lag lag0 + i has its history window at array index s0 = c0 − lag0 − i; lags whose window
    // would start before the first point do not exist yet. Lags become valid in order (the
    // history only grows), so the valid ones are a prefix: updated in place, the new ones (and all
    // on a refresh) computed in full. The hot loop has no other branch than the learned check.
    const lags = Math.min(H, c0 - lag0 + b + 1);
    const incremental = refresh ? 0 : Math.min(this.validLags, lags);
    for (let i = 0; i < incremental; i++) {
      const s0 = c0 - lag0 - i;
      // A valid lag's window started after the first point, so x[s0 − 1] exists.
      const q = qt[i]! - x[s0 - 1]! * outgoing + x[s0 + m - 1]! * p;
      qt[i] = q;
      if (learnedAt[s0] === 0) continue;
      const corr = (q - mmu * mus[s0]!) / (sds[s0]! * sd);
      if (corr > best) best = corr;
    }
    for (let i = incremental; i < lags; i++) {
      const s0 = c0 - lag0 - i;
      let q = 0;
      for (let k = 0; k < m; k++) q += x[s0 + k]! * x[c0 + k]!;
      qt[i] = q;
      if (learnedAt[s0] === 0) continue;
      const corr = (q - mmu * mus[s0]!) / (sds[s0]! * sd);
      if (corr > best) best = corr;
    }
    if (lags > this.validLags) this.validLags = lags;
    // d² = 2m(1 − ρ); reported as the distance per √m (0 … 2), comparable across window lengths.
    const rho = Math.max(-1, Math.min(1, best / m));
    this.last = best === -Infinity ? 0 : Math.sqrt(2 * (1 - rho));
  }
}
