// A damped sinusoid started at a fractional time: the response of a lightly damped structural
// resonance to one impact, shared by bearing impacts and cavitation bubble collapses.

/**
 * Adds `amp · e^(−decay·τ) · sin(wd·τ)`, τ = t − tStartS, to `out` from tStartS until tEndS (s).
 * `c` and `s` are cos(wd·dt)·e^(−decay·dt) and sin(wd·dt)·e^(−decay·dt): the per-sample rotation,
 * so the loop needs no transcendental calls. Fractional-sample start timing keeps jitter exact.
 */
export function addRing(out: Float64Array, rateHz: number, tStartS: number, tEndS: number, amp: number, wd: number, decay: number, c: number, s: number): void {
  const dt = 1 / rateHz;
  let k = Math.max(0, Math.ceil(tStartS * rateHz));
  const lead = k * dt - tStartS;
  const kEnd = Math.min(out.length, Math.ceil(tEndS * rateHz));
  const e0 = amp * Math.exp(-decay * lead);
  let re = e0 * Math.cos(wd * lead), im = e0 * Math.sin(wd * lead);
  for (; k < kEnd; k++) {
    out[k]! += im;
    const r2 = re * c - im * s;
    im = re * s + im * c;
    re = r2;
  }
}
