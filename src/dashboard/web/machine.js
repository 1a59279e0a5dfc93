// Machine view: live score and feature charts (decimated), the latest incident's spectra with the
// bearing defect frequencies marked, its alarms, diagnoses and maintenance history, and the model
// version its edge scores it with.
import { el, badge, link, table, addRow, emptyRow, panel, notice, getJson } from './dom.js';
import { fmtTime, fmtCents, defectMarkers } from './lib.js';
import { store, onChange, mergeHistory, incidentsOf } from './store.js';
import { lineChart, spectrumChart } from './charts.js';

const MAX_FEATURE_CHARTS = 6;

/** Builds the view of machine `key` (site/line/machine) into `root`. */
export function mountMachine(root, key, config) {
  const head = panel('Machine ' + key, 'machine');
  const facts = el('p', null, 'facts');
  head.appendChild(facts);
  const charts = panel('Health score and features over time', 'trend');
  const chartBox = el('div', null, 'chart-grid');
  charts.appendChild(chartBox);
  const spectra = panel('Latest spectra (from the latest incident\'s evidence)', 'spectra');
  const specBox = el('div', null, 'chart-grid');
  spectra.appendChild(specBox);
  const alarms = panel('Alarms and diagnoses', 'alarms');
  const maint = panel('Maintenance history', 'maint');
  const maintBox = el('div');
  maint.appendChild(maintBox);
  root.append(head, charts, spectra, alarms, maint);

  let frame = 0;
  function renderFacts() {
    const m = store.machines.get(key);
    if (!m) { facts.replaceChildren(notice('This machine has not reported yet.', 'info')); return; }
    const st = m.status ? m.status.state : 'no-status';
    // The edge reports the model scoring this machine (MachineStatus.modelVersion); older edges do not.
    const model = m.status && typeof m.status.modelVersion === 'string' && m.status.modelVersion ? m.status.modelVersion : 'unknown';
    const modelEl = el('span', model, 'model-version' + (model === 'unknown' ? ' unknown' : ''));
    modelEl.id = 'model-version';
    facts.replaceChildren(
      el('span', m.machineType + ' · ' + m.site + ' / ' + m.line + ' · state '), badge(st, st),
      el('span', ' · score ' + (m.status ? m.status.score.toFixed(2) : '—') + ' · last status ' + (m.status ? fmtTime(m.status.ts) : '—') + ' · model at edge: '), modelEl,
    );
  }
  function renderCharts() {
    const h = store.history.get(key) || [];
    const nodes = [lineChart(h.map((p) => [p.t, p.score]), { label: 'Anomaly score' })];
    const names = new Set();
    // The features the machine reports now (older points may carry others).
    if (h.length) for (const f of Object.keys(h[h.length - 1].features)) if (names.size < MAX_FEATURE_CHARTS) names.add(f);
    for (const f of [...names].sort()) nodes.push(lineChart(h.filter((p) => typeof p.features[f] === 'number').map((p) => [p.t, p.features[f]]), { label: f }));
    chartBox.replaceChildren(...nodes);
  }
  function renderIncidents() {
    const list = incidentsOf(key);
    const latest = list.find((i) => i.escalation.evidence && i.escalation.evidence.spectra) || list[0];
    const ev = latest ? latest.escalation.evidence : null;
    if (!ev) specBox.replaceChildren(notice('No incident yet: spectra travel only with an escalation\'s evidence.', 'info'));
    else {
      // Shaft harmonics on the velocity spectrum; bearing defect lines (3 harmonics, FTF alone) on the envelope.
      const marks = defectMarkers(ev).map((mk) => ({ ...mk, harmonics: mk.name === 'FTF' ? 1 : 3 }));
      specBox.replaceChildren(
        spectrumChart(ev.spectra && ev.spectra.velocity, marks.filter((m) => m.name === '1x'), { label: 'Velocity spectrum (mm/s), shaft harmonics marked' }),
        spectrumChart(ev.spectra && ev.spectra.envelope, marks.filter((m) => m.name !== '1x'), { label: 'Envelope spectrum, bearing defect frequencies (orders × ' + ev.shaftHz.toFixed(2) + ' Hz) marked' }),
      );
    }
    const { table: t, body } = table('Newest first; open an incident for its full timeline.', ['Alarm time', 'Severity', 'Score', 'Fault', 'Confidence', 'Remaining life', 'Explanation']);
    if (!list.length) emptyRow(body, 7, 'No alarms.');
    for (const i of list) {
      const d = i.diagnosis;
      addRow(body, [link(fmtTime(i.escalation.openedAt), '#/incident/' + encodeURIComponent(i.escalation.id)), badge(i.escalation.severity, i.escalation.severity), i.escalation.score.toFixed(2),
        d ? d.faultType : 'pending', d ? Math.round(d.confidence * 100) + ' %' : '—',
        d && d.rul ? d.rul.p10Days.toFixed(1) + '–' + d.rul.p90Days.toFixed(1) + ' d' : '—', { text: d ? d.explanation : '—', cls: 'explain' }]);
    }
    alarms.replaceChildren(alarms.firstChild, t);
    renderMaintenance(list);
  }
  let enterpriseWos = null, enterpriseError = null;
  function renderMaintenance(list) {
    const { table: t, body } = table(null, ['Incident', 'Priority', 'Notification', 'Purchase order', 'Work order', 'Window', 'Status', 'Cost']);
    const wosByIncident = new Map((enterpriseWos || []).map((w) => [w.incidentId, w]));
    let n = 0;
    for (const i of list) {
      if (!i.outcome && !wosByIncident.has(i.escalation.id)) continue;
      const o = i.outcome, w = wosByIncident.get(i.escalation.id);
      n++;
      addRow(body, [link(i.escalation.id, '#/incident/' + encodeURIComponent(i.escalation.id)), i.request ? badge(i.request.priority, i.request.priority) : '—', o ? o.notificationId : '—', o ? o.purchaseOrderId || 'none' : '—',
        o ? o.workOrderId : w.id, w ? fmtTime(w.plannedStartMs) + ' → ' + fmtTime(w.plannedEndMs) : '—', w ? w.status : '—', w ? fmtCents(w.actualCostCents ?? w.plannedCostCents) : '—']);
    }
    if (!n) emptyRow(body, 8, 'No maintenance recorded.');
    maintBox.replaceChildren(t);
    if (enterpriseError) maintBox.appendChild(notice('ERP/MES unavailable: ' + enterpriseError, 'error'));
  }
  function renderAll() { frame = 0; renderFacts(); renderCharts(); renderIncidents(); }
  const schedule = () => { if (!frame) frame = requestAnimationFrame(renderAll); };

  renderAll();
  getJson('api/history?machine=' + encodeURIComponent(key)).then((h) => { mergeHistory(key, h.points || []); schedule(); }, () => {});
  if (config.enterprise) {
    const machine = key.split('/').pop();
    getJson('api/enterprise/work-orders?machine=' + encodeURIComponent(machine) + '&limit=100').then((p) => { enterpriseWos = p.items || []; schedule(); }, (e) => { enterpriseError = e.message; schedule(); });
  }
  const off = onChange((type, data) => {
    if (type === 'snapshot' || (type === 'status' && data.machine.site + '/' + data.machine.line + '/' + data.machine.machine === key) || (data && data.incident && data.incident.escalation.site + '/' + data.incident.escalation.line + '/' + data.incident.escalation.machine === key)) schedule();
  });
  return () => { off(); if (frame) cancelAnimationFrame(frame); };
}
