// Incident view: the whole timeline from the alarm to the completed repair, each step with its
// simulated and wall-clock time and the latency since the step before.
import { el, badge, link, table, addRow, panel, notice, getJson } from './dom.js';
import { fmtTime, fmtDuration, timelineSteps, machineKey } from './lib.js';
import { store, onChange } from './store.js';

/** Builds the view of incident `id` into `root`. */
export function mountIncident(root, id, config) {
  const head = panel('Incident ' + id, 'incident');
  const facts = el('p', null, 'facts');
  head.appendChild(facts);
  const tl = panel('Timeline', 'timeline');
  const tlBox = el('div');
  tl.appendChild(tlBox);
  root.append(head, tl);
  let record = null, recordError = null, frame = 0;

  function render() {
    frame = 0;
    const i = store.incidents.get(id);
    if (!i) { facts.replaceChildren(notice('Unknown incident (it may not have reached the cloud yet).', 'info')); tlBox.replaceChildren(); return; }
    const e = i.escalation;
    facts.replaceChildren(el('span', 'Machine '), link(e.site + ' / ' + e.line + ' / ' + e.machine, '#/machine/' + encodeURIComponent(machineKey(e))),
      el('span', ' (' + e.machineType + ') · '), badge(e.severity, e.severity), el('span', ' · ' + (i.diagnosis ? i.diagnosis.faultType : 'diagnosis pending')));
    const { table: t, body } = table('Simulated time is the plant\'s event time; wall clock is when the software acted. Latency is measured from the previous step on the same clock.',
      ['Step', 'Simulated time', 'Wall clock', 'Latency (simulated)', 'Latency (wall)', 'Details']);
    t.id = 'timeline-table';
    for (const s of timelineSteps(i, record)) {
      const detail = el('div', s.detail);
      if (s.history && s.history.length) {
        const ol = el('ol', null, 'history');
        ol.setAttribute('aria-label', 'Purchase order status history');
        for (const h of s.history) ol.appendChild(el('li', h.status + ' ' + fmtTime(h.atMs)));
        detail.appendChild(ol);
      }
      const tr = addRow(body, [s.pending ? badge(s.label + ' (pending)', 'pending') : el('strong', s.label), { text: fmtTime(s.simMs), cls: 'num' }, { text: fmtTime(s.wallMs), cls: 'num' },
        { text: fmtDuration(s.simLatencyMs), cls: 'num' }, { text: fmtDuration(s.wallLatencyMs), cls: 'num' }, detail]);
      tr.dataset.step = s.key;
    }
    tlBox.replaceChildren(t);
    if (recordError) tlBox.appendChild(notice('ERP/MES unavailable, showing what the cloud knows: ' + recordError, 'error'));
    else if (!config.enterprise) tlBox.appendChild(notice('No ERP/MES connection configured: purchase-order status and work-order windows are not shown.', 'info'));
  }
  const schedule = () => { if (!frame) frame = requestAnimationFrame(render); };
  function fetchRecord() {
    if (!config.enterprise) return;
    getJson('api/enterprise/incidents/' + encodeURIComponent(id)).then((r) => { record = r; recordError = null; schedule(); }, (e) => {
      if (e.status === 404 && e.code === 'not-found') recordError = null; else recordError = e.message;
      schedule();
    });
  }
  render();
  fetchRecord();
  const off = onChange((type, data) => {
    if (type === 'snapshot' || (data && data.incident && data.incident.escalation.id === id)) { schedule(); if (type === 'decision') fetchRecord(); }
  });
  // The ERP/MES record moves on (order confirmed, shipped, repair done) without cloud events: poll it.
  const poll = setInterval(fetchRecord, 5000);
  return () => { off(); clearInterval(poll); if (frame) cancelAnimationFrame(frame); };
}
