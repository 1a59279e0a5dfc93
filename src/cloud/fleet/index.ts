// Fleet comparison across sites, the library of confirmed cases, and an incident's analysis with them.
export * from './fleet-compare.ts';
export * from './fleet-diagnosis.ts';
export * from './fleet-store.ts';
export * from './incident-analysis.ts';
