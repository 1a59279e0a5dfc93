// Features of telemetry windows: spectra, envelope analysis, time-domain indicators.
export { computeFeatures, createFeatureExtractor, FeatureConfig, type WindowFeatures } from './window-features.ts';
export { amplitudeSpectrum, envelopeSpectrum, bandRms, bandAmplitude, realFft, hann, nextPow2, clipBand, type Spectrum } from './spectrum.ts';
export { moments, type Moments } from './moments.ts';
export { mostImpulsiveBand, candidateBands, envelopeKurtosis, type ScoredBand } from './impulsive-band.ts';
