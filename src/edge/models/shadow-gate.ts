// Whether a shadow model may replace the active one, from their false alarms on the same rows.
//
// Both models score the same normal rows (rows the active ensemble judged healthy), so their
// alarms are paired: what matters are the discordant rows, b where only the shadow alarmed and c
// where only the active model did. Under "the shadow is no worse" b ~ Binomial(b + c, ½) given
// b + c (McNemar, Psychometrika 12, 1947; the exact conditional form, e.g. Fagerland, Lydersen &
// Laake, BMC Med. Res. Methodol. 13:91, 2013), whatever the rows' concordant alarms. The exact
// one-sided test keeps its size at or below α, so an equally good shadow is discarded in at most
// α of trials.
//
// A "no worse" after a few dozen rows means nothing: with 30 rows and a 1% rate neither model
// alarms at all. So the gate decides only once the test has power: a shadow whose false-alarm
// rate exceeds the active one's by `margin` (share of normal rows) would be found significantly
// worse with probability ≥ `power`, given the discordant rows seen so far (plug-in power of the
// exact test: the alternative puts active-only alarms at the pooled discordant rate p̄ = (b + c)/2n
// and shadow-only ones at p̄ + margin, so M ~ Binomial(n, 2p̄ + margin) discordant rows of which
// each is the shadow's with probability (p̄ + margin)/(2p̄ + margin)). Then one decision: significantly worse → discard,
// else promote. Deciding once, rather than at every batch, keeps the discard rate of an equal
// shadow at α; and since when it decides depends on b + c only, not on how they split, the
// conditional test's size is not disturbed (a rule on c alone gave 6% discards at α = 0.05).
// Before that, a shadow is discarded early only on overwhelming evidence, p < earlyAlpha (the
// Haybittle–Peto interim boundary: Haybittle, Br. J. Radiol. 44, 1971; Peto et al., Br. J. Cancer
// 34, 1976), which barely changes the final test's size. At the budget's end (the caller's
// maxShadowRows) the decision is taken with whatever power there is.
import { z } from 'zod';

export const ShadowGateConfig = z.object({
  alpha: z.number().gt(0).lt(0.5).default(0.05).describe('significance of "the shadow raises more false alarms" (exact one-sided McNemar test): an equally good shadow is kept from promotion in at most this share of trials'),
  margin: z.number().gt(0).max(1).default(0.02).describe('excess false-alarm rate (share of normal rows) the test must be able to detect before it decides; 0.02 is also the rate below which a promoted model is never rolled back (rollbackFloorRate)'),
  power: z.number().min(0.5).lt(1).default(0.8).describe('probability with which a shadow worse by `margin` must be caught before the gate decides (Cohen 1988: 0.8)'),
  earlyAlpha: z.number().gt(0).lt(0.5).default(0.001).describe('before the test has power, a shadow is discarded only at this significance (Haybittle–Peto boundary)'),
});
export type ShadowGateConfig = z.input<typeof ShadowGateConfig>;

/** The paired tally of a shadow: normal rows scored, the active model's false alarms, rows where only the shadow alarmed, and where only the active model did. */
export interface PairedTally {
  normalRows: number;
  activeFalseAlarms: number;
  shadowOnly: number;
  activeOnly: number;
}

export type GateDecision =
  | { kind: 'promote'; pValue: number }
  | { kind: 'discard'; pValue: number }
  | { kind: 'wait'; power: number };

/** log C(n, k) by summing logs (n up to a few thousand rows: exact enough, no gamma function needed). */
function logChoose(n: number, k: number): number {
  let s = 0;
  const m = Math.min(k, n - k);
  for (let i = 1; i <= m; i++) s += Math.log(n - m + i) - Math.log(i);
  return s;
}

/** P(X ≥ k) for X ~ Binomial(n, p), summed from the pmf's recurrence in log space. */
export function binomialUpperTail(n: number, p: number, k: number): number {
  if (k <= 0) return 1;
  if (k > n || p <= 0) return 0;
  if (p >= 1) return 1;
  let logPmf = logChoose(n, k) + k * Math.log(p) + (n - k) * Math.log1p(-p);
  let sum = 0;
  const odds = p / (1 - p);
  for (let j = k; j <= n; j++) {
    sum += Math.exp(logPmf);
    logPmf += Math.log((n - j) / (j + 1)) + Math.log(odds);
  }
  return Math.min(1, sum);
}

/** Exact one-sided McNemar p-value that the shadow alarms more: P(X ≥ b), X ~ Binomial(b + c, ½). */
export function mcnemarWorseP(shadowOnly: number, activeOnly: number): number {
  return binomialUpperTail(shadowOnly + activeOnly, 0.5, shadowOnly);
}

/** The least number of shadow-only rows among `discordant` that is significant at `alpha` (the exact test's critical value; discordant + 1 if none is). */
export function criticalShadowOnly(discordant: number, alpha: number): number {
  // Walk down from b = m, adding Binomial(m, ½) pmf terms (pmf(b − 1) = pmf(b)·b/(m − b + 1)) while the tail stays below α.
  const m = discordant;
  let logPmf = -m * Math.LN2;
  let tail = Math.exp(logPmf);
  if (tail >= alpha) return m + 1;
  let b = m;
  while (b > 0) {
    const next = logPmf + Math.log(b / (m - b + 1));
    const t = tail + Math.exp(next);
    if (t >= alpha) break;
    tail = t;
    logPmf = next;
    b--;
  }
  return b;
}

/** Probability that the exact test flags a shadow worse by `margin` over `normalRows` rows, given the discordant rows seen so far. */
export function gatePower(t: PairedTally, cfg: { alpha: number; margin: number }): number {
  const n = t.normalRows;
  if (n <= 0) return 0;
  // Shadow-only alarms fall on rows where the active model is silent: against a model that alarms
  // on more than 1 − margin of the rows no shadow can be `margin` worse, so there is nothing to wait for.
  if (t.activeFalseAlarms / n > 1 - cfg.margin) return 1;
  const pooled = (t.shadowOnly + t.activeOnly) / (2 * n);
  const rate = Math.min(1, 2 * pooled + cfg.margin);
  const share = (pooled + cfg.margin) / (2 * pooled + cfg.margin);
  // Σ over the discordant count M of P(M) · P(the test rejects | M); M's pmf by its recurrence,
  // summed until the remaining mass is negligible.
  let power = 0;
  let mass = 0;
  let logPmf = n * Math.log1p(-Math.min(rate, 1 - 1e-12));
  const odds = rate / (1 - Math.min(rate, 1 - 1e-12));
  for (let m = 0; m <= n && mass < 1 - 1e-6; m++) {
    const pm = Math.exp(logPmf);
    mass += pm;
    if (pm > 0) power += pm * binomialUpperTail(m, share, criticalShadowOnly(m, cfg.alpha));
    logPmf += Math.log((n - m) / (m + 1)) + Math.log(odds);
  }
  return power;
}

/** The gate's decision on a shadow's tally so far; `final` = the last look (the shadow's budget is spent). */
export function decideShadow(t: PairedTally, config: ShadowGateConfig = {}, final = false): GateDecision {
  const cfg = ShadowGateConfig.parse(config);
  const pValue = mcnemarWorseP(t.shadowOnly, t.activeOnly);
  const power = gatePower(t, cfg);
  if (power < cfg.power && !final) return pValue < cfg.earlyAlpha ? { kind: 'discard', pValue } : { kind: 'wait', power };
  return pValue < cfg.alpha ? { kind: 'discard', pValue } : { kind: 'promote', pValue };
}
