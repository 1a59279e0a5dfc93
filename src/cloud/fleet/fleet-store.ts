// The fleet's SQL: healthy baselines per machine, the library of confirmed cases, and each
// incident's health-indicator readings and newest remaining-life estimate (tables: migrations.ts v2).
// Every write is keyed (machine+feature, incident, incident+time), so redeliveries change nothing.
import { FaultType, type Escalation, type MachineType, type SqlExecutor } from '../../core/index.ts';
import type { HiPoint } from '../rul/degradation.ts';
import type { FleetBaselineRow, LibraryCase } from './fleet-compare.ts';

const json = (v: unknown): unknown => (typeof v === 'string' ? JSON.parse(v) : v);

/** Stores the machine's healthy baseline from an escalation; an older baseline never overwrites a newer one. */
export async function recordBaseline(db: SqlExecutor, esc: Escalation): Promise<void> {
  const entries = Object.entries(esc.evidence.baseline).filter(([, b]) => Number.isFinite(b.median) && Number.isFinite(b.mad));
  if (entries.length === 0) return;
  // One statement for all features: unnest of parallel arrays keeps it a single round trip.
  await db.query(
    `INSERT INTO fleet_baselines (site, line, machine, machine_type, feature, median, mad, updated_at_ms)
     SELECT $1, $2, $3, $4, f, m, d, $8 FROM unnest($5::text[], $6::double precision[], $7::double precision[]) AS t(f, m, d)
     ON CONFLICT (site, line, machine, feature) DO UPDATE
       SET median = EXCLUDED.median, mad = EXCLUDED.mad, updated_at_ms = EXCLUDED.updated_at_ms, machine_type = EXCLUDED.machine_type
       WHERE fleet_baselines.updated_at_ms <= EXCLUDED.updated_at_ms`,
    [esc.site, esc.line, esc.machine, esc.machineType, entries.map(([k]) => k), entries.map(([, b]) => b.median), entries.map(([, b]) => b.mad), esc.openedAt],
  );
}

/** Every machine's healthy baselines for a machine type, all sites. */
export async function fleetBaselines(db: SqlExecutor, machineType: MachineType): Promise<FleetBaselineRow[]> {
  const { rows } = await db.query<FleetBaselineRow>(`SELECT site, line, machine, feature, median, mad FROM fleet_baselines WHERE machine_type = $1`, [machineType]);
  return rows.map((r) => ({ ...r, median: Number(r.median), mad: Number(r.mad) }));
}

/** A confirmed case with its HI history (days since its first reading). */
export interface StoredCase extends LibraryCase {
  hiHistory: HiPoint[];
}

/** The confirmed cases of a machine type. */
export async function libraryCases(db: SqlExecutor, machineType: MachineType): Promise<StoredCase[]> {
  const { rows } = await db.query<{ incident_id: string; site: string; machine: string; fault_type: string; vector: unknown; hi_history: unknown }>(
    `SELECT incident_id, site, machine, fault_type, vector, hi_history FROM case_library WHERE machine_type = $1 ORDER BY confirmed_at_ms`,
    [machineType],
  );
  const out: StoredCase[] = [];
  for (const r of rows) {
    const ft = FaultType.safeParse(r.fault_type);
    if (!ft.success) continue;
    out.push({
      incidentId: r.incident_id,
      site: r.site,
      machine: r.machine,
      faultType: ft.data,
      vector: json(r.vector) as Record<string, number>,
      hiHistory: json(r.hi_history) as HiPoint[],
    });
  }
  return out;
}

/** Adds (or relabels) a confirmed case. */
export async function upsertCase(
  db: SqlExecutor,
  c: { incidentId: string; machineType: MachineType; site: string; machine: string; faultType: FaultType; vector: Record<string, number>; hiHistory: HiPoint[]; confirmedAtMs: number },
): Promise<void> {
  await db.query(
    `INSERT INTO case_library (incident_id, machine_type, site, machine, fault_type, vector, hi_history, confirmed_at_ms)
     VALUES ($1, $2, $3, $4, $5, $6::text::jsonb, $7::text::jsonb, $8)
     ON CONFLICT (incident_id) DO UPDATE SET fault_type = EXCLUDED.fault_type, vector = EXCLUDED.vector, hi_history = EXCLUDED.hi_history, confirmed_at_ms = EXCLUDED.confirmed_at_ms`,
    [c.incidentId, c.machineType, c.site, c.machine, c.faultType, JSON.stringify(c.vector), JSON.stringify(c.hiHistory), c.confirmedAtMs],
  );
}

