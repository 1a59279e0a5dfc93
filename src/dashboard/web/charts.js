// Small SVG charts drawn by hand (no chart library, nothing from a CDN): a time series, a
// spectrum with marked frequencies, and a Gantt chart. Each returns an <svg> with role="img".
import { lttb, fmtTime } from './lib.js';

const NS = 'http://www.w3.org/2000/svg';

function svgEl(tag, attrs, text) {
  const e = document.createElementNS(NS, tag);
  for (const k in attrs) e.setAttribute(k, String(attrs[k]));
  if (text !== undefined) e.textContent = text;
  return e;
}

function frame(w, h, label) {
  const svg = svgEl('svg', { viewBox: `0 0 ${w} ${h}`, width: '100%', role: 'img', 'aria-label': label, class: 'chart' });
  svg.appendChild(svgEl('title', {}, label));
  return svg;
}

function niceRange(values) {
  let lo = Infinity, hi = -Infinity;
  for (const v of values) { if (v < lo) lo = v; if (v > hi) hi = v; }
  if (!isFinite(lo)) return [0, 1];
  if (lo === hi) return [lo - 1, hi + 1];
  const pad = (hi - lo) * 0.05;
  return [lo - pad, hi + pad];
}

/** A time series [[ms, value]...] decimated to the chart's width with LTTB. */
export function lineChart(points, opts) {
  const w = opts.width || 520, h = opts.height || 140, m = { l: 46, r: 8, t: 18, b: 20 };
  const svg = frame(w, h, opts.label);
  svg.appendChild(svgEl('text', { x: m.l, y: 12, class: 'ct' }, opts.label));
  if (points.length < 2) {
    svg.appendChild(svgEl('text', { x: w / 2, y: h / 2, 'text-anchor': 'middle', class: 'muted' }, 'waiting for data…'));
    return svg;
  }
  const pts = lttb(points, Math.floor(w - m.l - m.r));
  const x0 = pts[0][0], x1 = pts[pts.length - 1][0] || x0 + 1;
  const [y0, y1] = niceRange(pts.map((p) => p[1]).concat(opts.threshold !== undefined ? [opts.threshold] : []));
  const X = (t) => m.l + ((t - x0) / Math.max(1, x1 - x0)) * (w - m.l - m.r);
  const Y = (v) => h - m.b - ((v - y0) / (y1 - y0)) * (h - m.t - m.b);
  svg.appendChild(svgEl('rect', { x: m.l, y: m.t, width: w - m.l - m.r, height: h - m.t - m.b, class: 'plot' }));
  for (const v of [y0, (y0 + y1) / 2, y1]) svg.appendChild(svgEl('text', { x: m.l - 4, y: Y(v) + 4, 'text-anchor': 'end', class: 'tick' }, v.toPrecision(3)));
  svg.appendChild(svgEl('text', { x: m.l, y: h - 4, class: 'tick' }, fmtTime(x0)));
  svg.appendChild(svgEl('text', { x: w - m.r, y: h - 4, 'text-anchor': 'end', class: 'tick' }, fmtTime(x1)));
  if (opts.threshold !== undefined) svg.appendChild(svgEl('line', { x1: m.l, x2: w - m.r, y1: Y(opts.threshold), y2: Y(opts.threshold), class: 'thr' }));
  svg.appendChild(svgEl('polyline', { points: pts.map((p) => X(p[0]).toFixed(1) + ',' + Y(p[1]).toFixed(1)).join(' '), class: 'series' }));
  return svg;
}

