// The one table `npm run bench` ends with: every benchmark's summary rows (name, figure, unit,
// target where an issue sets one, met?), gathered from the JSON reports the benchmarks wrote.
//
//   node --import tsx eval/bench/summary.ts [--out artifacts/bench-summary.json] [--failed NAME]... NAME=FILE...
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { runMain, writeReport, type SummaryRow, type Target } from './harness.ts';

/** A summary row with the benchmark it came from and whether it meets its target (null: no target or no value). */
export interface SummaryLine extends SummaryRow {
  part: string;
  met: boolean | null;
}

/** One benchmark's outcome as the runner saw it: its parsed report, or why there is none. */
export interface PartOutcome {
  name: string;
  report: unknown;
  /** Set when the benchmark failed or wrote no report. */
  failed?: string;
}

/** Whether `value` meets `target`; null when either is missing. */
export function isMet(value: number | null, target: Target | undefined): boolean | null {
  if (value === null || target === undefined) return null;
  switch (target.op) {
    case '>=': return value >= target.value;
    case '>': return value > target.value;
    case '<=': return value <= target.value;
    case '<': return value < target.value;
  }
}

const isRow = (r: unknown): r is SummaryRow => {
  const o = r as SummaryRow;
  return typeof o === 'object' && o !== null && typeof o.name === 'string' && typeof o.unit === 'string' && (o.value === null || typeof o.value === 'number');
};

/** The summary lines of every part, in order; a failed part or a report without rows becomes one n/a line. */
export function gather(parts: readonly PartOutcome[]): SummaryLine[] {
  const out: SummaryLine[] = [];
  for (const p of parts) {
    const rows = (p.report as { summary?: unknown } | null)?.summary;
    if (p.failed !== undefined || !Array.isArray(rows) || !rows.every(isRow)) {
      out.push({ part: p.name, name: p.name, value: null, unit: '', met: null, note: p.failed ?? 'report has no summary rows' });
      continue;
    }
    for (const r of rows) out.push({ ...r, part: p.name, met: isMet(r.value, r.target) });
  }
  return out;
}

/** A figure for people: four significant digits, thousands separated; n/a for null. */
export function formatValue(v: number | null): string {
  if (v === null || !Number.isFinite(v)) return 'n/a';
  if (v !== 0 && Math.abs(v) < 0.001) return v.toExponential(2);
  return v.toLocaleString('en', { maximumSignificantDigits: 4 });
}

const formatTarget = (t: Target | undefined) => (t ? `${t.op} ${formatValue(t.value)}` : '');
const formatMet = (m: boolean | null) => (m === null ? '' : m ? 'yes' : 'NO');

/** The table as fixed-width text: part, figure, value, unit, target, met?, note. */
export function formatTable(lines: readonly SummaryLine[]): string {
  const header = ['bench', 'figure', 'value', 'unit', 'target', 'met?', 'note'];
  const cells = lines.map((l) => [l.part, l.name, formatValue(l.value), l.unit, formatTarget(l.target), formatMet(l.met), l.note ?? '']);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const fmt = (c: string[]) => c.map((x, i) => (i === 2 ? x.padStart(widths[i]!) : x.padEnd(widths[i]!))).join('  ').trimEnd();
  return [fmt(header), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.map(fmt)].join('\n');
}

/** Counts of targets met and missed, for the last line. */
export function tally(lines: readonly SummaryLine[]): { met: number; missed: number; unmeasured: number } {
  return {
    met: lines.filter((l) => l.met === true).length,
    missed: lines.filter((l) => l.met === false).length,
    unmeasured: lines.filter((l) => l.value === null).length,
  };
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { out: { type: 'string', default: 'artifacts/bench-summary.json' }, failed: { type: 'string', multiple: true, default: [] }, quick: { type: 'boolean', default: false } },
  });
  const failed = new Set(values.failed);
  const parts: PartOutcome[] = positionals.map((p) => {
    const eq = p.indexOf('=');
    if (eq < 1) throw new Error(`expected NAME=FILE, got "${p}"`);
    const name = p.slice(0, eq);
    const file = p.slice(eq + 1);
    if (failed.has(name)) return { name, report: null, failed: 'benchmark failed (see its output above)' };
    try {
      return { name, report: JSON.parse(readFileSync(file, 'utf8')) as unknown };
    } catch (e) {
      return { name, report: null, failed: `no report at ${file} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})` };
    }
  });
  const lines = gather(parts);
  const t = tally(lines);
  process.stdout.write(`${formatTable(lines)}\n\ntargets met: ${t.met}, missed: ${t.missed}; figures not measured: ${t.unmeasured}\n`);
  await writeReport(values.out!, { generatedAt: new Date().toISOString(), quick: values.quick, tally: t, summary: lines });
  process.stderr.write(`summary JSON in ${values.out}\n`);
}

if (import.meta.url === `file://${process.argv[1]}`) runMain(main);
