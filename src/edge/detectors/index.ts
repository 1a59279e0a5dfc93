// Streaming anomaly detectors behind one contract (learnOne / scoreOne), with a numeric fast path
// over a channel layout (learnVector / scoreVector).
export { isVectorDetector, type Detector, type VectorDetector, type StreamingStat } from './detector.ts';
export { ChannelLayout, isAbsent } from './channel-layout.ts';
export { RollingMedianMad, type MedianMad } from './rolling-median.ts';
export { StreamingMedianMad } from './streaming-median.ts';
export { createRobustBaseline, RobustBaselineConfig, MAD_TO_SIGMA, DB_SIGMA_FLOOR, isDbFeature, type RobustBaseline } from './robust-baseline.ts';
export { createChannelBaseline } from './channel-baseline.ts';
export { createThresholdFilter, ThresholdFilterConfig, type ThresholdFilter } from './threshold-filter.ts';
export { RobustStandardizer, ChannelStandardizer, DEFAULT_FLOORS, type SigmaFloors } from './robust-standardizer.ts';
export { createCusum, CusumConfig, type Cusum } from './cusum.ts';
export { createHalfSpaceTrees, HalfSpaceTreesConfig, type HalfSpaceTrees } from './half-space-trees.ts';
export { createPcaMonitor, PcaMonitorConfig, type PcaMonitor, type PcaStatistics } from './pca-monitor.ts';
export { createEnsemble, EnsembleConfig, toUnitScore, Z_99, type Ensemble, type EnsembleMember } from './ensemble.ts';
export { symmetricEigen } from './symmetric-eigen.ts';
export { mulberry32 } from './prng.ts';
