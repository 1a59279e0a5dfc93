// SKAB benchmark: npm run bench:skab -- --data DIR [--detector NAME] [--json FILE]
//   (= node --import tsx eval/skab/run.ts ...; JSON by default in artifacts/bench-skab.json)
// Runs each detector over the 34 labelled files under the published protocol (see protocol.ts).
// The threshold is the stack's own: margin × the training part's score quantile, never a test label.
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { parseCsv, toSeries, createDetectorStack, type DetectorName, type DetectorStackConfig } from '../../src/edge/offline/index.ts';
import { addConfusion, confusion, metrics, SKAB_LEADERBOARD, SKAB_TRAIN_ROWS, type Confusion, type SkabMetrics } from './protocol.ts';

/** The eight sensor channels; `anomaly` and `changepoint` are labels. */
export const SKAB_CHANNELS = ['Accelerometer1RMS', 'Accelerometer2RMS', 'Current', 'Pressure', 'Temperature', 'Thermocouple', 'Voltage', 'Volume Flow RateRMS'];

/** The detectors compared, each a configuration of the offline detector stack. */
export const SKAB_DETECTORS: Record<string, Omit<DetectorStackConfig, 'trainRows'>> = {
  // Single detectors alone (without the offline stack's per-channel shape members).
  baseline: { detectors: ['baseline'], shape: false },
  cusum: { detectors: ['cusum'], shape: false },
  hst: { detectors: ['hst'], shape: false },
  pca: { detectors: ['pca'], shape: false },
  // The `edge-pdm detect` default: the four fused, plus the shape members, damping and slow adaptation.
  ensemble: { detectors: ['baseline', 'cusum', 'hst', 'pca'] satisfies DetectorName[] },
  // The four fused alone, as the stack was before the shape members (never learns flagged rows).
  'ensemble-core': { detectors: ['baseline', 'cusum', 'hst', 'pca'], shape: false, adaptEvery: 0, dampingRows: 0 },
  'ensemble-max': { detectors: ['baseline', 'cusum', 'hst', 'pca'], fusion: 'max' },
  // Without the EWMA pre-filter: shows what the MEWMA-style smoothing contributes.
  'pca-raw': { detectors: ['pca'], inputSmoothing: 0, shape: false },
  'ensemble-raw': { detectors: ['baseline', 'cusum', 'hst', 'pca'], inputSmoothing: 0 },
};

/** The folders of SKAB's labelled files. */
export const SKAB_SUBFOLDERS = ['valve1', 'valve2', 'other'] as const;

/** Why `dir` is not a SKAB data folder (missing, not a folder, or a subfolder without CSV files), or null when it is one. */
export function skabDirProblem(dir: string): string | null {
  let isDir = false;
  try {
    isDir = statSync(dir).isDirectory();
  } catch {
    isDir = false;
  }
  if (!isDir) return `"${dir}" does not exist or is not a folder`;
  const missing = SKAB_SUBFOLDERS.filter((sub) => {
    try {
      return !readdirSync(join(dir, sub)).some((f) => f.endsWith('.csv'));
    } catch {
      return true;
    }
  });
  if (missing.length === 0) return null;
  return `"${dir}" is not a SKAB data folder: no CSV files in ${missing.map((m) => `${m}/`).join(', ')}; it should hold ${SKAB_SUBFOLDERS.map((m) => `${m}/`).join(', ')} with SKAB's labelled CSV files`;
}

/** The labelled files (valve1, valve2, other), sorted, as paths. */
export function skabFiles(dir: string): string[] {
  return SKAB_SUBFOLDERS.flatMap((sub) =>
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

const USAGE = 'usage: npm run bench:skab -- --data DIR [--detector NAME] [--json FILE]\n  DIR: the SKAB data folder (valve1/, valve2/, other/), e.g. ../shared/data/skab\n';

/** Rows for `npm run bench`'s summary: the edge default detector's F1, FAR and MAR beside the best published. */
export function skabSummary(name: string, m: SkabMetrics): { name: string; value: number; unit: string; note: string }[] {
  const best = [...SKAB_LEADERBOARD].sort((a, b) => b.f1 - a.f1)[0]!;
  return [
    { name: `SKAB F1, edge-pdm ${name}`, value: Number(m.f1.toFixed(3)), unit: '', note: `best published ${best.name} ${best.f1}` },
    { name: `SKAB false-alarm rate, edge-pdm ${name}`, value: Number(m.farPct.toFixed(2)), unit: '%', note: `${best.name} ${best.farPct} %` },
    { name: `SKAB missed-alarm rate, edge-pdm ${name}`, value: Number(m.marPct.toFixed(2)), unit: '%', note: `${best.name} ${best.marPct} %` },
  ];
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { data: { type: 'string' }, detector: { type: 'string' }, json: { type: 'string', default: 'artifacts/bench-skab.json' } } });
  if (!values.data) {
    process.stderr.write(`bench:skab: --data DIR is required (SKAB is not in this repository)\n${USAGE}`);
    process.exit(2);
  }
  const problem = skabDirProblem(values.data);
  if (problem) {
    process.stderr.write(`bench:skab: ${problem}\n${USAGE}`);
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
  // The summary reports the edge's default (`edge-pdm detect`: the mean-fused ensemble) unless one detector was asked for.
  const headline = values.detector ?? 'ensemble';
  mkdirSync(dirname(values.json!), { recursive: true });
  writeFileSync(
    values.json!,
    `${JSON.stringify({ bench: 'skab', protocol: 'SKAB outlier detection, 34 files, first 400 rows train', files: files.length, results, leaderboard: SKAB_LEADERBOARD, summary: skabSummary(headline, results[headline]!) }, null, 2)}\n`,
  );
  process.stderr.write(`JSON in ${values.json}\n`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((e: unknown) => {
    process.stderr.write(`bench:skab: ${(e as Error).message}\n`);
    process.exitCode = 1;
  });
}
