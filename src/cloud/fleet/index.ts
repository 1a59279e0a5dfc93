// Fleet comparison across sites, the library of confirmed cases, and an incident's analysis with them.
export * from './fleet-compare.ts';
export * from './fleet-diagnosis.ts';
export * from './fleet-store.ts';
export * from './incident-analysis.ts';
export { HealthyFeed, HealthyFeedConfig, type HealthyObservation, type StatusSource } from './healthy-feed.ts';
export { createFleetPriorPublisher, FleetPriorConfig, materiallyChanged, medianMad, type FleetPriorOptions, type FleetPriorPublisher } from './fleet-prior.ts';
