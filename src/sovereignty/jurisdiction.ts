// Residency: every sealed envelope and stored record carries the jurisdiction it belongs to, and a
// worker configured for one jurisdiction refuses data tagged for another (GDPR ch. V transfers;
// national rules such as Germany's for plant data stay expressible by tagging DE instead of EU).
import { z } from 'zod';
import { accept, refuse, type Outcome } from './outcome.ts';

/** The 27 EU member states (ISO 3166-1 alpha-2; Greece is GR here, not the EU's own "EL"). */
export const EU_MEMBER_STATES: readonly string[] = [
  'AT', 'BE', 'BG', 'HR', 'CY', 'CZ', 'DK', 'EE', 'FI', 'FR', 'DE', 'GR', 'HU', 'IE', 'IT', 'LV', 'LT', 'LU', 'MT', 'NL', 'PL', 'PT', 'RO', 'SK', 'SI', 'ES', 'SE',
];

/** A jurisdiction: "EU" or an ISO 3166-1 alpha-2 country code (DE, FR, US, ...). */
export const Jurisdiction = z
  .string()
  .regex(/^(EU|[A-Z]{2})$/, 'must be "EU" or an ISO 3166-1 alpha-2 country code such as DE')
  .describe('where data may reside and be processed');
export type Jurisdiction = z.infer<typeof Jurisdiction>;

/** True when `inner` lies within `outer`: equal, or a member state within "EU". */
export function withinJurisdiction(inner: string, outer: string): boolean {
  return inner === outer || (outer === 'EU' && EU_MEMBER_STATES.includes(inner));
}

/**
 * Refuses a record tagged for another jurisdiction: a worker may handle a record only when the
 * worker's jurisdiction lies within the record's (a DE worker may handle EU data; an EU-wide
 * worker may not handle data that must stay in DE; nobody handles untagged data).
 */
export function assertResidency<T extends { jurisdiction?: unknown }>(workerJurisdiction: string, record: T): Outcome<T> {
  const tag = record.jurisdiction;
  if (typeof tag !== 'string' || !Jurisdiction.safeParse(tag).success) {
    return refuse('residency', `record carries no valid jurisdiction tag (got ${JSON.stringify(tag ?? null)}); a ${workerJurisdiction} worker refuses untagged data`);
  }
  if (!withinJurisdiction(workerJurisdiction, tag)) {
    return refuse('residency', `record is tagged for ${tag}; this worker runs in ${workerJurisdiction}, outside it, and refuses it`);
  }
  return accept(record);
}
