// One small seeded PRNG for everything that must be reproducible from a seed (randomised
// detectors, model training, Monte Carlo estimates) and needs no stream splitting.

/** Deterministic uniform generator in [0, 1) (mulberry32, Tommy Ettinger 2017). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Seeded standard normal draws (Box–Muller, one of the pair, over mulberry32). */
export function normalDraws(seed: number): () => number {
  const u = mulberry32(seed);
  return () => Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(2 * Math.PI * u());
}