/** Records one HI reading of an incident (idempotent per event time). */
export async function recordHealth(db: SqlExecutor, incidentId: string, atMs: number, hi: number, sd: number): Promise<void> {
  await db.query(`INSERT INTO incident_health (incident_id, at_ms, hi, sd) VALUES ($1, $2, $3, $4) ON CONFLICT (incident_id, at_ms) DO NOTHING`, [incidentId, atMs, hi, sd]);
}

/** Records several HI readings of an incident in one statement (idempotent per event time, like recordHealth). */
export async function recordHealthMany(db: SqlExecutor, incidentId: string, readings: { atMs: number; hi: number; sd: number }[]): Promise<void> {
  const ok = readings.filter((r) => Number.isFinite(r.hi) && Number.isFinite(r.sd) && Number.isInteger(r.atMs));
  if (ok.length === 0) return;
  await db.query(
    `INSERT INTO incident_health (incident_id, at_ms, hi, sd)
     SELECT $1, a, h, s FROM unnest($2::bigint[], $3::double precision[], $4::double precision[]) AS t(a, h, s)
     ON CONFLICT (incident_id, at_ms) DO NOTHING`,
    [incidentId, ok.map((r) => r.atMs), ok.map((r) => r.hi), ok.map((r) => r.sd)],
  );
}

/** An incident's HI readings, oldest first. */
export async function healthReadings(db: SqlExecutor, incidentId: string): Promise<{ atMs: number; hi: number; sd: number }[]> {
  const { rows } = await db.query<{ at_ms: number; hi: number; sd: number }>(`SELECT at_ms, hi, sd FROM incident_health WHERE incident_id = $1 ORDER BY at_ms`, [incidentId]);
  return rows.map((r) => ({ atMs: Number(r.at_ms), hi: Number(r.hi), sd: Number(r.sd) }));
}

/** Stores an incident's RUL estimate unless a newer one (by event time) is already there. */
export async function storeRul(db: SqlExecutor, incidentId: string, asOfMs: number, rul: unknown): Promise<void> {
  await db.query(
    `INSERT INTO incident_rul (incident_id, as_of_ms, rul) VALUES ($1, $2, $3::text::jsonb)
     ON CONFLICT (incident_id) DO UPDATE SET as_of_ms = EXCLUDED.as_of_ms, rul = EXCLUDED.rul WHERE incident_rul.as_of_ms <= EXCLUDED.as_of_ms`,
    [incidentId, asOfMs, JSON.stringify(rul)],
  );
}

/** An incident's newest stored RUL estimate, or null. */
export async function latestRul(db: SqlExecutor, incidentId: string): Promise<unknown> {
  const { rows } = await db.query<{ rul: unknown }>(`SELECT rul FROM incident_rul WHERE incident_id = $1`, [incidentId]);
  return rows[0] ? json(rows[0].rul) : null;
}

/** The stored escalation and diagnosed fault of an incident, for confirmation and RUL updates. */
export async function incidentRecord(db: SqlExecutor, incidentId: string): Promise<{ payload: unknown; faultType: string | null; details: unknown } | null> {
  const { rows } = await db.query<{ payload: unknown; fault_type: string | null; details: unknown }>(
    `SELECT e.payload, d.fault_type, d.details FROM escalations e LEFT JOIN diagnoses d ON d.escalation_id = e.id WHERE e.id = $1`,
    [incidentId],
  );
  const r = rows[0];
  return r ? { payload: json(r.payload), faultType: r.fault_type, details: r.details == null ? null : json(r.details) } : null;
}
