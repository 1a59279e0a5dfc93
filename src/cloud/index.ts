// The cloud: diagnosis rules, fleet comparison and case library, remaining life, costed
// maintenance decisions, the intake service and its tables.
export * from './diagnosis/index.ts';
export * from './decision.ts';
export * from './economics.ts';
export * from './fleet/index.ts';
export * from './models/index.ts';
export * from './rul/index.ts';
export { cloudMigrations, CLOUD_MIGRATIONS_TABLE } from './migrations.ts';
export { createDiagnosisService, DiagnosisServiceOptions, CLOUD_COUNTERS, type DiagnosisService, type DiagnosisServiceConfig } from './intake.ts';
export { FleetView } from './fleet-view.ts';
export { isPermanentRefusal, refusalOf, TRANSIENT_CLIENT_STATUSES } from './enterprise-refusal.ts';
export { healthyEvidence, outerRaceEvidence, misalignmentEvidence, sampleEscalation } from './fixtures.ts';
