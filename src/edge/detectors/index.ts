// Streaming anomaly detectors behind one contract (learnOne / scoreOne).
export type { Detector, StreamingStat } from './detector.ts';
export { RollingMedianMad, type MedianMad } from './rolling-median.ts';
export { createRobustBaseline, RobustBaselineConfig, MAD_TO_SIGMA, type RobustBaseline } from './robust-baseline.ts';
export { createThresholdFilter, ThresholdFilterConfig, type ThresholdFilter } from './threshold-filter.ts';