/** An amplitude spectrum (evenly spaced bins) with vertical markers at named frequencies (and 2 harmonics). */
export function spectrumChart(spec, markers, opts) {
  const w = opts.width || 520, h = opts.height || 170, m = { l: 46, r: 8, t: 18, b: 30 };
  const svg = frame(w, h, opts.label);
  svg.appendChild(svgEl('text', { x: m.l, y: 12, class: 'ct' }, opts.label));
  const vals = spec && Array.isArray(spec.values) ? spec.values : [];
  if (vals.length < 2) {
    svg.appendChild(svgEl('text', { x: w / 2, y: h / 2, 'text-anchor': 'middle', class: 'muted' }, 'no spectrum in this incident\'s evidence'));
    return svg;
  }
  const maxHz = spec.binHz * (vals.length - 1);
  const [, y1] = niceRange(vals);
  const X = (f) => m.l + (f / maxHz) * (w - m.l - m.r);
  const Y = (v) => h - m.b - (Math.max(0, v) / y1) * (h - m.t - m.b);
  svg.appendChild(svgEl('rect', { x: m.l, y: m.t, width: w - m.l - m.r, height: h - m.t - m.b, class: 'plot' }));
  for (const [f, anchor] of [[0, 'start'], [maxHz / 2, 'middle'], [maxHz, 'end']]) svg.appendChild(svgEl('text', { x: X(f), y: h - 16, 'text-anchor': anchor, class: 'tick' }, Math.round(f) + ' Hz'));
  svg.appendChild(svgEl('text', { x: m.l - 4, y: Y(y1) + 8, 'text-anchor': 'end', class: 'tick' }, y1.toPrecision(3)));
  svg.appendChild(svgEl('polyline', { points: vals.map((v, i) => X(i * spec.binHz).toFixed(1) + ',' + Y(v).toFixed(1)).join(' '), class: 'series' }));
  let row = 0;
  for (const mk of markers) {
    for (let k = 1; k <= (mk.harmonics || 1); k++) {
      const f = mk.hz * k;
      if (f > maxHz) break;
      const g = svgEl('g', { class: k === 1 ? 'marker' : 'marker harmonic', 'data-marker': mk.name });
      g.appendChild(svgEl('line', { x1: X(f), x2: X(f), y1: m.t, y2: h - m.b }));
      if (k === 1) g.appendChild(svgEl('text', { x: X(f) + 2, y: m.t + 10 + 11 * (row++ % 4), class: 'mk' }, mk.name + ' ' + f.toFixed(1) + ' Hz'));
      g.appendChild(svgEl('title', {}, mk.name + (k > 1 ? ' ×' + k : '') + ' = ' + f.toFixed(1) + ' Hz'));
      svg.appendChild(g);
    }
  }
  return svg;
}

/** A Gantt chart of ganttLayout(...): production orders, moved orders and maintenance windows per work centre. */
export function ganttChart(layout, opts) {
  const rowH = 22, labelW = 150, w = (opts && opts.width) || 1100, top = 26;
  const h = top + layout.rows.length * rowH + 24;
  const svg = frame(w, h, (opts && opts.label) || 'Production schedule');
  const X = (x) => labelW + x * (w - labelW - 10);
  const span = layout.toMs - layout.fromMs;
  const dayMs = 86_400_000;
  const firstDay = Math.ceil(layout.fromMs / dayMs) * dayMs;
  for (let t = firstDay; t < layout.toMs; t += dayMs) {
    const x = X((t - layout.fromMs) / span);
    svg.appendChild(svgEl('line', { x1: x, x2: x, y1: top - 4, y2: h - 20, class: 'grid' }));
    svg.appendChild(svgEl('text', { x: x + 2, y: top - 8, class: 'tick' }, new Date(t).toISOString().slice(5, 10)));
  }
  layout.rows.forEach((r, i) => {
    const y = top + i * rowH;
    svg.appendChild(svgEl('text', { x: 4, y: y + 15, class: 'rowlabel' }, r.name));
    // Maintenance windows last, so they sit on top of the production they interrupt.
    const order = { production: 0, moved: 1, maintenance: 2 };
    for (const b of [...r.bars].sort((p, q) => order[p.kind] - order[q.kind])) {
      const g = svgEl('g', { class: 'bar bar-' + b.kind, 'data-kind': b.kind, 'data-id': b.id });
      const bw = Math.max(2, X(b.x1) - X(b.x0));
      g.appendChild(svgEl('rect', { x: X(b.x0), y: y + 3, width: bw, height: rowH - 6, rx: 2 }));
      g.appendChild(svgEl('title', {}, (b.kind === 'maintenance' ? 'Maintenance window ' : b.kind === 'moved' ? 'Moved production order ' : 'Production order ') + b.label + ': ' + fmtTime(b.startMs) + ' → ' + fmtTime(b.endMs)));
      svg.appendChild(g);
    }
  });
  if (opts && typeof opts.nowMs === 'number' && opts.nowMs > layout.fromMs && opts.nowMs < layout.toMs) {
    const x = X((opts.nowMs - layout.fromMs) / span);
    svg.appendChild(svgEl('line', { x1: x, x2: x, y1: top - 4, y2: h - 20, class: 'now' }));
    svg.appendChild(svgEl('text', { x: x + 2, y: h - 6, class: 'tick' }, 'now (enterprise clock)'));
  }
  return svg;
}
