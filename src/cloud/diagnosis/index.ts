// Diagnosis: the rule set that names a fault from an escalation's evidence.
export * from './rules.ts';
export * from './vibration-verdict.ts';
export * from './pattern-rules.ts';
export * from './process-rules.ts';
export * from './trend-rules.ts';
export * from './drive-rules.ts';
export * from './bearing-rules.ts';
