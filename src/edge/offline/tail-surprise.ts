// Rank-based normalisation of one member's score stream (Aggarwal & Sathe, "Outlier Ensembles",
// 2017, §3: convert scores to ranks before combining, so no member dominates by its scale): the
// surprise −ln P(C ≥ c) of a score under the member's own past scores (causal, add-one
// smoothing). The past holds the rows the stack learns: normal rows and one flagged row in
// `adaptEvery`, so a long anomaly stays surprising while a member's habitual excursions do not. A member that is above its threshold on thousands of rows (a level
// detector on a periodic signal whose amplitude wanders) gives small surprises there; a member
// that has never seen a value this high gives the largest. Counts live in a log-scale histogram
// (0.05 decades per bin from 1e-4 to 1e6 threshold units): O(bins) per score, O(1) memory.

const LOW = -4;
const STEP = 0.05;
const BINS = Math.round((6 - LOW) / STEP) + 2; // + one bin below LOW (and zeros) and one above 1e6

function bin(c: number): number {
  if (!(c > 0)) return 0;
  const b = Math.floor((Math.log10(c) - LOW) / STEP) + 1;
  return Math.max(0, Math.min(BINS - 1, b));
}

export class TailSurprise {
  private readonly counts = new Float64Array(BINS);
  private n = 0;

  /** −ln of the smoothed share of the learned past scores at or above `c`'s bin. */
  surprise(c: number): number {
    let above = 0;
    for (let i = bin(c); i < BINS; i++) above += this.counts[i]!;
    return -Math.log((above + 1) / (this.n + 1));
  }

  /** Adds `c` to the past scores. */
  learn(c: number): void {
    this.counts[bin(c)]!++;
    this.n++;
  }
}
