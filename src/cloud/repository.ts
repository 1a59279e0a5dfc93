// The cloud's SQL: escalations stored under their stable id, a lease so one worker decides each
// incident, and diagnosis + decision committed together. Tables: see migrations.ts.
import {
  Diagnosis,
  Escalation,
  MaintenanceOutcome,
  MaintenanceRefusal,
  MaintenanceRequest,
  type Incident,
  type SqlExecutor,
  type SqlStore,
} from '../core/index.ts';

/** What is already decided for an incident: what the enterprise created, or its refusal. */
export interface StoredDecision {
  diagnosis: Diagnosis | null;
  request: MaintenanceRequest;
  outcome: MaintenanceOutcome | null;
  /** Set when the enterprise refused the request for good (outcome is then null). */
  refusal: MaintenanceRefusal | null;
  decidedAtMs: number;
}

/**
 * Stores an escalation once (first receipt wins) and counts every copy; returns the copy count.
 * `jurisdiction` is the residency tag the escalation arrived with (its sealed envelope's), null for plain ones.
 */
export async function recordEscalation(
  db: SqlExecutor,
  esc: Escalation,
  nowMs: number,
  jurisdiction: string | null = null,
  sealed: unknown = null,
): Promise<{ deliveryCount: number; receivedAtMs: number }> {
  // Sealed: the envelope as it arrived holds the evidence; in clear only the header (migrations v5).
  const payload = sealed == null ? esc : escalationHeader(esc);
  const { rows } = await db.query<{ delivery_count: number; received_at_ms: number }>(
    `INSERT INTO escalations (id, site, machine, received_at_ms, payload, delivery_count, jurisdiction, sealed)
     VALUES ($1, $2, $3, $4, $5::text::jsonb, 1, $6, $7::text::jsonb)
     ON CONFLICT (id) DO UPDATE SET delivery_count = escalations.delivery_count + 1
     RETURNING delivery_count, received_at_ms`,
    [esc.id, esc.site, esc.machine, nowMs, JSON.stringify(payload), jurisdiction, sealed == null ? null : JSON.stringify(sealed)],
  );
  const r = rows[0];
  return { deliveryCount: Number(r?.delivery_count ?? 1), receivedAtMs: Number(r?.received_at_ms ?? nowMs) };
}

/** An escalation without its evidence: what the cloud keeps in clear of a sealed one. */
export type EscalationHeader = Omit<Escalation, 'evidence'>;

/** The header of an escalation (ids, times, severity, score); the evidence stays sealed. */
export function escalationHeader(esc: Escalation): EscalationHeader {
  const { evidence: _sealed, ...header } = esc;
  return header;
}

/** An escalation as stored: the whole of it (unsealed), or its header and its envelope (sealed). */
export interface StoredEscalation {
  id: string;
  site: string;
  /** The whole escalation (sealed = null) or its header. */
  payload: unknown;
  /** The envelope as it arrived, or null for an escalation received unsealed. */
  sealed: unknown;
}

/** The stored escalation of an incident, or null. */
export async function findEscalation(db: SqlExecutor, id: string): Promise<StoredEscalation | null> {
  const { rows } = await db.query<{ id: string; site: string; payload: unknown; sealed: unknown }>(`SELECT id, site, payload, sealed FROM escalations WHERE id = $1`, [id]);
  const r = rows[0];
  return r ? { id: r.id, site: r.site, payload: json(r.payload), sealed: r.sealed == null ? null : json(r.sealed) } : null;
}

interface DecisionRow {
  request: unknown;
  outcome: unknown;
  refusal: unknown;
  decided_at_ms: number;
  diagnosis: unknown;
  fault_type: string | null;
  component: string | null;
  confidence: number | null;
  explanation: string | null;
}

const DECISION_COLUMNS = `dec.request, dec.outcome, dec.refusal, dec.decided_at_ms, d.diagnosis, d.fault_type, d.component, d.confidence, d.explanation`;

/** jsonb arrives parsed from both drivers; tolerate a text value too. */
const json = (v: unknown): unknown => (typeof v === 'string' ? JSON.parse(v) : v);

/**
 * The diagnosis as committed (diagnoses.diagnosis, migration 7: RUL and similar cases included);
 * for a row written before it (and not rebuilt there) the columns, which carry no RUL.
 */
function toDiagnosis(id: string, r: Pick<DecisionRow, 'diagnosis' | 'fault_type' | 'component' | 'confidence' | 'explanation'>): Diagnosis | null {
  const whole = r.diagnosis == null ? null : Diagnosis.safeParse(json(r.diagnosis));
  if (whole?.success && whole.data.escalationId === id) return whole.data;
  if (r.fault_type == null) return null;
  const cols = Diagnosis.safeParse({ v: 1, escalationId: id, faultType: r.fault_type, component: r.component, confidence: Number(r.confidence), explanation: r.explanation });
  return cols.success ? cols.data : null;
}

