// Diagnosis: the rule set that names a fault from an escalation's evidence.
export * from './rules.ts';
