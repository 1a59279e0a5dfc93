// The SQL of evidence updates (migration 8): one row per update id with the remaining life refitted
// on it, so a redelivered update finds its row and is answered without a second refit, and an
// incident's RUL history reads back after a restart.
import { MaintenanceRequest, type RulHistoryPoint, type SqlExecutor } from '../core/index.ts';

const json = (v: unknown): unknown => (typeof v === 'string' ? JSON.parse(v) : v);

/** Where an incident stands for an update: never seen, received but not decided, decided, or repaired (closed). */
export type UpdateTarget =
  | { state: 'unknown' }
  | { state: 'undecided'; site: string }
  | { state: 'closed' }
  | { state: 'decided'; site: string; request: MaintenanceRequest | null };

/**
 * The incident an update names. Closed: a repair confirmed its fault (case_library), so the
 * machine's health was reset and evidence from before the repair no longer says anything new.
 */
export async function updateTarget(db: SqlExecutor, incidentId: string): Promise<UpdateTarget> {
  const { rows } = await db.query<{ site: string; decided: boolean; closed: boolean; request: unknown }>(
    `SELECT e.site, dec.escalation_id IS NOT NULL AS decided, c.incident_id IS NOT NULL AS closed, dec.request
     FROM escalations e
     LEFT JOIN decisions dec ON dec.escalation_id = e.id
     LEFT JOIN case_library c ON c.incident_id = e.id
     WHERE e.id = $1`,
    [incidentId],
  );
  const r = rows[0];
  if (!r) return { state: 'unknown' };
  if (r.closed) return { state: 'closed' };
  if (!r.decided) return { state: 'undecided', site: r.site };
  const req = r.request == null ? null : MaintenanceRequest.safeParse(json(r.request));
  return { state: 'decided', site: r.site, request: req?.success ? req.data : null };
}

/** One stored update: its incident and its point of the RUL history. */
export interface StoredRulUpdate {
  incidentId: string;
  point: RulHistoryPoint;
  receivedAtMs: number;
}

interface Row {
  id: string;
  incident_id: string;
  at_ms: number;
  received_at_ms: number;
  rul: unknown;
  economics: unknown;
  more_urgent: boolean;
  note: string | null;
}

const COLUMNS = 'id, incident_id, at_ms, received_at_ms, rul, economics, more_urgent, note';

function toStored(r: Row): StoredRulUpdate {
  const rul = r.rul == null ? null : (json(r.rul) as { healthIndicator?: number; failureAtMs?: { p10: number; p50: number; p90: number } });
  const econ = r.economics == null ? null : (json(r.economics) as { chosen?: { option?: string } });
  return {
    incidentId: r.incident_id,
    receivedAtMs: Number(r.received_at_ms),
    point: {
      updateId: r.id,
      asOfMs: Number(r.at_ms),
      failureAtMs: rul?.failureAtMs ?? null,
      healthIndicator: rul?.healthIndicator ?? null,
      option: econ?.chosen?.option ?? null,
      moreUrgent: r.more_urgent === true,
      ...(r.note ? { note: r.note } : {}),
    },
  };
}

/** A stored update by its id, or null. */
export async function findRulUpdate(db: SqlExecutor, id: string): Promise<StoredRulUpdate | null> {
  const { rows } = await db.query<Row>(`SELECT ${COLUMNS} FROM incident_rul_updates WHERE id = $1`, [id]);
  return rows[0] ? toStored(rows[0]) : null;
}

/** Stores an update's outcome once (the first commit wins); true when this call inserted it. */
export async function recordRulUpdate(
  db: SqlExecutor,
  u: { id: string; incidentId: string; atMs: number; receivedAtMs: number; rul: unknown; economics: unknown; moreUrgent: boolean; note?: string },
): Promise<boolean> {
  const { rows } = await db.query(
    `INSERT INTO incident_rul_updates (id, incident_id, at_ms, received_at_ms, rul, economics, more_urgent, note)
     VALUES ($1, $2, $3, $4, $5::text::jsonb, $6::text::jsonb, $7, $8)
     ON CONFLICT (id) DO NOTHING RETURNING id`,
    [u.id, u.incidentId, u.atMs, u.receivedAtMs, u.rul == null ? null : JSON.stringify(u.rul), u.economics == null ? null : JSON.stringify(u.economics), u.moreUrgent, u.note?.slice(0, 500) ?? null],
  );
  return rows.length === 1;
}

/** The updates of some incidents, oldest first per incident (for the dashboard after a restart). */
export async function rulHistories(db: SqlExecutor, incidentIds: string[]): Promise<Map<string, RulHistoryPoint[]>> {
  const out = new Map<string, RulHistoryPoint[]>();
  if (incidentIds.length === 0) return out;
  const { rows } = await db.query<Row>(`SELECT ${COLUMNS} FROM incident_rul_updates WHERE incident_id = ANY($1::text[]) ORDER BY incident_id, at_ms`, [incidentIds]);
  for (const r of rows) {
    const s = toStored(r);
    const list = out.get(s.incidentId) ?? [];
    list.push(s.point);
    out.set(s.incidentId, list);
  }
  return out;
}
