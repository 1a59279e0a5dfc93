// The incident timeline (no DOM): every step from the first anomalous window to the repair, each
// with its simulated (event) time and wall-clock time, and the latency since the step before on
// each clock. Where a step was stamped on one clock only, the other is estimated from the
// machine's status reports, which pair an event time with the wall time the cloud received it.
import { fmtTime, fmtCents, fmtDuration } from './lib.js';

/**
 * Score from which a window counts as anomalous: the edge alarm's `low` (src/edge/alarm.ts,
 * ISA-18.2 deadband: below it a window counts towards clearing, i.e. normal). The server's
 * /api/config may say otherwise.
 */
export const PRE_ALARM_SCORE = 4;

/** Clock skew tolerated between the dashboard's first-seen stamps and the cloud's own (ms). */
const STAMP_SKEW_MS = 1000;

const num = (x) => (typeof x === 'number' && isFinite(x) ? x : null);

/**
 * The first anomalous window before the alarm at `openedAtMs`, from a machine's status history
 * (points { t, wallMs, score }, oldest first): the earliest report of the unbroken run at or
 * above `level` that reaches the last report at or before the alarm. Status reports come every
 * few windows, so the onset lies between `afterMs` (the last normal report) and `t`.
 * kind 'run': found; 'truncated': the run reaches the oldest kept point (onset at or before t);
 * 'after': the last report before the alarm was still normal (onset between it and the alarm);
 * null: no report at or before the alarm.
 */
export function firstAnomalousWindow(points, openedAtMs, level = PRE_ALARM_SCORE) {
  const pts = (points || []).filter((p) => num(p.t) !== null && num(p.score) !== null);
  let i = -1;
  for (let k = pts.length - 1; k >= 0; k--) if (pts[k].t <= openedAtMs) { i = k; break; }
  if (i < 0) return null;
  if (pts[i].score < level) return { kind: 'after', t: null, wallMs: null, score: null, afterMs: pts[i].t };
  let j = i;
  while (j > 0 && pts[j - 1].score >= level) j--;
  const p = pts[j];
  return { kind: j === 0 ? 'truncated' : 'run', t: p.t, wallMs: num(p.wallMs), score: p.score, afterMs: j > 0 ? pts[j - 1].t : null };
}

/** The (event time, wall time) pairs of a status history, kept increasing on both clocks. */
export function clockPairs(points) {
  const out = [];
  for (const p of points || []) {
    const t = num(p.t), w = num(p.wallMs);
    if (t === null || w === null) continue;
    const last = out[out.length - 1];
    if (last && (t <= last[0] || w < last[1])) continue; // a reordered or replayed report
    out.push([t, w]);
  }
  return out;
}

/** Linear interpolation of the other clock at `x` on clock `from` (0 event, 1 wall); null outside the pairs' span. */
export function otherClock(pairs, x, from) {
  if (num(x) === null || !pairs.length) return null;
  const to = 1 - from;
  if (x < pairs[0][from] || x > pairs[pairs.length - 1][from]) return null;
  let lo = 0, hi = pairs.length - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (pairs[mid][from] <= x) lo = mid; else hi = mid;
  }
  const a = pairs[lo], b = pairs[hi];
  if (b[from] === a[from]) return a[to];
  return Math.round(a[to] + ((x - a[from]) / (b[from] - a[from])) * (b[to] - a[to]));
}

/**
 * The steps of one incident. `record` is the enterprise's incident record (may be null or
 * partial); `ctx` has the machine's status `history`, the dashboard's first-seen `seen` stamps
 * and the pre-alarm `level`. Each step: simMs, wallMs, whether each was estimated, latencies.
 */
