// Threshold-free ranking metrics of an anomaly score against 0/1 labels, as the public benchmarks
// compute them (TSB-UAD, Paparrizos et al., VLDB 2022): ROC-AUC with tied scores counted half
// (Mann–Whitney U), and PR-AUC as average precision (scikit-learn's definition: precision at each
// distinct threshold weighted by the recall gained there).

/** ROC-AUC; NaN when the labels hold only one class. */
export function rocAuc(scores: readonly number[], labels: readonly number[]): number {
  const order = scores.map((_, i) => i).sort((a, b) => scores[a]! - scores[b]!);
  let pos = 0;
  let rankSum = 0;
  for (let i = 0; i < order.length; ) {
    let j = i;
    while (j + 1 < order.length && scores[order[j + 1]!] === scores[order[i]!]) j++;
    const midRank = (i + j) / 2 + 1; // 1-based average rank of the tie group
    for (let k = i; k <= j; k++) {
      if (labels[order[k]!]) {
        pos++;
        rankSum += midRank;
      }
    }
    i = j + 1;
  }
  const neg = order.length - pos;
  if (pos === 0 || neg === 0) return NaN;
  return (rankSum - (pos * (pos + 1)) / 2) / (pos * neg);
}

/** Average precision (PR-AUC); NaN when there is no positive label. */
export function averagePrecision(scores: readonly number[], labels: readonly number[]): number {
  const order = scores.map((_, i) => i).sort((a, b) => scores[b]! - scores[a]!);
  const pos = labels.reduce((s, l) => s + (l ? 1 : 0), 0);
  if (pos === 0) return NaN;
  let tp = 0;
  let fp = 0;
  let ap = 0;
  for (let i = 0; i < order.length; ) {
    let j = i;
    while (j + 1 < order.length && scores[order[j + 1]!] === scores[order[i]!]) j++;
    let gained = 0;
    for (let k = i; k <= j; k++) {
      if (labels[order[k]!]) gained++;
      else fp++;
    }
    tp += gained;
    // Sum gained × precision and divide once: summing (gained/pos) × precision could exceed 1 by
    // an ulp (1.0000000000000002 for a perfect ranking of 9 positives, found by fast-check).
    if (gained > 0) ap += gained * (tp / (tp + fp));
    i = j + 1;
  }
  return ap / pos;
}
