// Pure helpers of the dashboard page (no DOM): decimation, formatting, filters and
// the Gantt layout. Plain ES module so the browser loads it as is; lib.d.ts types it for the tests.

/**
 * Largest-Triangle-Three-Buckets decimation (Steinarsson, "Downsampling Time Series for Visual
 * Representation", MSc thesis, Univ. of Iceland 2013): keeps the first and last point and, per
 * bucket, the point forming the largest triangle with its neighbours, so peaks survive.
 */
export function lttb(points, threshold) {
  const n = points.length;
  if (threshold >= n || threshold < 3) return points.slice();
  const out = [points[0]];
  const every = (n - 2) / (threshold - 2);
  let a = 0;
  for (let i = 0; i < threshold - 2; i++) {
    const avgStart = Math.floor((i + 1) * every) + 1;
    const avgEnd = Math.min(Math.floor((i + 2) * every) + 1, n);
    let avgX = 0, avgY = 0;
    for (let j = avgStart; j < avgEnd; j++) { avgX += points[j][0]; avgY += points[j][1]; }
    const len = Math.max(1, avgEnd - avgStart);
    avgX /= len; avgY /= len;
    const start = Math.floor(i * every) + 1;
    const end = Math.floor((i + 1) * every) + 1;
    let best = -1, bestIdx = start;
    const [ax, ay] = points[a];
    for (let j = start; j < end; j++) {
      const area = Math.abs((ax - avgX) * (points[j][1] - ay) - (ax - points[j][0]) * (avgY - ay));
      if (area > best) { best = area; bestIdx = j; }
    }
    out.push(points[bestIdx]);
    a = bestIdx;
  }
  out.push(points[n - 1]);
  return out;
}

/** Min/max decimation: per bucket of x, the lowest and highest point in time order (keeps every spike). */
export function minMaxDecimate(points, buckets) {
  const n = points.length;
  if (n <= buckets * 2 || buckets < 1) return points.slice();
  const out = [];
  const size = n / buckets;
  for (let b = 0; b < buckets; b++) {
    const s = Math.floor(b * size), e = Math.min(n, Math.floor((b + 1) * size));
    let lo = s, hi = s;
    for (let j = s; j < e; j++) {
      if (points[j][1] < points[lo][1]) lo = j;
      if (points[j][1] > points[hi][1]) hi = j;
    }
    if (lo === hi) out.push(points[lo]);
    else if (lo < hi) out.push(points[lo], points[hi]);
    else out.push(points[hi], points[lo]);
  }
  return out;
}

/** Appends to a bounded series, dropping the oldest points beyond `max` (the page's per-machine memory). */
export function pushBounded(series, point, max) {
  series.push(point);
  if (series.length > max) series.splice(0, series.length - max);
  return series;
}

/** A duration in ms as a short human text: 850 ms, 4.2 s, 3 min, 5.5 h, 2.1 d. */
export function fmtDuration(ms) {
  if (typeof ms !== 'number' || !isFinite(ms)) return '—';
  const sign = ms < 0 ? '−' : '';
  const a = Math.abs(ms);
  if (a < 1000) return sign + Math.round(a) + ' ms';
  if (a < 60_000) return sign + (a / 1000).toFixed(1) + ' s';
  if (a < 3_600_000) return sign + Math.round(a / 60_000) + ' min';
  if (a < 86_400_000) return sign + (a / 3_600_000).toFixed(1) + ' h';
  return sign + (a / 86_400_000).toFixed(1) + ' d';
}

/** Epoch ms as ISO-like UTC text (simulated and wall clocks are both shown in UTC). */
export function fmtTime(ms) {
  if (typeof ms !== 'number' || !isFinite(ms)) return '—';
  return new Date(ms).toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC');
}