export function timelineSteps(incident, record, ctx) {
  const c = ctx || {};
  const e = incident.escalation;
  const d = incident.diagnosis;
  const r = incident.request;
  const o = incident.outcome;
  const rec = record || {};
  const seen = c.seen || {};
  const notif = rec.notification || null;
  const pos = Array.isArray(rec.purchaseOrders) ? rec.purchaseOrders : [];
  const wo = rec.workOrder || null;
  const steps = [];
  const add = (s) => steps.push({ simMs: null, wallMs: null, ...s });

  const onset = firstAnomalousWindow(c.history, e.openedAt, num(c.level) ?? PRE_ALARM_SCORE);
  const lvl = (num(c.level) ?? PRE_ALARM_SCORE).toFixed(1);
  if (!onset) add({ key: 'onset', label: 'First anomalous window', detail: 'no status report of this machine from before the alarm is kept', pending: true });
  else if (onset.kind === 'after') add({ key: 'onset', label: 'First anomalous window', detail: 'after the last normal status report (' + fmtTime(onset.afterMs) + ') and before the alarm: the score rose above ' + lvl + ' within a few windows' });
  else {
    add({
      key: 'onset', label: 'First anomalous window', simMs: onset.t, wallMs: onset.wallMs,
      detail: 'score ' + onset.score.toFixed(2) + ' ≥ ' + lvl + (onset.kind === 'truncated' ? '; the oldest kept report, so the onset is at or before it' : '; the report before (' + fmtTime(onset.afterMs) + ') was normal') + '. Wall clock: the cloud received this report',
    });
  }
  // The edge stamps sentAtMs in the same handler that raised the alarm and published the command
  // (src/edge/agent.ts raise()), milliseconds after both: it is their wall clock too.
  add({ key: 'alarm', label: 'Alarm at the edge', simMs: num(e.openedAt), wallMs: num(e.sentAtMs), detail: e.severity + ' alarm, score ' + (num(e.score) ?? 0).toFixed(2) });
  add({ key: 'action', label: 'Local action at the edge', simMs: num(e.openedAt), wallMs: num(e.sentAtMs), detail: 'reduce-load command published to the machine' });
  add({ key: 'sent', label: 'Escalation sent', simMs: num(e.openedAt), wallMs: num(e.sentAtMs), detail: 'evidence sealed and put in the outbox for the cloud' });
  add({ key: 'received', label: 'Escalation received', wallMs: num(incident.receivedAtMs), detail: 'cloud intake' });
  if (d) {
    let detail = d.faultType + (d.component ? ' (' + d.component + ')' : '') + ', confidence ' + Math.round(d.confidence * 100) + ' %. ' + d.explanation.replace(/\.?$/, '.');
    if (d.rul) detail += ' Remaining life ' + d.rul.p10Days.toFixed(1) + '–' + d.rul.p90Days.toFixed(1) + ' d (median ' + d.rul.medianDays.toFixed(1) + ' d).';
    else detail += ' Remaining life not estimated.';
    if (typeof d.similarCases === 'number') detail += ' ' + d.similarCases + ' similar confirmed cases.';
    // The dashboard's own stamp counts only between intake and decision (± a second of clock skew
    // between the dashboard's and the cloud's hosts); otherwise it saw the diagnosis late or elsewhere.
    const stamp = num(seen.diagnosis), from = num(incident.receivedAtMs), to = num(incident.decidedAtMs);
    const diagWall = stamp !== null && (from === null || stamp >= from - STAMP_SKEW_MS) && (to === null || stamp <= to + STAMP_SKEW_MS) ? stamp : null;
    if (diagWall !== null) detail += ' Wall clock: when this dashboard received it.';
    add({ key: 'diagnosis', label: 'Diagnosis', wallMs: diagWall, detail });
  } else add({ key: 'diagnosis', label: 'Diagnosis', detail: 'pending', pending: true });
  if (o || notif) {
    // createdAtMs stamps are the ERP's wall clock; detectedAtMs is the alarm's event time it reports.
    add({ key: 'notification', label: 'Notification', wallMs: notif ? num(notif.createdAtMs) : null,
      detail: (o ? o.notificationId : notif.id) + (notif && notif.text ? ': ' + notif.text : '') + (notif && num(notif.detectedAtMs) !== null ? ' (reports the alarm of ' + fmtTime(notif.detectedAtMs) + ')' : '') });
  }
  if (pos.length) {
    for (const po of pos) {
      const history = [['created', po.orderedAtMs], ['confirmed', po.confirmedAtMs], ['shipped', po.shippedAtMs], ['received', po.receivedAtMs]]
        .filter(([, t]) => num(t) !== null).map(([s, t]) => ({ status: s, atMs: t }));
      const detail = po.id + ' · ' + (po.materialId || '') + (po.materialDescription ? ' ' + po.materialDescription : '') + ' · ' + (po.supplierName || po.supplierId || 'supplier ?') +
        ' · status ' + (po.status || '?') + (po.expedited ? ' (expedited)' : '') + (num(po.expectedDeliveryMs) !== null ? ' · delivery expected ' + fmtTime(po.expectedDeliveryMs) : '');
      // orderedAtMs is the enterprise's event-time clock; createdAtMs the wall clock of the insert.
      add({ key: 'purchase-order', label: 'Purchase order', simMs: num(po.orderedAtMs), wallMs: num(po.createdAtMs), detail, history, id: po.id });
    }
  } else if (o) {
    add({ key: 'purchase-order', label: 'Purchase order', detail: o.purchaseOrderId ? o.purchaseOrderId + ' (' + (o.materialId || 'material ?') + ')' : 'none: part from stock or inspection only', history: [], id: o.purchaseOrderId });
  }
  const reservations = Array.isArray(rec.reservations) ? rec.reservations : [];
  for (const rv of reservations) {
    add({ key: 'reservation', label: 'Part reserved', wallMs: num(rv.createdAtMs), detail: (rv.materialId || 'material ?') + ' × ' + (rv.quantity ?? 1) + ' at ' + (rv.storageLocation || 'store') + ' · ' + (rv.status || '?') + (rv.purchaseOrderId ? ' (awaiting ' + rv.purchaseOrderId + ')' : ' (from stock)'), id: rv.id });
  }
  if (wo) {
    const detail = wo.id + ' · status ' + (wo.status || '?') + ' · window ' + fmtTime(wo.plannedStartMs) + ' → ' + fmtTime(wo.plannedEndMs) +
      ' · planned ' + fmtCents(wo.plannedCostCents) + (num(wo.actualCostCents) !== null ? ', actual ' + fmtCents(wo.actualCostCents) : '') + (wo.windowReason ? ' · ' + wo.windowReason : '');
    add({ key: 'work-order', label: 'Work order', wallMs: num(wo.createdAtMs), detail, id: wo.id });
  } else if (o) {
    add({ key: 'work-order', label: 'Work order', detail: o.workOrderId + (o.movedProductionOrders.length ? '; production orders moved: ' + o.movedProductionOrders.join(', ') : ''), id: o.workOrderId });
  }
  // The cloud commits its decision after the ERP/MES answered, then acks the edge (src/cloud/intake.ts).
  if (r && incident.refusal) {
    // The enterprise refused the request for good (src/cloud/enterprise-refusal.ts): decided all the same, so the edge's outbox drains.
    add({ key: 'decision', label: 'Decision committed, edge acked', wallMs: num(incident.decidedAtMs), detail: 'refused by ERP (HTTP ' + incident.refusal.status + '): ' + incident.refusal.reason + '. Nothing was ordered or planned.' });
  } else if (r) {
    let detail = r.priority + ' priority, due by ' + fmtTime(r.dueBy);
    if (r.economics) detail += '; ' + r.economics.option + ', expected cost €' + Math.round(r.economics.expectedCostEur).toLocaleString('en-GB') + ', failure probability before repair ' + Math.round(r.economics.failureProbBeforeRepair * 100) + ' %';
    add({ key: 'decision', label: 'Decision committed, edge acked', wallMs: num(incident.decidedAtMs), detail });
  } else add({ key: 'decision', label: 'Decision committed, edge acked', detail: 'pending', pending: true });
  if (wo) {
    const started = num(wo.actualStartMs);
    add({ key: 'window', label: 'Maintenance window starts', simMs: started ?? num(wo.plannedStartMs), detail: started !== null ? 'repair started' : 'planned' });
    const done = num(wo.actualEndMs);
    add({ key: 'repair', label: 'Repair completed', simMs: done, detail: done !== null ? 'downtime ' + fmtDuration(wo.downtimeMs) : 'not yet', pending: done === null });
  }

  // Fill the missing clock from the machine's own reports (never beyond them: no extrapolation).
  // Reports are sparse (one every few windows), so an estimate may land before the step that
  // caused it; the chain is causal, so an estimate is never earlier than the step before it.
  const pairs = clockPairs(c.history);
  let prevSim = null, prevWall = null;
  for (const s of steps) {
    s.simEstimated = false; s.wallEstimated = false;
    if (!s.pending) {
      if (s.simMs === null && s.wallMs !== null) { s.simMs = otherClock(pairs, s.wallMs, 1); s.simEstimated = s.simMs !== null; }
      else if (s.wallMs === null && s.simMs !== null) { s.wallMs = otherClock(pairs, s.simMs, 0); s.wallEstimated = s.wallMs !== null; }
      if (s.simEstimated && prevSim !== null) s.simMs = Math.max(s.simMs, prevSim);
      if (s.wallEstimated && prevWall !== null) s.wallMs = Math.max(s.wallMs, prevWall);
    }
    if (s.simMs !== null) prevSim = s.simMs;
    if (s.wallMs !== null) prevWall = s.wallMs;
  }
  // Latency on each clock since the previous step that has a time on that clock.
  let lastSim = null, lastWall = null;
  for (const s of steps) {
    s.simLatencyMs = s.simMs !== null && lastSim ? s.simMs - lastSim.simMs : null;
    s.wallLatencyMs = s.wallMs !== null && lastWall ? s.wallMs - lastWall.wallMs : null;
    s.simLatencyEstimated = s.simLatencyMs !== null && (s.simEstimated || lastSim.simEstimated);
    s.wallLatencyEstimated = s.wallLatencyMs !== null && (s.wallEstimated || lastWall.wallEstimated);
    if (s.simMs !== null) lastSim = s;
    if (s.wallMs !== null) lastWall = s;
  }
  return steps;
}
