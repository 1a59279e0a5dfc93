// Checks of one waveform block for sensor faults that leave a mark within the block itself:
// a frozen block (stuck ADC or a dead transmitter holding its last value) and isolated spikes
// (electrical interference, a bit error): single samples far outside the block's robust spread
// whose neighbours are ordinary. A mechanical impact rings the structure's resonance for many
// samples, so its neighbours are of the same order; that is what tells the two apart.

import { fastMedian as median } from '../features/quickselect.ts';

/** Longest run of exactly identical consecutive samples. */
export function longestConstantRun(x: ArrayLike<number>): number {
  let best = x.length > 0 ? 1 : 0;
  let run = 1;
  for (let i = 1; i < x.length; i++) {
    run = x[i] === x[i - 1] ? run + 1 : 1;
    if (run > best) best = run;
  }
  return best;
}

/** True when a block is frozen: a constant run of at least max(minRun, fraction·n) samples. */
export function isFrozen(x: ArrayLike<number>, minRun = 32, fraction = 0.1): boolean {
  return x.length >= 2 && longestConstantRun(x) >= Math.max(minRun, Math.ceil(fraction * x.length));
}

/**
 * Indices of isolated spikes: |x_i − median| > z·σ (σ = 1.4826·MAD of the block) while the three
 * samples either side deviate by less than `neighbourFraction` of that. Three per side because an
 * impact's first sample has quiet samples before it, and a ringing resonance can put one or two
 * of the following samples near a zero crossing (near rate/4), never three.
 */
export function findSpikes(x: ArrayLike<number>, z = 10, neighbourFraction = 0.3): number[] {
  const n = x.length;
  if (n < 16) return [];
  const med = median(x);
  const dev = new Float64Array(n);
  for (let i = 0; i < n; i++) dev[i] = Math.abs(x[i]! - med);
  const sigma = 1.4826 * median(dev);
  if (!(sigma > 0)) return [];
  const out: number[] = [];
  // The first and last three samples are not judged: an impact starting at the block's end would
  // have no ringing to show, so it could not be told from a spike.
  for (let i = 3; i < n - 3; i++) {
    const d = dev[i]!;
    if (d <= z * sigma) continue;
    const limit = neighbourFraction * d;
    let isolated = true;
    for (let j = i - 3; j <= i + 3; j++) if (j !== i && dev[j]! >= limit) isolated = false;
    if (isolated) out.push(i);
  }
  return out;
}

/** A copy of `x` with each spike replaced by the mean of its neighbours (the sample it should have been). */
export function repairSpikes(x: readonly number[], spikes: readonly number[]): number[] {
  const y = x.slice();
  for (const i of spikes) {
    const a = i > 0 ? x[i - 1]! : x[i + 1]!;
    const b = i < x.length - 1 ? x[i + 1]! : x[i - 1]!;
    y[i] = (a + b) / 2;
  }
  return y;
}