function toDecision(id: string, r: DecisionRow): StoredDecision | null {
  const request = MaintenanceRequest.safeParse(json(r.request));
  if (!request.success) return null;
  const outcome = r.outcome == null ? null : MaintenanceOutcome.safeParse(json(r.outcome));
  const refusal = r.refusal == null ? null : MaintenanceRefusal.safeParse(json(r.refusal));
  return {
    request: request.data,
    outcome: outcome?.success ? outcome.data : null,
    refusal: refusal?.success ? refusal.data : null,
    diagnosis: toDiagnosis(id, r),
    decidedAtMs: Number(r.decided_at_ms),
  };
}

/** The committed decision for an incident, or null when none is. */
export async function findDecision(db: SqlExecutor, id: string): Promise<StoredDecision | null> {
  const { rows } = await db.query<DecisionRow>(
    `SELECT ${DECISION_COLUMNS} FROM decisions dec LEFT JOIN diagnoses d ON d.escalation_id = dec.escalation_id WHERE dec.escalation_id = $1`,
    [id],
  );
  return rows[0] ? toDecision(id, rows[0]) : null;
}

/**
 * Takes the lease on deciding an incident: true when this worker may call the enterprise. False
 * when another worker holds an unexpired lease or a decision is already committed. The lease uses
 * the database's clock, so workers on different hosts agree on when it expires.
 */
export async function claimIncident(db: SqlExecutor, id: string, workerId: string, leaseMs: number): Promise<boolean> {
  const { rows } = await db.query(
    `UPDATE escalations SET claimed_by = $2, claimed_until = now() + $3::double precision * interval '1 millisecond'
     WHERE id = $1
       AND (claimed_until IS NULL OR claimed_until < now() OR claimed_by = $2)
       AND NOT EXISTS (SELECT 1 FROM decisions WHERE escalation_id = $1)
     RETURNING id`,
    [id, workerId, leaseMs],
  );
  return rows.length === 1;
}

/** What a worker is about to send the enterprise for an incident (see pinPending). */
export interface PendingDecision {
  diagnosis: Diagnosis;
  request: MaintenanceRequest;
  details: unknown;
}

/**
 * Pins the first attempt's diagnosis and request for an incident and returns the pinned one: the
 * one given, or an earlier attempt's (which then wins, so every enterprise call for an incident
 * carries one body under its Idempotency-Key). An unreadable earlier pin is replaced.
 */
export async function pinPending(db: SqlExecutor, id: string, mine: PendingDecision): Promise<PendingDecision> {
  const { rows } = await db.query<{ pending: unknown }>(
    `UPDATE escalations SET pending = COALESCE(pending, $2::text::jsonb) WHERE id = $1 RETURNING pending`,
    [id, JSON.stringify(mine)],
  );
  const p = json(rows[0]?.pending) as { diagnosis?: unknown; request?: unknown; details?: unknown } | null | undefined;
  const diagnosis = Diagnosis.safeParse(p?.diagnosis);
  const request = MaintenanceRequest.safeParse(p?.request);
  if (diagnosis.success && request.success && request.data.incidentId === id) return { diagnosis: diagnosis.data, request: request.data, details: p?.details ?? null };
  if (rows.length === 1) await db.query(`UPDATE escalations SET pending = $2::text::jsonb WHERE id = $1`, [id, JSON.stringify(mine)]);
  return mine;
}

/** Milliseconds until the incident's lease runs out by the database's clock (0 when none is held). */
export async function leaseLeftMs(db: SqlExecutor, id: string): Promise<number> {
  const { rows } = await db.query<{ ms: number | null }>(
    `SELECT GREATEST(0, EXTRACT(EPOCH FROM (claimed_until - now())) * 1000)::double precision AS ms FROM escalations WHERE id = $1`,
    [id],
  );
  return Math.ceil(Number(rows[0]?.ms ?? 0));
}

/** Gives the lease back after a failure, so a redelivery can decide at once. */
export async function releaseIncident(db: SqlExecutor, id: string, workerId: string): Promise<void> {
  await db.query(`UPDATE escalations SET claimed_by = NULL, claimed_until = NULL WHERE id = $1 AND claimed_by = $2`, [id, workerId]);
}

/** True for the enterprise's refusal, false for what it created. */
export const isRefusal = (x: MaintenanceOutcome | MaintenanceRefusal): x is MaintenanceRefusal => 'status' in x && 'reason' in x;

/**
 * Commits diagnosis (with what stands behind it) and decision in one transaction; false when a
 * decision was already there. `answer` is what the enterprise created, or its refusal (then the
 * decision is "refused by ERP", outcome NULL).
 */
