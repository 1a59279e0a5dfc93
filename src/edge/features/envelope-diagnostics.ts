// Envelope analysis of a recorded waveform for diagnosis (Randall & Antoni, "Rolling element
// bearing diagnostics - a tutorial", MSSP 25, 2011): demodulate an impulsive band, average the
// squared envelope spectrum (SES) over segments, and read each bearing defect family (BPFO, BPFI,
// BSF, 2×BSF, FTF) as harmonic levels and sidebands in dB above the local floor.
// Two ways to pick the band compete: the most impulsive kurtogram bands (Antoni 2007) and the
// cepstrally prewhitened broadband signal (Sawalhi & Randall 2011; Smith & Randall's CWRU benchmark,
// MSSP 64-65, 2015, found it as reliable as the kurtogram and less fooled by non-bearing impulses).
// The band whose strongest defect comb stands highest is kept.
import type { DefectOrders, EnvelopeDiagnostics, EnvelopeLineFamily } from '../../core/index.ts';
import { inverseFft, nextPow2, realFft } from './spectrum.ts';
import { centralKurtosis, distinctTopBands, kurtogramBands, rankBands } from './kurtogram.ts';
import { lineLevel, localFloor, type LineLevel } from './line-levels.ts';
import { basebandEnvelope } from './spectrum.ts';

/** Inputs of an envelope analysis: segment spectra of one recording and the machine's kinematics. */
export interface EnvelopeInput {
  /** Full complex spectra (realFft) of equally long segments. */
  spectra: readonly Float64Array[];
  rateHz: number;
  shaftHz: number;
  orders: DefectOrders;
  /** Relative half-width of the search around each defect fundamental (speed error plus 1–2 % slip). */
  searchTolerance: number;
}

/** Segments whose SK sets the kurtogram; more cost time and change the median little. */
const SK_SEGMENTS = 8;
/** Kurtogram bands that compete with the prewhitened broadband signal. */
const KURTOGRAM_CANDIDATES = 2;
/** Harmonics read per family (fewer where the band is too narrow to hold them). */
const HARMONICS = 5;
/**
 * Harmonic weights of the comb score: the fundamental counts most (3×BPFO and 2×BPFI lie within
 * 0.7 % of each other on a 6205, so higher harmonics alone cannot tell families apart).
 */
const COMB_WEIGHTS = [1, 0.5, 0.25];

/**
 * Squared envelope spectrum of one segment in `band`: the band's bins moved to baseband (analytic
 * signal and frequency shift in one step), |z|² at a rate of twice the band (|z|² has twice z's
 * bandwidth), mean removed, Hann-windowed amplitude spectrum. Bin spacing equals the segment's.
 * Normalised by its own median so that every segment counts alike and the unit drops out.
 * `whiten` divides each bin by its magnitude first: prewhitening by the real cepstrum's zeroing
 * keeps only the phase (Sawalhi & Randall 2011), so discrete gear/shaft lines and resonance shape
 * no longer dominate and impulses of every amplitude stand out alike.
 */
export function segmentSes(spectrum: Float64Array, rateHz: number, band: [number, number], whiten: boolean): Float64Array {
  const nfft = spectrum.length / 2;
  const binHz = rateHz / nfft;
  const lo = Math.max(1, Math.ceil(band[0] / binHz));
  const hi = Math.min(nfft / 2 - 1, Math.floor(band[1] / binHz));
  if (hi < lo) return new Float64Array(0);
  const m = nextPow2(2 * (hi - lo + 1));
  const shifted = new Float64Array(2 * m);
  for (let k = lo; k <= hi; k++) {
    let re = spectrum[2 * k]!;
    let im = spectrum[2 * k + 1]!;
    if (whiten) {
      const mag = Math.hypot(re, im);
      re = mag > 0 ? re / mag : 0;
      im = mag > 0 ? im / mag : 0;
    }
    shifted[2 * (k - lo)] = re;
    shifted[2 * (k - lo) + 1] = im;
  }
  const z = inverseFft(shifted);
  const se = new Float64Array(m);
  let mean = 0;
  for (let i = 0; i < m; i++) {
    se[i] = z[2 * i]! * z[2 * i]! + z[2 * i + 1]! * z[2 * i + 1]!;
    mean += se[i]!;
  }
  mean /= m;
  for (let i = 0; i < m; i++) se[i] = (se[i]! - mean) * (0.5 - 0.5 * Math.cos((2 * Math.PI * i) / m));
  const spec = realFft(se, m);
  const out = new Float64Array(m / 2 + 1);
  for (let k = 0; k <= m / 2; k++) out[k] = Math.hypot(spec[2 * k]!, spec[2 * k + 1]!);
  const sorted = Float64Array.from(out.subarray(1)).sort();
  const med = sorted[sorted.length >> 1] ?? 0;
  if (med > 0) for (let k = 0; k < out.length; k++) out[k] = out[k]! / med;
  return out;
}

