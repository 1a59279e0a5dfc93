// A first-order thermal model of one temperature channel, learned online without labels.
//
// A bearing housing, a gear-oil sump or a stator winding is a lumped heat capacity C behind a
// thermal resistance R: C·dT/dt = (T_ss(u) − T)/R, τ = R·C (Incropera, Fundamentals of Heat and
// Mass Transfer, §5.3 lumped capacitance). Sampled every Δt with the operating point u held over
// the step (zero-order hold) this is the ARX(1) model
//   T[k] = a·T[k−1] + θ·x[k],   a = exp(−Δt/τ),   θ·x = (1 − a)·T_ss(u[k]),
// where x are exogenous regressors (one-hot operating regime, load proxies, daily ambient terms).
// Its parameters (a, θ) are fitted by recursive least squares with exponential forgetting
// (Ljung, System Identification, 2nd ed., §11.2). A temperature after a start or a setpoint change
// depends on the run history (a sump with τ ≈ 90 min is far from its new level for hours), so a
// level compared with the regime's baseline alarms on healthy transients; the residual between the
// measured temperature and the model's prediction does not, while a heat source the operating
// point does not explain (lubrication loss, a wearing bearing) leaves a growing positive residual.
//
// The prediction runs as an observer T̂[k] = a·T̂[k−1] + θ·x[k] + L·(T[k] − (a·T̂[k−1] + θ·x[k])):
// L = 1 is the one-step prediction (a steady offset d in T_ss shows only as (1 − a)·d, ~5% for a
// 90-min sump at 5-min windows), L = 0 the free-run simulation (the whole offset, but model errors
// never forgotten). A small L keeps most of a steady offset, (1 − a)/(1 − a + L·a) of it, and
// forgets a wrong initial state in ~1/L windows. (With a τ fitted long from unexcited steady data,
// that share shrinks: a known limit, see the report.)
import { z } from 'zod';

export const ThermalModelConfig = z.object({
  forgetting: z.number().min(0.9).max(1).default(0.999).describe('RLS forgetting factor per learned window (0.999: a memory of ~1000 windows, 3.5 days at 5 min)'),
  observerGain: z.number().min(0).max(1).default(0.02).describe('share of the prediction error fed back into the predicted state per window (L)'),
  minTauWindows: z.number().positive().default(0.5).describe('least plausible τ in windows; a fitted a below exp(−1/this) is clamped'),
  maxTauWindows: z.number().positive().default(2000).describe('largest plausible τ in windows (an integrator fitted from steady data is clamped)'),
  initialTauWindows: z.number().positive().default(12).describe('τ assumed before the data say otherwise (12 windows = 1 h at 5 min)'),
  priorVariance: z.number().positive().default(100).describe('RLS initial P diagonal: prior variance of each parameter relative to the one-step noise'),
  maxTrace: z.number().positive().default(1e6).describe('P is not inflated by forgetting beyond this trace (wind-up guard while inputs do not move)'),
});
export type ThermalModelConfig = z.input<typeof ThermalModelConfig>;

/** One temperature channel's model: state, parameters and their RLS covariance. */
export class ThermalModel {
  private readonly cfg: z.output<typeof ThermalModelConfig>;
  /** Parameters [a, θ_1 … θ_m]. */
  readonly theta: Float64Array;
  private readonly p: Float64Array;
  private readonly phi: Float64Array;
  private readonly pphi: Float64Array;
  private readonly d: number;
  private prev: number | undefined;
  private est: number | undefined;
  private learned = 0;
  private pending = false;
  private lastPrev = 0;
  private lastY = 0;
  private readonly lastX: Float64Array;

  /** `inputs` = m, the number of exogenous regressors x. */
  constructor(readonly inputs: number, config: ThermalModelConfig = {}) {
    this.cfg = ThermalModelConfig.parse(config);
    this.d = inputs + 1;
    this.theta = new Float64Array(this.d);
    this.theta[0] = Math.exp(-1 / this.cfg.initialTauWindows);
    this.p = new Float64Array(this.d * this.d);
    for (let i = 0; i < this.d; i++) this.p[i * this.d + i] = this.cfg.priorVariance;
    this.phi = new Float64Array(this.d);
    this.pphi = new Float64Array(this.d);
    this.lastX = new Float64Array(inputs);
  }

