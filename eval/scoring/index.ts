// Scoring of a pipeline run against ground truth (issue 10).
export * from './detection.ts';
export * from './diagnosis.ts';
export * from './business.ts';
export * from './latency.ts';
export * from './rul.ts';