/** The segment-averaged SES of a band (see segmentSes), with its bin spacing and usable top frequency. */
export function averagedSes(spectra: readonly Float64Array[], rateHz: number, band: [number, number], whiten: boolean): { ses: Float64Array; binHz: number; maxHz: number } {
  let sum: Float64Array | undefined;
  for (const s of spectra) {
    const one = segmentSes(s, rateHz, band, whiten);
    if (!sum) sum = new Float64Array(one.length);
    for (let k = 0; k < Math.min(sum.length, one.length); k++) sum[k]! += one[k]!;
  }
  const ses = sum ?? new Float64Array(0);
  for (let k = 0; k < ses.length; k++) ses[k] = ses[k]! / Math.max(1, spectra.length);
  const binHz = spectra.length ? rateHz / (spectra[0]!.length / 2) : 1;
  // An envelope holds no frequencies above the band's width; keep 5 % margin for the filter's edges.
  const maxHz = Math.min(0.95 * (band[1] - band[0]), (ses.length - 1) * binHz);
  return { ses, binHz, maxHz };
}

/** A family's comb score: weighted sum of its first harmonics' positive levels (dB). */
export function combScore(harmonicsDb: readonly number[]): number {
  return COMB_WEIGHTS.reduce((s, w, i) => s + w * Math.max(0, harmonicsDb[i] ?? 0), 0);
}

/**
 * Reads one defect family: searches the fundamental within ±tolerance of `nominalHz` for the best
 * comb (so a real speed 2 % off nominal or 1–2 % slip still finds the line), then its harmonics
 * and its ±1x and ±FTF sidebands.
 */
export function readFamily(
  ses: Float64Array, floor: Float64Array, binHz: number, maxHz: number,
  nominalHz: number, tolerance: number, shaftHz: number, ftfHz: number,
): EnvelopeLineFamily {
  // Harmonic h of a slipping element spreads by about h·0.5 % (random slip), at least one bin.
  const tolOf = (fHz: number) => Math.max(binHz, 0.005 * fHz);
  const levels = (f0: number): LineLevel[] => {
    const out: LineLevel[] = [];
    for (let h = 1; h <= HARMONICS && h * f0 <= maxHz; h++) out.push(lineLevel(ses, floor, binHz, h * f0, h === 1 ? binHz : tolOf(h * f0)));
    return out;
  };
  let bestF = nominalHz;
  let best = -Infinity;
  const step = binHz / 2;
  for (let f = nominalHz * (1 - tolerance); f <= nominalHz * (1 + tolerance) && f <= maxHz; f += step) {
    const score = combScore(levels(f).map((l) => l.db));
    if (score > best) {
      best = score;
      bestF = f;
    }
  }
  const found = levels(bestF);
  const f1 = found[0]?.freqHz ?? bestF;
  const sidebands = (spacingHz: number): number => {
    const per: number[] = [];
    for (let h = 1; h <= 2 && h * f1 + spacingHz <= maxHz; h++) {
      if (h * f1 - spacingHz <= binHz) continue;
      const lower = lineLevel(ses, floor, binHz, h * f1 - spacingHz, binHz).db;
      const upper = lineLevel(ses, floor, binHz, h * f1 + spacingHz, binHz).db;
      per.push(Math.max(lower, upper));
    }
    return per.length ? per.reduce((s, v) => s + v, 0) / per.length : 0;
  };
  return { freqHz: f1, harmonicsDb: found.map((l) => l.db), shaftSidebandsDb: sidebands(shaftHz), cageSidebandsDb: sidebands(ftfHz) };
}

