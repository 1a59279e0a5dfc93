// Per-window features of one machine: time-domain indicators, ISO 20816 velocity, shaft orders,
// and envelope analysis at the bearing's defect frequencies. Bad windows are values, never throws.
import { z } from 'zod';
import { bearingDefectOrders, fail, ok, type Evidence, type MachineBirth, type Result, type TelemetryWindow } from '../../core/index.ts';
import { moments } from './moments.ts';
import { fastMedian as median } from './quickselect.ts';
import { bandAmplitude, bandRms, basebandConj, binRange, clipBand, conjKurtosis, nextPow2, type Spectrum } from './spectrum.ts';
import { candidateBands, envelopeKurtosis, mostImpulsiveBand, skZ, SWITCH_MARGIN_Z } from './impulsive-band.ts';
import { envelopeAmplitudes, halfFft, reducedBandEnvelope, velocitySpectrumMmS } from './window-spectra.ts';

export const FeatureConfig = z.object({
  vibrationChannel: z.string().optional().describe('waveform channel to analyse; default vib_de, else the first waveform sensor of the birth'),
  speedChannel: z.string().default('speed').describe('scalar channel with shaft speed in rpm; without it the birth\'s rated speed is used'),
  envelopeBandHz: z.tuple([z.number().nonnegative(), z.number().positive()]).default([2000, 5000])
    .describe('demodulation band (Hz), clipped to 0.45·rate; 2–5 kHz holds typical bearing resonances of small machines'),
  autoBand: z.boolean().default(true).describe('also try kurtogram bands and demodulate the most impulsive one'),
  bandSearchEvery: z.number().int().min(1).default(1)
    .describe('windows per machine between kurtogram band searches (1 = every window, the default); in between the chosen band is kept unless its spectral kurtosis or the block\'s kurtosis moves by more than the switch margin (3 standard errors). Saves ~20% of feature time, but env.sk then mixes kept-band and best-of-search values, whose healthy tails differ: on the simulated fleet 6 gave one false alarm in 14 healthy machines × 72 h, 1 none'),
  velocityBandHz: z.tuple([z.number().positive(), z.number().positive()]).default([10, 1000])
    .describe('ISO 20816-1 broadband velocity band for machines above 600 rpm'),
  minSamples: z.number().int().min(64).default(256),
  orderTolerance: z.number().positive().max(0.2).default(0.03).describe('relative search half-width around 1x/2x/3x (speed estimate error, slip)'),
  defectTolerance: z.number().positive().max(0.2).default(0.02).describe('relative search half-width around defect frequencies (rolling elements slip 1–2%)'),
});
export type FeatureConfig = z.input<typeof FeatureConfig>;
type ResolvedConfig = z.output<typeof FeatureConfig>;

/** What one window yields: features for the detector and the spectral facts a diagnosis needs. */
export interface WindowFeatures {
  features: Record<string, number>;
  evidence: Omit<Evidence, 'baseline'>;
}

/** How many envelope-spectrum peaks go into the evidence. */
const TOP_PEAKS = 5;

/** Builds a feature extractor with validated config (parse once, not per window). */
export function createFeatureExtractor(config: FeatureConfig = {}): (w: TelemetryWindow, birth: MachineBirth) => Result<WindowFeatures> {
  const cfg = FeatureConfig.parse(config);
  const bands = new Map<string, BandChoice>();
  return (w, birth) => {
    try {
      return extract(w, birth, cfg, bands);
    } catch (e) {
      // Defensive: the hot path reports, never throws (a bug here must not stop the agent).
      return fail(`feature extraction failed: ${(e as Error).message}`);
    }
  };
}

/** The demodulation band last chosen for a machine by the kurtogram search, and when. */
interface BandChoice {
  bandHz: [number, number];
  /** Spectral kurtosis of the band when it was chosen. */
  sk: number;
  /** Time-domain kurtosis of the window searched: impacts in any band move it. */
  kurtosis: number;
  /** Windows since the search. */
  age: number;
  rateHz: number;
  n: number;
}

/** Features and evidence of one window, stateless (the band search runs on every call); a failed Result for unusable windows. */
export function computeFeatures(w: TelemetryWindow, birth: MachineBirth, config?: FeatureConfig): Result<WindowFeatures> {
  return extract(w, birth, FeatureConfig.parse({ ...config, bandSearchEvery: 1 }), undefined);
}

function mean(v: readonly number[]): number {
  let s = 0;
  for (const x of v) s += x;
  return s / v.length;
}

