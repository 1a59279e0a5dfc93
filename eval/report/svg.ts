// Small inline-SVG charts for the offline HTML report: no scripts, no external files.

const esc = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const fmt = (x: number): string => (Math.abs(x) >= 100 ? x.toFixed(0) : Math.abs(x) >= 10 ? x.toFixed(1) : x.toFixed(2));

export { esc, fmt };

/** Histogram of `values` in `bins` equal bins. */
export function histogramSvg(values: number[], opts: { title: string; xLabel: string; bins?: number }): string {
  const W = 480, H = 240, L = 40, B = 36, T = 24;
  if (values.length === 0) return `<svg class="hist" width="${W}" height="60" xmlns="http://www.w3.org/2000/svg"><text x="10" y="30">${esc(opts.title)}: no data</text></svg>`;
  const bins = opts.bins ?? Math.min(12, Math.max(3, Math.ceil(Math.sqrt(values.length))));
  const lo = Math.min(0, ...values), hi = Math.max(...values, lo + 1);
  const w = (hi - lo) / bins;
  const counts = Array.from({ length: bins }, (_, i) => values.filter((v) => (i === bins - 1 ? v >= lo + i * w : v >= lo + i * w && v < lo + (i + 1) * w)).length);
  const max = Math.max(...counts, 1);
  const bw = (W - L - 10) / bins;
  const bars = counts.map((c, i) => {
    const h = ((H - B - T) * c) / max;
    return `<rect x="${L + i * bw + 1}" y="${H - B - h}" width="${bw - 2}" height="${h}" fill="#4a7ab0"><title>${fmt(lo + i * w)}–${fmt(lo + (i + 1) * w)}: ${c}</title></rect>` +
      (c ? `<text x="${L + i * bw + bw / 2}" y="${H - B - h - 3}" text-anchor="middle" font-size="10">${c}</text>` : '');
  });
  const ticks = [0, bins / 2, bins].map((i) => `<text x="${L + i * bw}" y="${H - B + 14}" text-anchor="middle" font-size="10">${fmt(lo + i * w)}</text>`);
  return `<svg class="hist" width="${W}" height="${H}" xmlns="http://www.w3.org/2000/svg" font-family="sans-serif">
<text x="${W / 2}" y="14" text-anchor="middle" font-size="12">${esc(opts.title)}</text>${bars.join('')}${ticks.join('')}
<line x1="${L}" y1="${H - B}" x2="${W - 10}" y2="${H - B}" stroke="#333"/><text x="${W / 2}" y="${H - 6}" text-anchor="middle" font-size="11">${esc(opts.xLabel)}</text>
<text x="12" y="${(H - B) / 2}" font-size="11" transform="rotate(-90 12 ${(H - B) / 2})" text-anchor="middle">faults</text></svg>`;
}

/** Confusion matrix: rows true class, columns predicted label, cells shaded by row share. */
export function confusionSvg(confusion: Record<string, Record<string, number>>, labels: string[]): string {
  const rows = Object.keys(confusion);
  if (rows.length === 0) return `<svg class="confusion" width="300" height="40" xmlns="http://www.w3.org/2000/svg"><text x="10" y="25">no diagnosed incidents</text></svg>`;
  const cell = 34, L = 170, T = 130;
  const W = L + labels.length * cell + 10, H = T + rows.length * cell + 10;
  const out: string[] = [];
  labels.forEach((l, j) => out.push(`<text x="${L + j * cell + cell / 2}" y="${T - 6}" font-size="10" transform="rotate(-60 ${L + j * cell + cell / 2} ${T - 6})">${esc(l)}</text>`));
  rows.forEach((r, i) => {
    const total = Object.values(confusion[r]!).reduce((s, v) => s + v, 0) || 1;
    out.push(`<text x="${L - 6}" y="${T + i * cell + cell / 2 + 4}" font-size="10" text-anchor="end">${esc(r)}</text>`);
    labels.forEach((l, j) => {
      const n = confusion[r]![l] ?? 0;
      const a = n / total;
      const color = l === r ? `rgba(40,140,60,${0.15 + 0.85 * a})` : `rgba(200,60,40,${a})`;
      out.push(`<rect x="${L + j * cell}" y="${T + i * cell}" width="${cell - 1}" height="${cell - 1}" fill="${n ? color : '#f4f4f4'}"><title>${esc(r)} → ${esc(l)}: ${n}</title></rect>`);
      if (n) out.push(`<text x="${L + j * cell + cell / 2}" y="${T + i * cell + cell / 2 + 4}" text-anchor="middle" font-size="11">${n}</text>`);
    });
  });
  return `<svg class="confusion" width="${W}" height="${H}" xmlns="http://www.w3.org/2000/svg" font-family="sans-serif"><text x="4" y="14" font-size="12">rows: true fault · columns: diagnosis</text>${out.join('')}</svg>`;
}

