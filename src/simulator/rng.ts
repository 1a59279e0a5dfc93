// Seeded randomness: the simulator never calls Math.random, so a seed reproduces a whole plant.
// sfc32 (Chris Doty-Humphrey's Small Fast Counting generator, PractRand-clean at 32 bit) seeded
// through splitmix32; normal deviates by the Box–Muller transform.

/** A deterministic stream of random numbers. */
export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform in [lo, hi). */
  uniform(lo: number, hi: number): number;
  /** Integer uniform in [0, n). */
  int(n: number): number;
  /** Standard normal deviate (Box–Muller, the second value of each pair is cached). */
  normal(): number;
}

/** 32-bit FNV-1a hash of a string, to derive independent streams from names. */
export function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

function splitmix32(state: number): () => number {
  let s = state >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
}

/**
 * Creates a stream from a seed and optional names: (seed, 'pump-001', 'noise') is independent of
 * (seed, 'pump-001', 'fault'), so adding a fault to a machine leaves its noise untouched.
 */
export function createRng(seed: number, ...keys: string[]): Rng {
  let mix = (Math.trunc(seed) ^ Math.trunc(seed / 0x1_0000_0000)) >>> 0;
  for (const k of keys) mix = (Math.imul(mix ^ hashString(k), 0x9e3779b1) + 0x7f4a7c15) >>> 0;
  const sm = splitmix32(mix);
  let a = sm(), b = sm(), c = sm(), d = sm();
  const u32 = (): number => {
    const t = (((a + b) >>> 0) + d) >>> 0;
    d = (d + 1) >>> 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) >>> 0;
    c = ((c << 21) | (c >>> 11)) >>> 0;
    c = (c + t) >>> 0;
    return t;
  };
  for (let i = 0; i < 12; i++) u32(); // discard the warm-up outputs
  let spare: number | null = null;
  const next = (): number => u32() / 0x1_0000_0000;
  return {
    next,
    uniform: (lo, hi) => lo + (hi - lo) * next(),
    int: (n) => Math.floor(next() * n),
    normal() {
      if (spare !== null) {
        const s = spare;
        spare = null;
        return s;
      }
      let u = next();
      while (u === 0) u = next();
      const r = Math.sqrt(-2 * Math.log(u));
      const th = 2 * Math.PI * next();
      spare = r * Math.sin(th);
      return r * Math.cos(th);
    },
  };
}
