// Synthetic anomaly suite: node --import tsx eval/synthetic/run.ts [--per-type N] [--types a,b] [--json FILE]
// Scores every file of the seeded suite (src/edge/offline/anomaly-suite.test-support.ts) with
// `edge-pdm detect`'s pipeline and prints ROC-AUC and PR-AUC (average precision) per anomaly type.
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { detectCsv, type DetectorStackConfig } from '../../src/edge/offline/index.ts';
import { averagePrecision, rocAuc } from '../../src/edge/offline/ranking-metrics.ts';
import { ANOMALY_TYPES, makeFile, type AnomalyType } from '../../src/edge/offline/anomaly-suite.test-support.ts';

export interface TypeResult {
  rocAuc: number;
  prAuc: number;
  files: number;
}

/** Mean ROC-AUC and PR-AUC per type over seeds 1..perType. */
export function runSuite(perType: number, types: readonly AnomalyType[] = ANOMALY_TYPES, stack: Omit<DetectorStackConfig, 'trainRows'> = {}): Record<string, TypeResult> {
  const out: Record<string, TypeResult> = {};
  for (const type of types) {
    let roc = 0;
    let pr = 0;
    for (let seed = 1; seed <= perType; seed++) {
      const f = makeFile(type, seed);
      const r = detectCsv(f.csv, { stack });
      if (!r.ok) throw new Error(`${type} #${seed}: ${r.reason}`);
      roc += rocAuc(r.value.scores, f.labels);
      pr += averagePrecision(r.value.scores, f.labels);
    }
    out[type] = { rocAuc: roc / perType, prAuc: pr / perType, files: perType };
  }
  return out;
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { 'per-type': { type: 'string' }, types: { type: 'string' }, stack: { type: 'string' }, json: { type: 'string' } } });
  const perType = Number(values['per-type'] ?? 10);
  const types = (values.types?.split(',') ?? ANOMALY_TYPES) as AnomalyType[];
  const t0 = performance.now();
  const res = runSuite(perType, types, values.stack ? (JSON.parse(values.stack) as Omit<DetectorStackConfig, 'trainRows'>) : {});
  const lines = [`${'type'.padEnd(16)} ${'ROC-AUC'.padStart(8)} ${'PR-AUC'.padStart(8)}`];
  let sr = 0;
  let sp = 0;
  for (const [t, m] of Object.entries(res)) {
    lines.push(`${t.padEnd(16)} ${m.rocAuc.toFixed(3).padStart(8)} ${m.prAuc.toFixed(3).padStart(8)}`);
    sr += m.rocAuc;
    sp += m.prAuc;
  }
  const k = Object.keys(res).length;
  lines.push(`${'mean'.padEnd(16)} ${(sr / k).toFixed(3).padStart(8)} ${(sp / k).toFixed(3).padStart(8)}`);
  process.stdout.write(`${lines.join('\n')}\n(${perType} files per type, ${((performance.now() - t0) / 1000).toFixed(1)} s)\n`);
  if (values.json) writeFileSync(values.json, `${JSON.stringify(res, null, 2)}\n`);
}

if (import.meta.url === `file://${process.argv[1]}`) void main();