  /** The pole a, clamped to the plausible range of τ. */
  get a(): number {
    const lo = Math.exp(-1 / this.cfg.minTauWindows);
    const hi = Math.exp(-1 / this.cfg.maxTauWindows);
    return Math.min(hi, Math.max(lo, this.theta[0]!));
  }

  /** The estimated time constant, in windows. */
  get tauWindows(): number {
    return -1 / Math.log(this.a);
  }

  /** Learned windows so far. */
  get n(): number {
    return this.learned;
  }

  /** The steady temperature the model expects at regressors `x`: θ·x / (1 − a). */
  steady(x: ArrayLike<number>): number {
    return this.drive(x) / (1 - this.a);
  }

  /**
   * Sets regressor `i`'s coefficient so that `x` (where regressor `i` is active) has the current
   * temperature as its steady level: a regime seen for the first time starts from "where it is
   * now", not from 0 K, and the RLS corrects it from there.
   */
  seed(i: number, x: ArrayLike<number>, tempC: number): void {
    const xi = x[i]!;
    if (xi === 0 || !Number.isFinite(tempC)) return;
    const rest = this.drive(x) - this.theta[i + 1]! * xi;
    this.theta[i + 1] = ((1 - this.a) * tempC - rest) / xi;
  }

  /**
   * Advances with the measured temperature `tempC` under regressors `x` (the operating point over
   * the interval that ended with this sample) and returns the prediction error (K, measured −
   * predicted); NaN on the first sample after `reset`. `learnLast` then fits this step, once the
   * caller knows the window was healthy.
   */
  step(tempC: number, x: ArrayLike<number>): number {
    this.pending = false;
    if (!Number.isFinite(tempC)) return NaN;
    if (this.prev === undefined || this.est === undefined) {
      this.prev = this.est = tempC;
      return NaN;
    }
    const predicted = this.a * this.est + this.drive(x);
    const residual = tempC - predicted;
    this.lastPrev = this.prev;
    this.lastY = tempC;
    for (let i = 0; i < this.inputs; i++) this.lastX[i] = x[i]!;
    this.pending = true;
    this.est = predicted + this.cfg.observerGain * residual;
    this.prev = tempC;
    return residual;
  }

  /** Fits the step last taken (at most once): T[k] = a·T[k−1] + θ·x[k]. */
  learnLast(): boolean {
    if (!this.pending) return false;
    this.pending = false;
    return this.fit(this.lastPrev, this.lastX, this.lastY);
  }

  /** Forgets the state (after a gap or a sensor fault), keeping what was learned. */
  reset(): void {
    this.prev = this.est = undefined;
    this.pending = false;
  }

  private drive(x: ArrayLike<number>): number {
    let s = 0;
    for (let i = 0; i < this.inputs; i++) s += this.theta[i + 1]! * x[i]!;
    return s;
  }

  /** One RLS step on T[k] = a·T[k−1] + θ·x[k] (equation error); false if it was degenerate. */
  private fit(prev: number, x: ArrayLike<number>, y: number): boolean {
    const { d, p, phi, pphi, theta } = this;
    phi[0] = prev;
    for (let i = 0; i < this.inputs; i++) phi[i + 1] = x[i]!;
    let denom = this.cfg.forgetting;
    let err = y;
    for (let i = 0; i < d; i++) {
      let s = 0;
      for (let j = 0; j < d; j++) s += p[i * d + j]! * phi[j]!;
      pphi[i] = s;
      denom += phi[i]! * s;
      err -= theta[i]! * phi[i]!;
    }
    if (!(denom > 0) || !Number.isFinite(err)) return false;
    for (let i = 0; i < d; i++) theta[i] = theta[i]! + (pphi[i]! / denom) * err;
    // P ← (P − P·φ·φᵀ·P / denom) / λ, without the 1/λ once P's trace is large (wind-up guard).
    let trace = 0;
    for (let i = 0; i < d; i++) trace += p[i * d + i]!;
    const inflate = trace < this.cfg.maxTrace ? 1 / this.cfg.forgetting : 1;
    for (let i = 0; i < d; i++) {
      for (let j = 0; j < d; j++) p[i * d + j] = (p[i * d + j]! - (pphi[i]! * pphi[j]!) / denom) * inflate;
    }
    this.learned++;
    return true;
  }
}
