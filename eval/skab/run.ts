// SKAB benchmark: node --import tsx eval/skab/run.ts --data DIR [--detector NAME] [--json FILE]
// Runs each detector over the 34 labelled files under the published protocol (see protocol.ts).
// The threshold is the stack's own: margin × the training part's score quantile, never a test label.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { parseCsv, toSeries, createDetectorStack, type DetectorName, type DetectorStackConfig } from '../../src/edge/offline/index.ts';
import { addConfusion, confusion, metrics, SKAB_LEADERBOARD, SKAB_TRAIN_ROWS, type Confusion, type SkabMetrics } from './protocol.ts';

/** The eight sensor channels; `anomaly` and `changepoint` are labels. */
export const SKAB_CHANNELS = ['Accelerometer1RMS', 'Accelerometer2RMS', 'Current', 'Pressure', 'Temperature', 'Thermocouple', 'Voltage', 'Volume Flow RateRMS'];

/** The detectors compared, each a configuration of the offline detector stack. */
export const SKAB_DETECTORS: Record<string, Omit<DetectorStackConfig, 'trainRows'>> = {
  baseline: { detectors: ['baseline'] },
  cusum: { detectors: ['cusum'] },
  hst: { detectors: ['hst'] },
  pca: { detectors: ['pca'] },
  ensemble: { detectors: ['baseline', 'cusum', 'hst', 'pca'] satisfies DetectorName[] },
  'ensemble-max': { detectors: ['baseline', 'cusum', 'hst', 'pca'], fusion: 'max' },
  // Without the EWMA pre-filter: shows what the MEWMA-style smoothing contributes.
  'pca-raw': { detectors: ['pca'], inputSmoothing: 0 },
  'ensemble-raw': { detectors: ['baseline', 'cusum', 'hst', 'pca'], inputSmoothing: 0 },
};

/** The labelled files (valve1, valve2, other), sorted, as paths. */
export function skabFiles(dir: string): string[] {
  return ['valve1', 'valve2', 'other'].flatMap((sub) =>
    readdirSync(join(dir, sub))
      .filter((f) => f.endsWith('.csv'))
      .sort((a, b) => parseInt(a) - parseInt(b))
      .map((f) => join(dir, sub, f)),
  );
}

/** Runs one detector configuration over one file; returns per-row predictions and labels. */
export function runFile(text: string, stack: Omit<DetectorStackConfig, 'trainRows'>): { predicted: boolean[]; labels: number[] } {
  const table = parseCsv(text, ';');
  if (!table.ok) throw new Error(table.reason);
  const series = toSeries(table.value, { timeColumn: 'datetime', columns: SKAB_CHANNELS });
  if (!series.ok) throw new Error(series.reason);
  const li = table.value.header.indexOf('anomaly');
  const labels = table.value.rows.map((r) => Number(r[li]));
  const s = createDetectorStack({ ...stack, trainRows: SKAB_TRAIN_ROWS });
  const predicted = series.value.rows.map((x) => s.step(x).flagged);
  return { predicted, labels };
}

/** Runs one detector over every file, pooling the counts. */
export function runDetector(files: { path: string; text: string }[], stack: Omit<DetectorStackConfig, 'trainRows'>): SkabMetrics {
  let total: Confusion = { tp: 0, fp: 0, fn: 0, tn: 0 };
  for (const f of files) {
    const { predicted, labels } = runFile(f.text, stack);
    total = addConfusion(total, confusion(predicted, labels));
  }
  return metrics(total);
}

const fmt = (name: string, m: { f1: number; farPct: number; marPct: number }) =>
  `${name.padEnd(26)} ${m.f1.toFixed(2).padStart(5)} ${m.farPct.toFixed(2).padStart(8)} ${m.marPct.toFixed(2).padStart(8)}`;

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { data: { type: 'string' }, detector: { type: 'string' }, json: { type: 'string' } } });
  if (!values.data) {
    process.stderr.write('usage: node --import tsx eval/skab/run.ts --data DIR [--detector NAME] [--json FILE]\n');
    process.exit(2);
  }
  const names = values.detector ? [values.detector] : Object.keys(SKAB_DETECTORS);
  for (const n of names) {
    if (!SKAB_DETECTORS[n]) {
      process.stderr.write(`unknown detector "${n}" (one of ${Object.keys(SKAB_DETECTORS).join(', ')})\n`);
      process.exit(2);
    }
  }
  const files = skabFiles(values.data).map((path) => ({ path, text: readFileSync(path, 'utf8') }));
  process.stderr.write(`SKAB: ${files.length} labelled files, first ${SKAB_TRAIN_ROWS} rows of each train\n`);
  const results: Record<string, SkabMetrics> = {};
  for (const n of names) {
    const t0 = performance.now();
    results[n] = runDetector(files, SKAB_DETECTORS[n]!);
    process.stderr.write(`  ${n}: ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
  }
  const lines = [`${'detector'.padEnd(26)} ${'F1'.padStart(5)} ${'FAR %'.padStart(8)} ${'MAR %'.padStart(8)}`];
  for (const [n, m] of Object.entries(results)) lines.push(fmt(`edge-pdm ${n}`, m));
  lines.push('-- published (SKAB leaderboard) --');
  for (const l of SKAB_LEADERBOARD) lines.push(fmt(l.name, l));
  process.stdout.write(`${lines.join('\n')}\n`);
  if (values.json) writeFileSync(values.json, `${JSON.stringify({ protocol: 'SKAB outlier detection, 34 files, first 400 rows train', results, leaderboard: SKAB_LEADERBOARD }, null, 2)}\n`);
}

if (import.meta.url === `file://${process.argv[1]}`) void main();
