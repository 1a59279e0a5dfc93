// Data quality: sensor faults told apart from machine faults.
export { createQualityChecker, QualityConfig, type QualityChecker, type QualityContext, type QualityReport, type QualityTransition } from './checker.ts';
export { findSpikes, repairSpikes, isFrozen, longestConstantRun } from './waveform-checks.ts';