/** Integer cents as euros, e.g. 123456 → "€1,234.56". */
export function fmtCents(c) {
  if (typeof c !== 'number' || !isFinite(c)) return '—';
  return '€' + (c / 100).toLocaleString('en-GB', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
}

const num = (x) => (typeof x === 'number' && isFinite(x) ? x : null);

/**
 * Lays out a production schedule as Gantt rows: one row per work centre, maintenance windows and
 * moved orders flagged, rows with maintenance first; x is a 0..1 fraction of [fromMs, toMs].
 */
export function ganttLayout(orders, workOrders, moves, opts) {
  const maxRows = (opts && opts.maxRows) || 40;
  const moved = new Set((moves || []).map((m) => m.productionOrderId));
  const all = [];
  for (const o of orders || []) if (num(o.startMs) !== null && num(o.endMs) !== null) all.push({ kind: moved.has(o.id) ? 'moved' : 'production', row: o.workCentre, id: o.id, label: o.product || o.id, startMs: o.startMs, endMs: o.endMs });
  for (const w of workOrders || []) {
    const s = num(w.actualStartMs) ?? num(w.plannedStartMs), e = num(w.actualEndMs) ?? num(w.plannedEndMs);
    if (s !== null && e !== null) all.push({ kind: 'maintenance', row: w.machine, id: w.id, label: (w.id || '') + ' ' + (w.status || ''), startMs: s, endMs: e });
  }
  let fromMs = opts && num(opts.fromMs) !== null ? opts.fromMs : Math.min(...all.map((b) => b.startMs));
  let toMs = opts && num(opts.toMs) !== null ? opts.toMs : Math.max(...all.map((b) => b.endMs));
  if (!isFinite(fromMs) || !isFinite(toMs) || toMs <= fromMs) return { rows: [], fromMs: 0, toMs: 1, hiddenRows: 0 };
  const byRow = new Map();
  for (const b of all) {
    if (b.endMs <= fromMs || b.startMs >= toMs || !b.row) continue;
    const x0 = (Math.max(b.startMs, fromMs) - fromMs) / (toMs - fromMs), x1 = (Math.min(b.endMs, toMs) - fromMs) / (toMs - fromMs);
    if (!byRow.has(b.row)) byRow.set(b.row, []);
    byRow.get(b.row).push({ ...b, x0, x1 });
  }
  const score = (bars) => (bars.some((b) => b.kind === 'maintenance') ? 0 : bars.some((b) => b.kind === 'moved') ? 1 : 2);
  const rows = [...byRow.entries()].map(([name, bars]) => ({ name, bars: bars.sort((a, b) => a.startMs - b.startMs) }))
    .sort((a, b) => score(a.bars) - score(b.bars) || a.name.localeCompare(b.name));
  return { rows: rows.slice(0, maxRows), fromMs, toMs, hiddenRows: Math.max(0, rows.length - maxRows) };
}

/** Bearing defect frequencies (Hz) to mark on a spectrum: orders of shaft speed × shaft speed. */
export function defectMarkers(evidence) {
  const out = [];
  if (!evidence || !(evidence.shaftHz > 0)) return out;
  const f = evidence.shaftHz;
  out.push({ name: '1x', hz: f });
  if (evidence.defectOrders) for (const k of ['bpfo', 'bpfi', 'bsf', 'ftf']) if (evidence.defectOrders[k] > 0) out.push({ name: k.toUpperCase(), hz: evidence.defectOrders[k] * f });
  return out;
}

/** Machine key used in URLs and maps: site/line/machine. */
export function machineKey(m) {
  return m.site + '/' + m.line + '/' + m.machine;
}

/** Whether a fleet row passes the filters (site, state, type, free-text search over its names). */
export function matchesFilter(m, f) {
  const state = m.status ? m.status.state : 'no-status';
  if (f.site && m.site !== f.site) return false;
  if (f.state && state !== f.state) return false;
  if (f.type && m.machineType !== f.type) return false;
  if (f.q) {
    const q = f.q.toLowerCase();
    if (!(m.machine.toLowerCase().includes(q) || m.line.toLowerCase().includes(q) || m.site.toLowerCase().includes(q) || m.machineType.toLowerCase().includes(q))) return false;
  }
  return true;
}
