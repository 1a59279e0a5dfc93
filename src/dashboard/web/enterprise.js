// ERP and MES view (stock, purchase orders, the production schedule as a Gantt chart) and the
// sovereignty view. Both read this process's proxy routes; the browser never holds a token.
import { el, badge, link, table, addRow, emptyRow, panel, notice, getJson } from './dom.js';
import { fmtTime, fmtCents, ganttLayout } from './lib.js';
import { ganttChart } from './charts.js';

const DAY_MS = 86_400_000;

/** Builds the ERP/MES view into `root`. */
export function mountErp(root, config) {
  const status = el('div');
  const sched = panel('Production schedule (MES)', 'schedule');
  const schedBox = el('div', null, 'scroll');
  sched.appendChild(schedBox);
  const pos = panel('Purchase orders (ERP)', 'pos');
  const stock = panel('Stock (ERP)', 'stock');
  const refresh = el('button', 'Refresh');
  refresh.type = 'button';
  root.append(status, sched, pos, stock);
  if (!config.enterprise) {
    status.replaceChildren(notice('No ERP/MES connection configured for this dashboard.', 'info'));
    return () => {};
  }
  async function load() {
    status.replaceChildren(notice('Loading ERP and MES data…', 'info'), refresh);
    try {
      const [s, p, k] = await Promise.all([getJson('api/enterprise/schedule'), getJson('api/enterprise/purchase-orders?limit=200'), getJson('api/enterprise/stock?limit=500')]);
      status.replaceChildren(refresh);
      const nowMs = s.clock && typeof s.clock.nowMs === 'number' ? s.clock.nowMs : undefined;
      const wos = s.workOrders || [];
      let fromMs, toMs;
      if (wos.length) {
        fromMs = Math.min(...wos.map((w) => w.plannedStartMs)) - 2 * DAY_MS;
        toMs = Math.max(...wos.map((w) => w.plannedEndMs)) + 3 * DAY_MS;
      } else if (nowMs !== undefined) { fromMs = nowMs - DAY_MS; toMs = nowMs + 6 * DAY_MS; }
      const layout = ganttLayout(s.productionOrders || [], wos, s.moves || [], { fromMs, toMs, maxRows: 40 });
      const legend = el('p', null, 'legend');
      legend.append(el('span', 'production order', 'lg lg-production'), el('span', 'moved by maintenance', 'lg lg-moved'), el('span', 'maintenance window', 'lg lg-maintenance'));
      const winList = el('ul', null, 'windows');
      winList.setAttribute('aria-label', 'Maintenance windows');
      for (const w of wos) winList.appendChild(el('li', 'Maintenance window ' + w.id + ' on ' + w.machine + ': ' + fmtTime(w.plannedStartMs) + ' → ' + fmtTime(w.plannedEndMs) + ' (' + (w.status || '?') + ', ' + (w.ordersMoved ?? (s.moves || []).filter((m) => m.incidentId === w.incidentId).length) + ' orders moved)'));
      schedBox.replaceChildren(legend, layout.rows.length ? ganttChart(layout, { nowMs, label: 'Production schedule with maintenance windows' }) : notice('No production orders in this range.', 'info'), winList);
      if (layout.hiddenRows) schedBox.appendChild(el('p', layout.hiddenRows + ' more work centres without maintenance are not drawn.', 'sub'));

      const { table: pt, body: pb } = table('Newest last; status moves created → confirmed → shipped → received (event time).', ['Order', 'Material', 'Supplier', 'Site', 'Qty', 'Total', 'Status', 'Ordered', 'Expected delivery', 'Incident']);
      const items = p.items || [];
      if (!items.length) emptyRow(pb, 10, 'No purchase orders.');
      for (const o of items) addRow(pb, [o.id, (o.materialId || '') + ' ' + (o.materialDescription || ''), o.supplierName || o.supplierId, o.site, o.quantity, fmtCents(o.totalCents), badge(o.status + (o.expedited ? ' · expedited' : '') + (o.late ? ' · late' : ''), o.late ? 'warning' : 'po'), fmtTime(o.orderedAtMs), fmtTime(o.expectedDeliveryMs), o.incidentId ? link(o.incidentId, '#/incident/' + encodeURIComponent(o.incidentId)) : 'restock']);
      pos.replaceChildren(pos.firstChild, pt);
      const { table: st, body: sb } = table('Per site and storage location; below the reorder point in amber.', ['Site', 'Material', 'Location', 'On hand', 'Reserved', 'Available', 'Reorder point']);
      const rows = k.items || [];
      if (!rows.length) emptyRow(sb, 7, 'No stock records.');
      for (const r of rows) addRow(sb, [r.site, (r.materialId || '') + ' ' + (r.materialDescription || ''), r.storageLocation, r.quantity, r.reservedQuantity, (r.availableQuantity ?? 0) <= (r.reorderPoint ?? -1) ? badge(String(r.availableQuantity), 'warning') : r.availableQuantity, r.reorderPoint]);
      stock.replaceChildren(stock.firstChild, st);
    } catch (e) {
      status.replaceChildren(notice('ERP/MES unavailable: ' + e.message + '. The rest of the dashboard keeps working; retry with Refresh.', 'error'), refresh);
    }
  }
  refresh.addEventListener('click', load);
  load();
  return () => {};
}

/** Builds the sovereignty view (what left each site, key grants, audit chain) into `root`. */
export function mountSovereignty(root, config) {
  const sites = panel('What left each site', 'sov-sites');
  const audit = panel('Audit chain', 'sov-audit');
  root.append(sites, audit);
  if (!config.sovereignty) { sites.appendChild(notice('No sovereignty source configured.', 'info')); return () => {}; }
  async function load() {
    try {
      const s = await getJson('api/sovereignty');
      const { table: t, body } = table('Bytes and messages sent to the cloud, by data class; blocked: withheld by the site\'s policy.', ['Site', 'Bytes out', 'Messages out', 'Classes out', 'Blocked', 'Key grant']);
      if (!(s.sites || []).length) emptyRow(body, 6, 'No site has sent anything.');
      for (const r of s.sites || []) {
        const classes = Object.entries(r.classesOut || {}).map(([c, n]) => c + ': ' + n).join(', ') || 'none';
        addRow(body, [r.site, { text: Number(r.bytesOut).toLocaleString('en-GB'), cls: 'num' }, { text: String(r.messagesOut), cls: 'num' }, classes, r.blocked ? badge(r.blocked + ' blocked', 'warning') : '0', badge(r.grant, 'grant-' + r.grant)]);
      }
      sites.replaceChildren(sites.firstChild, t);
      const a = s.audit || {};
      const p = el('p');
      p.append(a.ok ? badge('chain intact', 'normal') : badge('chain broken at entry ' + a.firstBadSeq, 'alarm'),
        el('span', ' · ' + (a.entries ?? 0) + ' entries · last checkpoint ' + fmtTime(a.lastCheckpointAtMs)));
      audit.replaceChildren(audit.firstChild, p);
    } catch (e) {
      sites.replaceChildren(sites.firstChild, notice('Sovereignty data unavailable: ' + e.message, 'error'));
    }
  }
  load();
  const poll = setInterval(load, 10_000);
  return () => clearInterval(poll);
}
