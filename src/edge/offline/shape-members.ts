// The per-channel "shape" members of the offline stack, run on the raw (unsmoothed) values: a
// forecasting residual (spikes, dips, misplaced seasonal peaks) and a streaming discord (changed
// or distorted cycles, stuck stretches, noise bursts). Each member's score is calibrated against
// its own recent scores of learned rows (divided by their q-quantile, refreshed as it goes, so a
// member that starts late, like the discord once it knows the period, calibrates on its own), then
// channels are aggregated by the RMS of the top two (as the robust baseline does: one channel's
// fault keeps |z|/√2, two agreeing channels count more).
import { estimatePeriod, StreamingDiscord } from '../detectors/streaming-discord.ts';
import { PointResidual } from '../detectors/point-residual.ts';
import { isAbsent } from '../detectors/channel-layout.ts';

/** Calibrates one score stream: score / q-quantile of the learned scores kept. */
class QuantileScale {
  private readonly ring: Float64Array;
  private readonly work: Float64Array;
  private n = 0;
  private since = 0;
  private scale = 0;

  constructor(
    private readonly quantile: number,
    memory = 2000,
    private readonly minScores = 50,
  ) {
    this.ring = new Float64Array(memory);
    this.work = new Float64Array(memory);
  }

  update(s: number): void {
    if (!Number.isFinite(s)) return;
    this.ring[this.n % this.ring.length] = s;
    this.n++;
    // Refresh often early on, then every 256 scores: a quantile of 2000 moves slowly.
    if (++this.since >= (this.n < 500 ? 16 : this.n < 2000 ? 64 : 256)) {
      this.since = 0;
      const m = Math.min(this.n, this.ring.length);
      // Two order statistics, by selection instead of a full sort (the same values, O(m)).
      const work = this.work.subarray(0, m);
      work.set(this.ring.subarray(0, m));
      const q = select(work, Math.min(m - 1, Math.ceil(this.quantile * (m - 1))));
      let max = -Infinity;
      for (let i = 0; i < m; i++) if (work[i]! > max) max = work[i]!;
      this.scale = Math.max(q, 1e-3 * max, 1e-12);
    }
  }

  /** Calibrated score (1 = at the learned quantile), or undefined before enough scores. */
  normalize(s: number): number | undefined {
    if (this.n < this.minScores || this.scale === 0) return undefined;
    return Math.min(1e6, s / this.scale);
  }
}

interface Channel {
  residual: PointResidual;
  discord: StreamingDiscord;
  residualScale: QuantileScale;
  discordScale: QuantileScale;
  periodSet: boolean;
  probe: number[];
}

export interface ShapeMembersConfig {
  quantile: number;
  /** Nearest-neighbour history per channel, in aggregated points. */
  history: number;
  /** Rows buffered before the period is estimated. */
  estimateRows: number;
  /** Nearest lag the discord searches, in windows. */
  exclusion?: number;
}

/** The shape members over all channels (by layout position); `score` a row, then `learn` it or not. */
export class ShapeMembers {
  private readonly channels: (Channel | undefined)[] = [];
  // The channels scored in the current row, with their raw scores, until `learn`.
  private pending: Channel[] = [];
  private pendingR: number[] = [];
  private pendingD: number[] = [];
  private npending = 0;
  private readonly res: number[] = [];
  private readonly dis: number[] = [];

  constructor(private readonly cfg: ShapeMembersConfig) {}

  private channel(i: number): Channel {
    let c = this.channels[i];
    if (!c) {
      c = {
        residual: new PointResidual(),
        discord: new StreamingDiscord({ history: this.cfg.history, estimateRows: this.cfg.estimateRows, exclusion: this.cfg.exclusion ?? 1 }),
        residualScale: new QuantileScale(this.cfg.quantile),
        discordScale: new QuantileScale(this.cfg.quantile),
        periodSet: false,
        probe: [],
      };
      this.channels[i] = c;
    }
    return c;
  }

  /** Learns the row just scored (`learned` false: only marks its windows as not normal). */
  learn(learned: boolean): void {
    for (let j = 0; j < this.npending; j++) {
      const c = this.pending[j]!;
      const r = this.pendingR[j]!;
      const d = this.pendingD[j]!;
      c.discord.learn(learned);
      if (!learned) continue;
      c.residual.learn();
      if (r > 0) c.residualScale.update(r);
      if (c.discord.windowRows > 0 && d > 0) c.discordScale.update(d);
    }
    this.npending = 0;
  }

  /**
   * Scores one row (NaN = channel absent: not pushed; ±∞ = not a number): per member, calibrated
   * scores aggregated over channels (undefined while no channel is calibrated); then call `learn`.
   */
  score(x: Float64Array): { residual: number | undefined; discord: number | undefined } {
    this.npending = 0;
    const res = this.res;
    const dis = this.dis;
    res.length = 0;
    dis.length = 0;
    for (let i = 0; i < x.length; i++) {
      const v = x[i]!;
      if (isAbsent(v)) continue;
      const c = this.channel(i);
      if (!c.periodSet) {
        // The residual's seasonal forecast uses the same period estimate as the discord, on the same rows.
        if (Number.isFinite(v)) c.probe.push(v);
        if (c.probe.length >= this.cfg.estimateRows) {
          c.residual.setPeriod(estimatePeriod(c.probe, 4, Math.floor(c.probe.length / 2)) ?? 0);
          c.periodSet = true;
          c.probe = [];
        }
      }
      const r = c.residual.push(v);
      const d = c.discord.push(v);
      const j = this.npending++;
      this.pending[j] = c;
      this.pendingR[j] = r;
      this.pendingD[j] = d;
      const rn = c.residualScale.normalize(r);
      const dn = c.discord.windowRows > 0 ? c.discordScale.normalize(d) : undefined;
      if (rn !== undefined) res.push(rn);
      if (dn !== undefined) dis.push(dn);
    }
    return { residual: topTwoRms(res), discord: topTwoRms(dis) };
  }
}

/**
 * The k-th smallest value of `a` (0-based), reordering `a`: Hoare's quickselect (Hoare 1961,
 * "Algorithm 65: find") with a median-of-three pivot; expected O(n).
 */
export function select(a: Float64Array, k: number): number {
  let lo = 0;
  let hi = a.length - 1;
  while (hi > lo) {
    const mid = (lo + hi) >> 1;
    // Median of three as the pivot (guards against sorted input).
    const x = a[lo]!;
    const y = a[mid]!;
    const z = a[hi]!;
    const pivot = x < y ? (y < z ? y : x < z ? z : x) : x < z ? x : y < z ? z : y;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (a[i]! < pivot) i++;
      while (a[j]! > pivot) j--;
      if (i <= j) {
        const t = a[i]!;
        a[i++] = a[j]!;
        a[j--] = t;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return a[k]!;
  }
  return a[k]!;
}

/** Root-mean-square of the two largest values, divided by 2 even for one channel; undefined for none. */
function topTwoRms(v: number[]): number | undefined {
  if (v.length === 0) return undefined;
  let a = 0;
  let b = 0;
  for (const s of v) {
    if (s > a) {
      b = a;
      a = s;
    } else if (s > b) b = s;
  }
  return Math.sqrt((a * a + b * b) / (v.length === 1 ? 1 : 2));
}
