// End-to-end reconciliation by escalation id: what the edges accepted (their logs, plus any
// escalation the cloud holds, which only an edge outbox can have sent) against the cloud store
// (escalations, diagnoses, decisions) and the ERP (notifications, purchase orders, work orders).
import pg from 'pg';

/** One edge log line saying an incident was raised, with the wall time it was logged. */
export interface Raised { id: string; timeMs: number; instance: string }

/** Incident ids an edge logged as raised (pino JSON on stderr, msg "alarm raised"); reopened ones were escalated when first raised. */
export function raisedFromLog(stderr: string, instance: string): { raised: Raised[]; notStored: Set<string> } {
  const raised: Raised[] = [];
  const notStored = new Set<string>();
  for (const line of stderr.split('\n')) {
    if (!line.startsWith('{')) continue;
    let j: { msg?: string; incidentId?: string; time?: number };
    try { j = JSON.parse(line); } catch { continue; }
    if (!j.incidentId) continue;
    if (j.msg === 'alarm raised') raised.push({ id: j.incidentId, timeMs: j.time ?? 0, instance });
    else if (typeof j.msg === 'string' && j.msg.startsWith('escalation could not be stored')) notStored.add(j.incidentId);
  }
  return { raised, notStored };
}

/** Rows per id in the cloud store and the ERP. */
export interface Ledger {
  escalations: Map<string, number>; // id → delivery_count
  diagnoses: Map<string, number>;
  decisions: Map<string, number>;
  notifications: Map<string, number>;
  purchaseOrders: Map<string, number>;
  workOrders: Map<string, number>;
}

async function countBy(c: pg.Client, sql: string): Promise<Map<string, number>> {
  const r = await c.query<{ id: string; n: string | number }>(sql);
  return new Map(r.rows.map((row) => [row.id, Number(row.n)]));
}

/** Reads the ledger from the database the cloud and the enterprise share. */
export async function readLedger(databaseUrl: string): Promise<Ledger> {
  const c = new pg.Client({ connectionString: databaseUrl });
  await c.connect();
  try {
    return {
      escalations: await countBy(c, 'SELECT id, delivery_count AS n FROM escalations'),
      diagnoses: await countBy(c, 'SELECT escalation_id AS id, count(*) AS n FROM diagnoses GROUP BY 1'),
      decisions: await countBy(c, 'SELECT escalation_id AS id, count(*) AS n FROM decisions GROUP BY 1'),
      notifications: await countBy(c, 'SELECT incident_id AS id, count(*) AS n FROM notifications GROUP BY 1'),
      // Replenishment orders (stock below its reorder point) carry no incident: they are not effects of an escalation.
      purchaseOrders: await countBy(c, 'SELECT incident_id AS id, count(*) AS n FROM purchase_orders WHERE incident_id IS NOT NULL GROUP BY 1'),
      workOrders: await countBy(c, 'SELECT incident_id AS id, count(*) AS n FROM work_orders GROUP BY 1'),
    };
  } finally {
    await c.end();
  }
}

/** The verdict of one run, one row of the printed table. */
export interface Reconciliation {
  fault: string;
  incidents: number;
  accepted: number;
  diagnosed: number;
  lost: string[];
  duplicated: string[];
  /** Raised in the instant before an edge was SIGKILLed, never reached the outbox: not accepted. */
  inFlightAtKill: string[];
  /** ERP rows for incidents no edge accepted. */
  orphans: string[];
  redeliveries: number;
  erp: { notifications: number; purchaseOrders: number; workOrders: number };
}

/**
 * Reconciles. `uncertain` are raised ids whose outbox write may have been cut by a SIGKILL (logged
 * within a moment of the kill): accepted only if the cloud has them. Every other raised id and
 * every id the cloud holds must have exactly one diagnosis and one decision, and at most one
 * notification, purchase order and work order.
 */
export function reconcile(fault: string, raised: Raised[], notStored: Set<string>, uncertain: Set<string>, l: Ledger): Reconciliation {
  const incidents = new Set(raised.map((r) => r.id));
  const accepted = new Set<string>();
  const inFlightAtKill: string[] = [];
  for (const id of incidents) {
    if (notStored.has(id)) continue;
    if (uncertain.has(id) && !l.escalations.has(id)) { inFlightAtKill.push(id); continue; }
    accepted.add(id);
  }
  for (const id of l.escalations.keys()) accepted.add(id);
  const lost = [...accepted].filter((id) => (l.diagnoses.get(id) ?? 0) === 0 || (l.decisions.get(id) ?? 0) === 0);
  const dup = new Set<string>();
  for (const m of [l.diagnoses, l.decisions]) for (const [id, n] of m) if (n > 1) dup.add(id);
  for (const m of [l.notifications, l.purchaseOrders, l.workOrders]) for (const [id, n] of m) if (n > 1) dup.add(id);
  // Emergency orders the MES raises for a breakdown the plant floor reported (incident
  // `breakdown:<event id>`) belong to no escalation; everything else must trace to one.
  const orphans = [...new Set([...l.notifications.keys(), ...l.purchaseOrders.keys(), ...l.workOrders.keys()])].filter((id) => !accepted.has(id) && !id.startsWith('breakdown:'));
  const sum = (m: Map<string, number>) => [...m.values()].reduce((a, b) => a + b, 0);
  return {
    fault,
    incidents: incidents.size,
    accepted: accepted.size,
    diagnosed: [...accepted].filter((id) => l.diagnoses.get(id) === 1).length,
    lost,
    duplicated: [...dup],
    inFlightAtKill,
    orphans,
    redeliveries: [...l.escalations.values()].reduce((a, n) => a + Math.max(0, n - 1), 0),
    erp: { notifications: sum(l.notifications), purchaseOrders: sum(l.purchaseOrders), workOrders: sum(l.workOrders) },
  };
}

/** The table of runs, for the test output and the closing note. */
export function formatTable(rows: Reconciliation[]): string {
  const head = ['fault', 'incidents', 'accepted', 'diagnosed', 'lost', 'duplicated', 'in-flight@kill', 'redelivered', 'notif/PO/WO'];
  const body = rows.map((r) => [r.fault, r.incidents, r.accepted, r.diagnosed, r.lost.length, r.duplicated.length, r.inFlightAtKill.length, r.redeliveries, `${r.erp.notifications}/${r.erp.purchaseOrders}/${r.erp.workOrders}`].map(String));
  const w = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(w[i]!)).join(' | ')} |`;
  return [line(head), `|${w.map((n) => '-'.repeat(n + 2)).join('|')}|`, ...body.map(line)].join('\n');
}