/** Stacked bars per policy: maintenance cost and production lost, EUR. */
export function costSvg(policies: { name: string; maintenance: number; production: number }[]): string {
  const W = 480, H = 260, L = 70, B = 40, T = 30;
  const max = Math.max(1, ...policies.map((p) => p.maintenance + p.production));
  const bw = Math.min(90, (W - L - 20) / Math.max(1, policies.length));
  const y = (v: number) => H - B - ((H - B - T) * v) / max;
  const bars = policies.map((p, i) => {
    const x = L + i * (bw + 20) + 10;
    return `<rect x="${x}" y="${y(p.maintenance)}" width="${bw}" height="${H - B - y(p.maintenance)}" fill="#4a7ab0"><title>maintenance ${fmt(p.maintenance)} EUR</title></rect>` +
      `<rect x="${x}" y="${y(p.maintenance + p.production)}" width="${bw}" height="${y(p.maintenance) - y(p.maintenance + p.production)}" fill="#d08040"><title>production lost ${fmt(p.production)} EUR</title></rect>` +
      `<text x="${x + bw / 2}" y="${y(p.maintenance + p.production) - 4}" text-anchor="middle" font-size="10">${fmt(p.maintenance + p.production)}</text>` +
      `<text x="${x + bw / 2}" y="${H - B + 14}" text-anchor="middle" font-size="11">${esc(p.name)}</text>`;
  });
  return `<svg class="cost" width="${W}" height="${H}" xmlns="http://www.w3.org/2000/svg" font-family="sans-serif">
<text x="4" y="14" font-size="12">total cost per policy, EUR (blue: maintenance and parts, orange: production lost)</text>
${bars.join('')}<line x1="${L}" y1="${H - B}" x2="${W - 10}" y2="${H - B}" stroke="#333"/>
<text x="${L - 6}" y="${T + 4}" text-anchor="end" font-size="10">${fmt(max)}</text><text x="${L - 6}" y="${H - B}" text-anchor="end" font-size="10">0</text></svg>`;
}

/** A time series (two y series on one time axis) with vertical event markers. */
export function signalSvg(opts: {
  title: string;
  points: { ts: number; a: number; b: number | null }[];
  aLabel: string;
  bLabel: string;
  markers: { atMs: number; label: string; color: string }[];
}): string {
  const W = 720, H = 280, L = 50, R = 50, B = 40, T = 30;
  const pts = opts.points;
  if (pts.length < 2) return `<svg class="signal" width="${W}" height="40" xmlns="http://www.w3.org/2000/svg"><text x="10" y="25">no signal recorded</text></svg>`;
  const t0 = Math.min(pts[0]!.ts, ...opts.markers.map((m) => m.atMs)), t1 = Math.max(pts[pts.length - 1]!.ts, ...opts.markers.map((m) => m.atMs));
  const x = (t: number) => L + ((W - L - R) * (t - t0)) / Math.max(1, t1 - t0);
  const range = (vs: number[]) => {
    const lo = Math.min(...vs), hi = Math.max(...vs);
    return [lo, hi > lo ? hi : lo + 1] as const;
  };
  const [alo, ahi] = range(pts.map((p) => p.a));
  const bs = pts.flatMap((p) => (p.b === null ? [] : [p.b]));
  const [blo, bhi] = bs.length ? range(bs) : [0, 1];
  const ya = (v: number) => H - B - ((H - B - T) * (v - alo)) / (ahi - alo);
  const yb = (v: number) => H - B - ((H - B - T) * (v - blo)) / (bhi - blo);
  const pathA = pts.map((p, i) => `${i ? 'L' : 'M'}${x(p.ts).toFixed(1)},${ya(p.a).toFixed(1)}`).join('');
  const pathB = pts.filter((p) => p.b !== null).map((p, i) => `${i ? 'L' : 'M'}${x(p.ts).toFixed(1)},${yb(p.b!).toFixed(1)}`).join('');
  const marks = opts.markers.map((m, i) => `<line x1="${x(m.atMs)}" y1="${T}" x2="${x(m.atMs)}" y2="${H - B}" stroke="${m.color}" stroke-dasharray="4 3" stroke-width="1.5"/>` +
    `<text x="${x(m.atMs) + 3}" y="${T + 12 + 12 * i}" font-size="10" fill="${m.color}">${esc(m.label)}</text>`);
  const hours = (t1 - t0) / 3_600_000;
  return `<svg class="signal" width="${W}" height="${H}" xmlns="http://www.w3.org/2000/svg" font-family="sans-serif">
<text x="${W / 2}" y="14" text-anchor="middle" font-size="12">${esc(opts.title)}</text>
<path d="${pathA}" fill="none" stroke="#c03030" stroke-width="1.2"/>${pathB ? `<path d="${pathB}" fill="none" stroke="#3060a0" stroke-width="1.2"/>` : ''}
${marks.join('')}<line x1="${L}" y1="${H - B}" x2="${W - R}" y2="${H - B}" stroke="#333"/>
<text x="${L - 4}" y="${T + 4}" text-anchor="end" font-size="10" fill="#c03030">${fmt(ahi)}</text><text x="${L - 4}" y="${H - B}" text-anchor="end" font-size="10" fill="#c03030">${fmt(alo)}</text>
<text x="${W - R + 4}" y="${T + 4}" font-size="10" fill="#3060a0">${fmt(bhi)}</text><text x="${W - R + 4}" y="${H - B}" font-size="10" fill="#3060a0">${fmt(blo)}</text>
<text x="${L}" y="${H - B + 14}" font-size="10">0 h</text><text x="${W - R}" y="${H - B + 14}" text-anchor="end" font-size="10">${fmt(hours)} h</text>
<text x="${W / 2}" y="${H - 6}" text-anchor="middle" font-size="11"><tspan fill="#c03030">${esc(opts.aLabel)}</tspan> · <tspan fill="#3060a0">${esc(opts.bLabel)}</tspan></text></svg>`;
}