/** The families of one SES, and the strongest bearing comb among them (its diagnostic index). */
function readAll(ses: Float64Array, binHz: number, maxHz: number, input: EnvelopeInput): { lines: EnvelopeDiagnostics['lines']; index: number } {
  const { shaftHz, orders, searchTolerance: tol } = input;
  // Floor: median over ±0.4x shaft speed (at least ±10 bins) leaving out ±2 bins (the line's own leakage).
  const maxBin = Math.min(ses.length - 1, Math.ceil(maxHz / binHz) + 2);
  const floor = localFloor(ses, maxBin, Math.max(10, (0.4 * shaftHz) / binHz), 2);
  const ftfHz = orders.ftf * shaftHz;
  const read = (order: number, t = tol) => readFamily(ses, floor, binHz, maxHz, order * shaftHz, t, shaftHz, ftfHz);
  const lines = {
    bpfo: read(orders.bpfo),
    bpfi: read(orders.bpfi),
    bsf: read(orders.bsf),
    bsf2: read(2 * orders.bsf),
    ftf: read(orders.ftf),
    shaft: read(1, Math.min(tol, 0.01)),
  };
  const index = Math.max(combScore(lines.bpfo.harmonicsDb), combScore(lines.bpfi.harmonicsDb), combScore(lines.bsf2.harmonicsDb));
  return { lines, index };
}

/**
 * Envelope diagnostics of a recording from its segment spectra: tries the prewhitened broadband
 * signal and the most impulsive kurtogram bands, keeps the one whose strongest defect comb is
 * highest. Returns undefined when there are no segments.
 */
export function envelopeDiagnostics(input: EnvelopeInput): EnvelopeDiagnostics | undefined {
  const { spectra, rateHz, shaftHz, orders } = input;
  if (spectra.length === 0 || !(shaftHz > 0)) return undefined;
  const bpfiHz = orders.bpfi * shaftHz;
  // Room for the fundamental, two harmonics and a 1x sideband of the highest family (BPFI).
  const minWidthHz = Math.min(3 * bpfiHz + shaftHz, 0.3 * rateHz);
  const minLoHz = Math.min(10 * shaftHz, 0.1 * rateHz);
  const stride = Math.max(1, Math.floor(spectra.length / SK_SEGMENTS));
  const skSpectra = spectra.filter((_, i) => i % stride === 0).slice(0, SK_SEGMENTS);
  const ranked = rankBands(skSpectra, rateHz, kurtogramBands(rateHz, minLoHz, minWidthHz));
  const broadband: [number, number] = [minLoHz, 0.45 * rateHz];
  const candidates: { bandHz: [number, number]; whiten: boolean; method: EnvelopeDiagnostics['method'] }[] = [
    { bandHz: broadband, whiten: true, method: 'prewhitened' },
    ...distinctTopBands(ranked, KURTOGRAM_CANDIDATES).map((b) => ({ bandHz: b.bandHz, whiten: false, method: 'kurtogram' as const })),
  ];
  let best: (EnvelopeDiagnostics & { index: number }) | undefined;
  for (const c of candidates) {
    const { ses, binHz, maxHz } = averagedSes(spectra, rateHz, c.bandHz, c.whiten);
    if (ses.length < 8) continue;
    const { lines, index } = readAll(ses, binHz, maxHz, input);
    if (!best || index > best.index) {
      best = { bandHz: c.bandHz, bandSk: bandSkOf(skSpectra, rateHz, c.bandHz, c.whiten), maxSk: ranked[0]?.sk ?? 0, method: c.method, segments: spectra.length, lines, index };
    }
  }
  if (!best) return undefined;
  const { index: _index, ...diag } = best;
  return diag;
}

/** Median spectral kurtosis of a band over segments (for the prewhitened band, of the whitened envelope). */
function bandSkOf(spectra: readonly Float64Array[], rateHz: number, band: [number, number], whiten: boolean): number {
  const sks = spectra.map((s) => {
    if (!whiten) return centralKurtosis(basebandEnvelope(s, rateHz, band));
    const w = new Float64Array(s.length);
    for (let k = 0; k < s.length / 2; k++) {
      const mag = Math.hypot(s[2 * k]!, s[2 * k + 1]!);
      if (mag > 0) {
        w[2 * k] = s[2 * k]! / mag;
        w[2 * k + 1] = s[2 * k + 1]! / mag;
      }
    }
    return centralKurtosis(basebandEnvelope(w, rateHz, band));
  }).filter(Number.isFinite);
  const sorted = sks.sort((a, b) => a - b);
  return sorted.length ? sorted[sorted.length >> 1]! : 0;
}
