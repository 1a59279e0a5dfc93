export * from './telemetry.ts';
export * from './edge.ts';
export * from './cloud.ts';
export * from './fleet.ts';
export * from './truth.ts';
export * from './enterprise.ts';
export * from './model-release.ts';
export * from './fleet-prior.ts';
