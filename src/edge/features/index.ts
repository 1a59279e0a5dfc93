// Features of telemetry windows: spectra, envelope analysis, time-domain indicators.
export { computeFeatures, createFeatureExtractor, FeatureConfig, type WindowFeatures } from './window-features.ts';
export { amplitudeSpectrum, envelopeSpectrum, bandRms, bandAmplitude, realFft, hann, nextPow2, clipBand, basebandKurtosis, type Spectrum } from './spectrum.ts';
export { fastMedian, selectInPlace } from './quickselect.ts';
export { moments, type Moments } from './moments.ts';
export { mostImpulsiveBand, candidateBands, envelopeKurtosis, type ScoredBand } from './impulsive-band.ts';
export { recordingEvidence, segmentLength, MIN_RECORDING_SAMPLES, type RecordingOptions, type RecordingEvidence } from './recording-evidence.ts';
export { envelopeDiagnostics, averagedSes, segmentSes, readFamily, combScore, type EnvelopeInput } from './envelope-diagnostics.ts';
export { shaftDiagnostics } from './shaft-diagnostics.ts';
export { kurtogramBands, rankBands, distinctTopBands, centralKurtosis, medianOf, type KurtogramBand } from './kurtogram.ts';
export { localFloor, lineLevel, ratioDb, LEVEL_DB_RANGE, type LineLevel } from './line-levels.ts';
export { currentSignature, syncRpm, type CurrentSignature } from './current-signature.ts';
export { gearMesh, type GearMesh } from './gear-mesh.ts';
export { createScalarTrends, type ScalarTrends } from './scalar-trends.ts';
export { transferIndicators, type TransferIndicators } from './transfer.ts';
export { scalarOnlyFeatures } from './scalar-only.ts';
