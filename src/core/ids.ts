// Identifiers. Escalation ids are stable (derived from site, machine and the alarm's event time),
// so a resent or duplicated escalation is recognised by the cloud's unique key.
import { randomUUID } from 'node:crypto';

/** Stable id of one incident at one machine. */
export function incidentId(site: string, machine: string, openedAtMs: number): string {
  return `${site}.${machine}.${openedAtMs}`;
}

/** A random id with a readable prefix, for rows that have no natural key. */
export function newId(prefix: string): string {
  return `${prefix}-${randomUUID()}`;
}