export async function commitDecision(
  store: SqlStore,
  diagnosis: Diagnosis,
  request: MaintenanceRequest,
  answer: MaintenanceOutcome | MaintenanceRefusal,
  nowMs: number,
  details: unknown = null,
): Promise<boolean> {
  const refused = isRefusal(answer);
  return store.transaction(async (tx) => {
    await tx.query(
      `INSERT INTO diagnoses (escalation_id, fault_type, component, confidence, explanation, details, diagnosis)
       VALUES ($1, $2, $3, $4, $5, $6::text::jsonb, $7::text::jsonb) ON CONFLICT (escalation_id) DO NOTHING`,
      [
        diagnosis.escalationId, diagnosis.faultType, diagnosis.component, diagnosis.confidence, diagnosis.explanation,
        details == null ? null : JSON.stringify(details), JSON.stringify(diagnosis),
      ],
    );
    const { rows } = await tx.query(
      `INSERT INTO decisions (escalation_id, request, outcome, refusal, decided_at_ms)
       VALUES ($1, $2::text::jsonb, $3::text::jsonb, $4::text::jsonb, $5) ON CONFLICT (escalation_id) DO NOTHING RETURNING escalation_id`,
      [request.incidentId, JSON.stringify(request), refused ? null : JSON.stringify(answer), refused ? JSON.stringify(answer) : null, nowMs],
    );
    await tx.query(`UPDATE escalations SET claimed_by = NULL, claimed_until = NULL WHERE id = $1`, [request.incidentId]);
    return rows.length === 1;
  });
}

/** Reads a stored escalation: the whole of it, or a refusal that the incident carries instead of its evidence. */
export type EscalationReader = (stored: StoredEscalation) => Promise<{ ok: true; escalation: Escalation } | { ok: false; refusal: NonNullable<Incident['evidenceRefusal']>; header: unknown }>;

/** Reads unsealed rows only (no guard): a sealed row cannot be opened without the plant's grant. */
const plainReader: EscalationReader = async (s) =>
  s.sealed == null
    ? (() => {
        const esc = Escalation.safeParse(s.payload);
        return esc.success ? { ok: true as const, escalation: esc.data } : { ok: false as const, refusal: { code: 'invalid', site: s.site, reason: 'stored escalation no longer parses' }, header: s.payload };
      })()
    : { ok: false, refusal: { code: 'no-guard', site: s.site, reason: `the evidence of site ${s.site} is stored sealed and this cloud has no key access configured` }, header: s.payload };

/** No evidence: what an incident shows when its stored evidence cannot be decrypted. */
export const NO_EVIDENCE: Escalation['evidence'] = {
  features: {},
  baseline: {},
  shaftHz: 0,
  envelopeDefectRatios: { bpfo: 0, bpfi: 0, bsf: 0, ftf: 0 },
  orderAmplitudes: { x1: 0, x2: 0, x3: 0 },
  topEnvelopePeaks: [],
};

/** The header of a stored escalation as an escalation with no evidence, or null when it does not parse. */
export function withoutEvidence(header: unknown): Escalation | null {
  const esc = Escalation.safeParse({ ...(header as object), evidence: NO_EVIDENCE });
  return esc.success ? esc.data : null;
}

/**
 * The newest incidents with whatever is decided about them, newest first. Sealed evidence is
 * opened by `read`; an incident whose evidence is refused keeps its header, diagnosis and decision
 * (the cloud's own conclusions) with no evidence and the refusal beside it.
 */
export async function recentIncidents(db: SqlExecutor, limit: number, read: EscalationReader = plainReader): Promise<Incident[]> {
  const { rows } = await db.query<DecisionRow & { id: string; site: string; payload: unknown; sealed: unknown; received_at_ms: number }>(
    `SELECT e.id, e.site, e.payload, e.sealed, e.received_at_ms, ${DECISION_COLUMNS}
     FROM escalations e
     LEFT JOIN decisions dec ON dec.escalation_id = e.id
     LEFT JOIN diagnoses d ON d.escalation_id = e.id
     ORDER BY e.received_at_ms DESC
     LIMIT $1`,
    [limit],
  );
  const out: Incident[] = [];
  for (const r of rows) {
    const opened = await read({ id: r.id, site: r.site, payload: json(r.payload), sealed: r.sealed == null ? null : json(r.sealed) });
    if (!opened.ok && opened.refusal.code === 'invalid') continue;
    const esc = opened.ok ? opened.escalation : withoutEvidence(opened.header);
    if (!esc) continue;
    const dec = r.request == null ? null : toDecision(r.id, r);
    out.push({
      ...(opened.ok ? {} : { evidenceRefusal: opened.refusal }),
      escalation: esc,
      receivedAtMs: Number(r.received_at_ms),
      diagnosis: dec?.diagnosis ?? null,
      request: dec?.request ?? null,
      outcome: dec?.outcome ?? null,
      decidedAtMs: dec?.decidedAtMs ?? null,
      ...(dec?.refusal ? { refusal: dec.refusal } : {}),
    });
  }
  return out;
}

/** What stands behind an incident's diagnosis (fleet, neighbours, RUL, economics), or null. */
export async function findDetails(db: SqlExecutor, id: string): Promise<unknown> {
  const { rows } = await db.query<{ details: unknown }>(`SELECT details FROM diagnoses WHERE escalation_id = $1`, [id]);
  return rows[0]?.details == null ? null : json(rows[0].details);
}
