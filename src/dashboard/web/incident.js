// Incident view: the whole timeline from the first anomalous window to the completed repair, each
// step with its simulated and wall-clock time and the latency since the step before.
import { el, badge, link, table, addRow, panel, notice, getJson } from './dom.js';
import { fmtTime, fmtDuration, machineKey } from './lib.js';
import { timelineSteps } from './timeline.js';
import { store, onChange, mergeHistory } from './store.js';

/** A time cell: "≈ " marks a value estimated from the machine's status reports. */
function timeCell(ms, estimated, fmt) {
  const text = fmt(ms);
  return { text: estimated && text !== '—' ? '≈ ' + text : text, cls: 'num' + (estimated ? ' est' : '') };
}

/** Builds the view of incident `id` into `root`. */
export function mountIncident(root, id, config) {
  const head = panel('Incident ' + id, 'incident');
  const facts = el('p', null, 'facts');
  head.appendChild(facts);
  const tl = panel('Timeline', 'timeline');
  const tlBox = el('div');
  tl.appendChild(tlBox);
  const rl = panel('Remaining life', 'rul-history');
  const rlBox = el('div');
  rl.appendChild(rlBox);
  root.append(head, tl, rl);
  let record = null, recordError = null, frame = 0, seen = {}, historyFor = null;

  function render() {
    frame = 0;
    const i = store.incidents.get(id);
    if (!i) { facts.replaceChildren(notice('Unknown incident (it may not have reached the cloud yet).', 'info')); tlBox.replaceChildren(); return; }
    const e = i.escalation;
    const key = machineKey(e);
    if (historyFor !== key) fetchHistory(key);
    facts.replaceChildren(el('span', 'Machine '), link(e.site + ' / ' + e.line + ' / ' + e.machine, '#/machine/' + encodeURIComponent(key)),
      el('span', ' (' + e.machineType + ') · '), badge(e.severity, e.severity), el('span', ' · ' + (i.diagnosis ? i.diagnosis.faultType : 'diagnosis pending')));
    const { table: t, body } = table('Simulated time is the plant\'s event time; wall clock is when the software acted. Latency is measured from the previous step on the same clock. ≈ marks a time estimated from the machine\'s status reports (each pairs an event time with the wall time the cloud received it).',
      ['Step', 'Simulated time', 'Wall clock', 'Latency (simulated)', 'Latency (wall)', 'Details']);
    t.id = 'timeline-table';
    const steps = timelineSteps(i, record, { history: store.history.get(key) || [], seen, level: config.preAlarmScore });
    for (const s of steps) {
      const detail = el('div', s.detail);
      if (s.history && s.history.length) {
        const ol = el('ol', null, 'history');
        ol.setAttribute('aria-label', 'Purchase order status history');
        for (const h of s.history) ol.appendChild(el('li', h.status + ' ' + fmtTime(h.atMs)));
        detail.appendChild(ol);
      }
      const tr = addRow(body, [s.pending ? badge(s.label + ' (pending)', 'pending') : el('strong', s.label), timeCell(s.simMs, s.simEstimated, fmtTime), timeCell(s.wallMs, s.wallEstimated, fmtTime),
        timeCell(s.simLatencyMs, s.simLatencyEstimated, fmtDuration), timeCell(s.wallLatencyMs, s.wallLatencyEstimated, fmtDuration), detail]);
      tr.dataset.step = s.key;
    }
    tlBox.replaceChildren(t);
    // Crypto-shredding: the site withdrew the cloud's key, its evidence is gone; the decision stays.
    if (i.evidenceRefusal) tlBox.appendChild(notice('Evidence unreadable: ' + i.evidenceRefusal.reason + '. The diagnosis and decision above were made before and remain.', 'error'));
    if (i.refusal) tlBox.appendChild(notice('Refused by ERP: ' + i.refusal.reason + ' (HTTP ' + i.refusal.status + '). The escalation is decided and acked; nothing was ordered or planned.', 'error'));
    renderRul(i);
    if (recordError) tlBox.appendChild(notice('ERP/MES unavailable, showing what the cloud knows: ' + recordError, 'error'));
    else if (!config.enterprise) tlBox.appendChild(notice('No ERP/MES connection configured: purchase-order status and work-order windows are not shown.', 'info'));
  }
  /** The estimate at the alarm, then one row per evidence update from the edge (Incident.rulHistory). */
  function renderRul(i) {
    const rows = i.rulHistory || (i.diagnosis && i.diagnosis.rul ? [{ updateId: i.escalation.id, asOfMs: i.diagnosis.rul.asOfMs, failureAtMs: i.diagnosis.rul.failureAtMs, healthIndicator: i.diagnosis.rul.healthIndicator, option: null, moreUrgent: false }] : []);
    if (!rows.length) { rlBox.replaceChildren(notice('No remaining-life estimate for this incident.', 'info')); return; }
    const { table: t, body } = table('Refitted on each evidence update the edge sends while the incident is open (simulated time). Failure times are the 10 %, 50 % and 90 % quantiles.',
      ['As of', 'Health indicator', 'Failure (10 %)', 'Failure (median)', 'Failure (90 %)', 'Remaining (median)', 'Repair option', 'Note']);
    t.id = 'rul-history-table';
    for (const r of rows) {
      const f = r.failureAtMs;
      const note = r.moreUrgent ? badge('more urgent', 'critical') : el('span', r.note || (r.updateId === i.escalation.id ? 'at the alarm' : ''));
      if (r.moreUrgent && r.note) note.title = r.note;
      addRow(body, [{ text: fmtTime(r.asOfMs), cls: 'num' }, { text: r.healthIndicator == null ? '—' : r.healthIndicator.toFixed(2), cls: 'num' },
        { text: f ? fmtTime(f.p10) : '—', cls: 'num' }, { text: f ? fmtTime(f.p50) : '—', cls: 'num' }, { text: f ? fmtTime(f.p90) : '—', cls: 'num' },
        { text: f ? fmtDuration(Math.max(0, f.p50 - r.asOfMs)) : '—', cls: 'num' }, r.option || '—', note]);
    }
    rlBox.replaceChildren(t);
  }
  const schedule = () => { if (!frame) frame = requestAnimationFrame(render); };
  function fetchHistory(key) {
    historyFor = key;
    // The server keeps the status trend from before this page opened: the first anomalous window is in it.
    getJson('api/history?machine=' + encodeURIComponent(key)).then((h) => { mergeHistory(key, h.points || []); schedule(); }, () => {});
  }
  function fetchSeen() {
    getJson('api/stamps?incident=' + encodeURIComponent(id)).then((s) => { seen = s.seen || {}; schedule(); }, () => {});
  }
  function fetchRecord() {
    if (!config.enterprise) return;
    getJson('api/enterprise/incidents/' + encodeURIComponent(id)).then((r) => { record = r; recordError = null; schedule(); }, (e) => {
      if (e.status === 404 && e.code === 'not-found') recordError = null; else recordError = e.message;
      schedule();
    });
  }
  render();
  fetchRecord();
  fetchSeen();
  const off = onChange((type, data) => {
    if (type === 'snapshot' || (data && data.incident && data.incident.escalation.id === id)) { schedule(); fetchSeen(); if (type === 'decision') fetchRecord(); }
    else if (type === 'status' && historyFor === machineKey(data.machine)) schedule();
  });
  // The ERP/MES record moves on (order confirmed, shipped, repair done) without cloud events: poll it.
  const poll = setInterval(fetchRecord, 5000);
  return () => { off(); clearInterval(poll); if (frame) cancelAnimationFrame(frame); };
}
