// The seeded PRNG randomised detectors (Half-Space Trees) use, so they are reproducible.
export { mulberry32 } from '../../core/prng.ts';