function extract(w: TelemetryWindow, birth: MachineBirth, cfg: ResolvedConfig, bands: Map<string, BandChoice> | undefined): Result<WindowFeatures> {
  const waveformNames = new Set(birth.sensors.filter((s) => s.kind === 'waveform').map((s) => s.channel));
  const vibName = cfg.vibrationChannel
    ?? (w.channels.some((c) => c.name === 'vib_de') ? 'vib_de' : w.channels.find((c) => waveformNames.has(c.name))?.name);
  const vib = vibName === undefined ? undefined : w.channels.find((c) => c.name === vibName);
  if (!vib) return fail(`no vibration channel${vibName ? ` "${vibName}"` : ''} in window`);
  if (vib.values.length < cfg.minSamples) return fail(`vibration channel "${vib.name}" has ${vib.values.length} samples, fewer than ${cfg.minSamples}`);

  const speedCh = w.channels.find((c) => c.name === cfg.speedChannel);
  const rpm = speedCh ? mean(speedCh.values) : birth.ratedSpeedRpm;
  if (!(rpm > 0) || !Number.isFinite(rpm)) return fail(`shaft speed ${rpm} rpm: orders and defect frequencies are undefined`);
  const shaftHz = rpm / 60;
  const rateHz = vib.rateHz;
  const x = vib.values;
  const n = x.length;

  const features: Record<string, number> = {};
  const m = moments(x);
  features['accel.rmsMs2'] = m.rms;
  features['accel.peakMs2'] = m.peak;
  features['accel.crest'] = m.crest;
  features['accel.kurtosis'] = m.kurtosis;
  features['accel.skewness'] = m.skewness;

  // One FFT of the mean-free block serves the velocity spectrum and every band's envelope.
  const nfft = nextPow2(n);
  // Velocity by integration in the frequency domain: |V(f)| = |A(f)| / 2πf, m/s → mm/s. Only the
  // bins the velocity band and the 3x search (with its lobe) read are computed.
  const binHz = rateHz / nfft;
  const lobeBins = Math.max(2, Math.round((2 * nfft) / n)); // Hann main lobe: ±2 bins of the unpadded length
  const velTopBin = Math.max(Math.ceil(cfg.velocityBandHz[1] / binHz), Math.ceil((3 * shaftHz * (1 + cfg.orderTolerance)) / binHz) + lobeBins) + 1;
  const vel = velocitySpectrumMmS(x, m.mean, rateHz, velTopBin);
  const full = halfFft(x, n === nfft ? m.mean : 0, nfft); // the same transform when n = nfft (memo)
  features['vel.rmsMmS'] = bandRms(vel, cfg.velocityBandHz[0], cfg.velocityBandHz[1]);
  const order = (k: number) => bandAmplitude(vel, k * shaftHz * (1 - cfg.orderTolerance), k * shaftHz * (1 + cfg.orderTolerance), lobeBins);
  const orderAmplitudes = { x1: order(1), x2: order(2), x3: order(3) };
  features['vel.x1MmS'] = orderAmplitudes.x1;
  features['vel.x2MmS'] = orderAmplitudes.x2;
  features['vel.x3MmS'] = orderAmplitudes.x3;

  // Envelope analysis: demodulate the (most impulsive) resonance band, look at the defect frequencies.
  const orders = bearingDefectOrders(birth.bearing);
  const defectHz = { bpfo: orders.bpfo * shaftHz, bpfi: orders.bpfi * shaftHz, bsf: orders.bsf * shaftHz, ftf: orders.ftf * shaftHz };
  let band = clipBand(cfg.envelopeBandHz, rateHz);
  let sk = 0; // set below by the band search, or from the envelope without one
  let searched: Float64Array | undefined; // the chosen band's envelope as the search (or the kept band's check) computed it
  if (cfg.autoBand) {
    const key = `${w.machine}/${vib.name}`;
    const kept = cfg.bandSearchEvery > 1 ? bands?.get(key) : undefined;
    // The kept band's envelope (basebandConj's scratch) serves its SK and, if kept, its envelope below.
    const current = kept !== undefined && kept.age < cfg.bandSearchEvery && kept.rateHz === rateHz && kept.n === n;
    const keptZ = current ? basebandConj(full, rateHz, kept.bandHz) : undefined;
    const keptSk = !current ? NaN : keptZ ? conjKurtosis(keptZ) : 0;
    // Kept while neither its own spectral kurtosis nor the block's kurtosis moved by more than the
    // switch margin in standard errors (the kurtosis of n Gaussian samples has SE √(24/n), Fisher):
    // new impacts in another band raise the block's kurtosis even when the kept band stays quiet.
    const kurtosisMoved = kept ? Math.abs(m.kurtosis - kept.kurtosis) / Math.sqrt(24 / n) > SWITCH_MARGIN_Z : true;
    if (kept && !kurtosisMoved && Number.isFinite(keptSk) && Math.abs(skZ(keptSk, n, rateHz, kept.bandHz) - skZ(kept.sk, n, rateHz, kept.bandHz)) <= SWITCH_MARGIN_Z) {
      kept.age++;
      band = kept.bandHz;
      sk = keptSk;
      searched = keptZ;
    } else {
      const minWidthHz = 3 * Math.max(defectHz.bpfo, defectHz.bpfi); // room for the defect line and its sidebands
      const picked = mostImpulsiveBand(full, n, rateHz, candidateBands(rateHz, band, 10 * shaftHz, minWidthHz));
      band = picked.bandHz;
      sk = picked.sk;
      searched = picked.baseband;
      if (cfg.bandSearchEvery > 1) bands?.set(key, { bandHz: band, sk, kurtosis: m.kurtosis, age: 1, rateHz, n });
    }
  }
  const limitHz = Math.max(band[1] - band[0], 4 * binHz); // an envelope holds no frequencies above the band's width
  const limitBin = Math.max(0, Math.min(nfft / 2, Math.ceil(limitHz / binHz)));
  // Only the bins read below: up to the limit and the defect searches.
  const topDefectHz = Math.max(defectHz.bpfo, defectHz.bpfi, defectHz.bsf, defectHz.ftf) * (1 + cfg.defectTolerance);
  const maxBin = Math.max(limitBin + 1, Math.ceil(topDefectHz / binHz) + 1);
  // The envelope at the lowest rate that holds those bins (same bin spacing, fewer samples).
  const { envelope, rateHz: envelopeRateHz } = reducedBandEnvelope(full, n, rateHz, band, maxBin, searched);
  if (!cfg.autoBand) sk = envelopeKurtosis(envelope);
  const env = envelopeAmplitudes(envelope, envelopeRateHz, maxBin);
  const ref = median(env.amplitudes.subarray(1, limitBin + 1));
  const ratio = (fHz: number) => {
    const [lo, hi] = binRange(env, fHz * (1 - cfg.defectTolerance), fHz * (1 + cfg.defectTolerance));
    let a = 0;
    for (let k = Math.max(1, lo); k <= hi; k++) a = Math.max(a, env.amplitudes[k]!);
    return ref > 0 ? a / ref : 0;
  };
  const envelopeDefectRatios = { bpfo: ratio(defectHz.bpfo), bpfi: ratio(defectHz.bpfi), bsf: ratio(defectHz.bsf), ftf: ratio(defectHz.ftf) };
  features['env.bpfoRatio'] = envelopeDefectRatios.bpfo;
  features['env.bpfiRatio'] = envelopeDefectRatios.bpfi;
  features['env.bsfRatio'] = envelopeDefectRatios.bsf;
  features['env.ftfRatio'] = envelopeDefectRatios.ftf;
  features['env.sk'] = sk;

  for (const c of w.channels) {
    if (c === vib || waveformNames.has(c.name)) continue;
    features[`scalar.${c.name}`] = mean(c.values);
  }

  const bad = Object.entries(features).find(([, v]) => !Number.isFinite(v));
  if (bad) return fail(`feature ${bad[0]} is not finite (samples out of range?)`);
  return ok({
    features,
    evidence: {
      features: { ...features, 'env.bandLoHz': band[0], 'env.bandHiHz': band[1] },
      shaftHz,
      defectOrders: orders,
      envelopeDefectRatios,
      orderAmplitudes,
      topEnvelopePeaks: topPeaks(env, limitBin, shaftHz),
    },
  });
}

/** The largest local maxima of the envelope spectrum up to `limitBin`, with their shaft orders (ties: lower frequency first). */
function topPeaks(env: Spectrum, limitBin: number, shaftHz: number): Evidence['topEnvelopePeaks'] {
  const peaks: Evidence['topEnvelopePeaks'] = [];
  const a = env.amplitudes;
  for (let k = 2; k < Math.min(limitBin, a.length - 1); k++) {
    const v = a[k]!;
    if (v > a[k - 1]! && v >= a[k + 1]! && v > 0) {
      // Keep only the TOP_PEAKS largest, in order: an insertion instead of sorting every maximum.
      if (peaks.length === TOP_PEAKS && v <= peaks[TOP_PEAKS - 1]!.amplitude) continue;
      let at = peaks.length;
      while (at > 0 && peaks[at - 1]!.amplitude < v) at--;
      const freqHz = k * env.binHz;
      peaks.splice(at, 0, { freqHz, order: freqHz / shaftHz, amplitude: v });
      if (peaks.length > TOP_PEAKS) peaks.pop();
    }
  }
  return peaks;
}
