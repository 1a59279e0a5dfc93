// Remaining useful life: health indicator, Bayesian exponential degradation model, summaries.
export * from './health-indicator.ts';
export * from './degradation.ts';
export * from './rul.ts';
export * from './trend-rate.ts';
export * from './own-trend.ts';
export * from './onset-fit.ts';
export * from './onset-prior.ts';
