// Fleet view: per-site summary, filterable machine table and open incidents. Rows are kept and
// patched in place (batched per animation frame), so 1,000+ machines and a busy stream stay smooth.
import { el, badge, link, table, addRow, emptyRow, panel } from './dom.js';
import { fmtTime, machineKey, matchesFilter } from './lib.js';
import { store, onChange, incidentsOf } from './store.js';

const HOUR_MS = 3_600_000;
const STATES = ['alarm', 'stopped', 'learning', 'normal', 'no-status'];
const INCIDENT_ROWS = 100;
/** Least time between two renders of the per-site summary (ms). */
const SUMMARY_MS = 500;

/** Alarms of a machine whose event time is within the hour before its latest status (simulated clock). */
function alarmsLastHour(m) {
  const list = incidentsOf(machineKey(m));
  if (!list.length) return 0;
  const now = m.status ? m.status.ts : list[0].escalation.openedAt;
  return list.filter((i) => i.escalation.openedAt > now - HOUR_MS && i.escalation.openedAt <= now).length;
}

function stateOf(m) {
  return m.status ? m.status.state : 'no-status';
}

/** Builds the fleet view into `root`; returns a function that detaches it. */
export function mountFleet(root) {
  const filter = { site: '', state: '', type: '', q: '' };
  const summary = panel('Sites and lines', 'sites');
  const sumBody = el('div', null, 'sites');
  summary.appendChild(sumBody);

  const machinesPanel = panel('Machines', 'machines');
  const bar = el('div', null, 'filters');
  const mkSelect = (label, id) => {
    const l = el('label', label + ' ');
    const s = el('select');
    s.id = id;
    s.appendChild(new Option('all', ''));
    l.appendChild(s);
    bar.appendChild(l);
    return s;
  };
  const siteSel = mkSelect('Site', 'f-site');
  const stateSel = mkSelect('State', 'f-state');
  for (const s of STATES) stateSel.appendChild(new Option(s, s));
  const typeSel = mkSelect('Type', 'f-type');
  const searchLabel = el('label', 'Search ');
  const search = el('input');
  search.type = 'search'; search.id = 'f-q'; search.placeholder = 'machine, line, site or type';
  searchLabel.appendChild(search);
  bar.appendChild(searchLabel);
  const shown = el('span', '', 'sub');
  shown.setAttribute('aria-live', 'polite');
  bar.appendChild(shown);
  machinesPanel.appendChild(bar);
  const { table: mt, body: mbody } = table('Every machine the cloud has heard from, with its last reported state (event time).', ['Site', 'Line', 'Machine', 'Type', 'State', 'Score', 'Open incidents', 'Alarms (1 h)', 'Last status']);
  mt.id = 'machines';
  const wrap = el('div', null, 'scroll');
  wrap.appendChild(mt);
  machinesPanel.appendChild(wrap);

  const incPanel = panel('Open incidents and alarms', 'incidents');
  const { table: it, body: ibody } = table('Escalations from the edge, newest first, with the cloud\'s diagnosis. Open one for its timeline.', ['Machine', 'Alarm time', 'Severity', 'Fault', 'Confidence', 'Order']);
  it.id = 'incidents';
  incPanel.appendChild(it);
  root.append(summary, machinesPanel, incPanel);

  const rows = new Map(); // key → { tr, cells, m }
  let sortedKeys = [];
  const dirty = new Set();
  let incidentsDirty = true, optionsDirty = true, frame = 0, lastSummary = 0, summaryTimer = 0;
  const sites = new Set(), types = new Set();

  function newRow(m) {
    const tr = document.createElement('tr');
    const cells = [];
    for (let i = 0; i < 9; i++) { const td = document.createElement('td'); tr.appendChild(td); cells.push(td); }
    cells[0].textContent = m.site; cells[1].textContent = m.line;
    cells[2].appendChild(link(m.machine, '#/machine/' + encodeURIComponent(machineKey(m))));
    cells[3].textContent = m.machineType;
    cells[5].className = cells[6].className = cells[7].className = 'num';
    cells[8].className = 'num';
    return { tr, cells, m, state: '' };
  }

  function fill(r) {
    const m = r.m, st = stateOf(m);
    if (st !== r.state) { r.cells[4].replaceChildren(badge(st === 'no-status' ? 'no status' : st, st)); r.state = st; }
    r.cells[5].textContent = m.status ? m.status.score.toFixed(2) : '—';
    r.cells[6].textContent = String(m.openIncidents.length);
    r.cells[7].textContent = String(alarmsLastHour(m));
    r.cells[8].textContent = m.status ? fmtTime(m.status.ts) : '—';
    r.tr.hidden = !matchesFilter(m, filter);
  }

  function insertSorted(key, r) {
    let lo = 0, hi = sortedKeys.length;
    while (lo < hi) { const mid = (lo + hi) >> 1; if (sortedKeys[mid] < key) lo = mid + 1; else hi = mid; }
    const before = lo < sortedKeys.length ? rows.get(sortedKeys[lo]).tr : null;
    sortedKeys.splice(lo, 0, key);
    mbody.insertBefore(r.tr, before);
  }

  function rebuild() {
    rows.clear();
    sortedKeys = [...store.machines.keys()].sort();
    const frag = document.createDocumentFragment();
    for (const k of sortedKeys) {
      const m = store.machines.get(k);
      sites.add(m.site); types.add(m.machineType);
      const r = newRow(m);
      fill(r);
      rows.set(k, r);
      frag.appendChild(r.tr);
    }
    mbody.replaceChildren(frag);
    optionsDirty = incidentsDirty = true;
  }

  function renderSummary() {
    const bySite = new Map();
    for (const m of store.machines.values()) {
      if (!bySite.has(m.site)) bySite.set(m.site, { lines: new Set(), n: 0, alarm: 0, stopped: 0, open: 0, alarmsHour: 0 });
      const s = bySite.get(m.site);
      s.lines.add(m.line); s.n++;
      const st = stateOf(m);
      if (st === 'alarm') s.alarm++;
      if (st === 'stopped') s.stopped++;
      s.open += m.openIncidents.length;
      s.alarmsHour += alarmsLastHour(m);
    }
    const { table: t, body } = table(null, ['Site', 'Lines', 'Machines', 'In alarm', 'Stopped', 'Open incidents', 'Alarms (1 h)']);
    for (const [site, s] of [...bySite.entries()].sort()) {
      addRow(body, [site, s.lines.size, s.n, s.alarm ? badge(s.alarm + ' in alarm', 'alarm') : '0', s.stopped, s.open, s.alarmsHour]);
    }
    if (!bySite.size) emptyRow(body, 7, 'No machines yet: waiting for the first status from an edge.');
    sumBody.replaceChildren(t);
  }

  function renderIncidents() {
    const list = [...store.incidents.values()].sort((a, b) => b.escalation.openedAt - a.escalation.openedAt || b.receivedAtMs - a.receivedAtMs);
    ibody.replaceChildren();
    if (!list.length) emptyRow(ibody, 6, 'No incidents.');
    for (const i of list.slice(0, INCIDENT_ROWS)) {
      const e = i.escalation, d = i.diagnosis, o = i.outcome;
      addRow(ibody, [
        link(e.site + ' / ' + e.line + ' / ' + e.machine, '#/incident/' + encodeURIComponent(e.id)),
        { text: fmtTime(e.openedAt), cls: 'num' },
        badge(e.severity, e.severity),
        d ? d.faultType : badge('diagnosing', 'pending'),
        { text: d ? Math.round(d.confidence * 100) + ' %' : '—', cls: 'num' },
        o ? (o.purchaseOrderId || 'no part ordered') + ' · ' + o.workOrderId : i.refusal ? 'refused by ERP: ' + i.refusal.reason : i.request ? 'deciding' : '—',
      ]);
    }
  }

  function renderOptions() {
    const sync = (sel, values) => {
      const have = new Set([...sel.options].map((o) => o.value));
      for (const v of [...values].sort()) if (!have.has(v)) sel.appendChild(new Option(v, v));
    };
    sync(siteSel, sites); sync(typeSel, types);
  }

  function flush() {
    frame = 0;
    for (const k of dirty) {
      const m = store.machines.get(k);
      if (!m) continue;
      let r = rows.get(k);
      if (!r) { r = newRow(m); rows.set(k, r); insertSorted(k, r); sites.add(m.site); types.add(m.machineType); optionsDirty = true; }
      r.m = m;
      fill(r);
    }
    dirty.clear();
    if (optionsDirty) { renderOptions(); optionsDirty = false; }
    if (incidentsDirty) { renderIncidents(); incidentsDirty = false; }
    // The per-site summary walks the whole fleet: at most every SUMMARY_MS, not per frame.
    const now = performance.now();
    if (now - lastSummary >= SUMMARY_MS) { renderSummary(); lastSummary = now; }
    else if (!summaryTimer) summaryTimer = setTimeout(() => { summaryTimer = 0; lastSummary = 0; schedule(); }, SUMMARY_MS);
    let n = 0;
    for (const r of rows.values()) if (!r.tr.hidden) n++;
    shown.textContent = rows.size ? n + ' of ' + rows.size + ' machines shown' : '';
    if (!rows.size && !mbody.firstChild) emptyRow(mbody, 9, 'No machines yet: waiting for the first status from an edge.');
    else if (rows.size && mbody.firstChild && mbody.firstChild.className === 'empty') mbody.firstChild.remove();
  }
  const schedule = () => { if (!frame) frame = requestAnimationFrame(flush); };

  const applyFilter = () => {
    filter.site = siteSel.value; filter.state = stateSel.value; filter.type = typeSel.value; filter.q = search.value.trim();
    for (const r of rows.values()) r.tr.hidden = !matchesFilter(r.m, filter);
    schedule();
  };
  for (const s of [siteSel, stateSel, typeSel]) s.addEventListener('change', applyFilter);
  search.addEventListener('input', applyFilter);

  rebuild();
  schedule();
  const off = onChange((type, data) => {
    if (type === 'snapshot') { rebuild(); }
    else if (type === 'status') dirty.add(machineKey(data.machine));
    else if (data && data.incident) { incidentsDirty = true; dirty.add(machineKey(data.incident.escalation)); }
    schedule();
  });
  return () => { off(); if (frame) cancelAnimationFrame(frame); clearTimeout(summaryTimer); };
}
