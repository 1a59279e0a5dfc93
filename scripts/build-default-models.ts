// Builds the default edge models shipped in models/: one autoencoder per machine type, trained on
// healthy simulated windows through the edge's own feature extraction, exported as ONNX, with
// models/manifest.json pinning each file by SHA-256 (shipped models are not signed: no private key
// is committed). Also reports how well each model separates late-stage faults from healthy windows
// of machines it never saw (another seed), so a regression shows before the files are committed.
// More machines for fewer hours beats the reverse: the spread between machines (each draws its own
// 1x level, resonance, load) is what a model must not mistake for a fault (held-out healthy windows
// above p99: 5-6% with 6 machines x 24 h, ~1.3% with 12 x 12 h, for pump and motor).
//
//   node --import tsx scripts/build-default-models.ts [--machines 12] [--hours 12] [--out models] [--seed 1] [--types a,b]
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { MachineType, type TelemetryWindow } from '../src/core/index.ts';
import { createSimulator, faultAppliesTo, SIMULATED_FAULTS, type FaultInjection, type PlantConfig } from '../src/simulator/index.ts';
import { createFeatureExtractor } from '../src/edge/features/index.ts';
import { buildEdgeModel, scoreRow, type HealthyRow } from '../src/cloud/models/index.ts';
import type { ModelManifest } from '../src/core/index.ts';

const { values } = parseArgs({
  options: {
    machines: { type: 'string', default: '12' },
    hours: { type: 'string', default: '12' },
    out: { type: 'string', default: 'models' },
    seed: { type: 'string', default: '1' },
    types: { type: 'string' },
    version: { type: 'string', default: '1' },
  },
});
const START_MS = Date.UTC(2024, 0, 1);
const HOUR_MS = 3_600_000;
const INTERVAL_MS = 5 * 60_000; // the simulator's default condition-monitoring cadence
const extract = createFeatureExtractor();

function plantOf(type: MachineType, machines: number, prefix: string): PlantConfig {
  return {
    sites: [{ id: 'site-a', ambientMeanC: 22, lines: [{ id: 'line-1', machines: Array.from({ length: machines }, (_, i) => ({ id: `${prefix}-${i + 1}`, type })) }] }],
  } as PlantConfig;
}

/** Feature rows of every window of a simulated run; `keep` filters windows (e.g. late fault stages). */
function simulate(plant: PlantConfig, seed: number, hours: number, faults: FaultInjection[], keep: (w: TelemetryWindow) => boolean = () => true): HealthyRow[] {
  const sim = createSimulator({ plant, seed, startMs: START_MS, faults, windowIntervalMs: INTERVAL_MS });
  const births = new Map(sim.births.map((b) => [b.machine, b]));
  const rows: HealthyRow[] = [];
  while (sim.nowMs - START_MS < hours * HOUR_MS) {
    for (const w of sim.step()) {
      if (!keep(w)) continue;
      const f = extract(w, births.get(w.machine)!);
      if (f.ok) rows.push({ machine: w.machine, features: f.value.features });
    }
  }
  return rows;
}

/** Probability that a random fault row outscores a random healthy row (ROC AUC, ties count half). */
function auc(healthy: number[], faulty: number[]): number {
  let wins = 0;
  for (const f of faulty) for (const h of healthy) wins += f > h ? 1 : f === h ? 0.5 : 0;
  return wins / (healthy.length * faulty.length);
}

const machines = Number(values.machines);
const hours = Number(values.hours);
const seed = Number(values.seed);
const types = values.types ? (values.types.split(',') as MachineType[]) : MachineType.options;
const manifests: ModelManifest[] = [];
await mkdir(values.out, { recursive: true });
for (const type of types) {
  const t0 = performance.now();
  let rows: HealthyRow[];
  try {
    rows = simulate(plantOf(type, machines, 'train'), seed, hours, []);
  } catch (e) {
    console.log(`${type}: not simulatable (${(e as Error).message}); skipped`);
    continue;
  }
  if (rows.length < 50) {
    console.log(`${type}: only ${rows.length} usable windows; skipped`);
    continue;
  }
  const built = buildEdgeModel(rows, { machineType: type, version: Number(values.version), train: { seed } });
  await writeFile(join(values.out, `${type}.onnx`), built.onnx);
  manifests.push(built.manifest);

  // Held-out check on other machines (seed + 1000): healthy windows vs the last quarter before failure of each fault mode.
  const faults = SIMULATED_FAULTS.filter((f) => faultAppliesTo(f, type));
  const evalPlant = plantOf(type, faults.length + 2, 'eval');
  const injections: FaultInjection[] = faults.map((fault, i) => ({ machine: `eval-${i + 1}`, fault, onsetMs: START_MS + HOUR_MS, failureMs: START_MS + 13 * HOUR_MS }));
  const late = (w: TelemetryWindow) => w.machine.endsWith(`-${faults.length + 1}`) || w.machine.endsWith(`-${faults.length + 2}`) || w.ts >= START_MS + 10 * HOUR_MS;
  const evalRows = simulate(evalPlant, seed + 1000, 12.9, injections, late);
  const score = (r: HealthyRow) => scoreRow(built.model, built.manifest.featureNames.map((f) => r.features[f] ?? built.model.scaling.center[built.manifest.featureNames.indexOf(f)]!));
  const healthyIds = new Set([`eval-${faults.length + 1}`, `eval-${faults.length + 2}`]);
  const hs = evalRows.filter((r) => healthyIds.has(r.machine)).map(score);
  const p99 = built.manifest.healthyScoreP99;
  const perFault = faults.map((fault, i) => {
    const fs = evalRows.filter((r) => r.machine === `eval-${i + 1}`).map(score);
    return `${fault} AUC ${auc(hs, fs).toFixed(2)} (${fs.filter((s) => s > p99).length}/${fs.length} > p99)`;
  });
  console.log(
    `${type}: ${rows.length} windows from ${machines} machines, ${built.manifest.featureNames.length} features, ${built.report.bestEpoch}/${built.report.epochs} epochs, ` +
      `val loss ${built.report.validationLoss.toFixed(4)}, p99 ${p99.toFixed(3)}, ${built.onnx.byteLength} bytes, ${((performance.now() - t0) / 1000).toFixed(1)} s\n` +
      `  held-out healthy > p99: ${hs.filter((s) => s > p99).length}/${hs.length}; ${perFault.join('; ')}`,
  );
}
await writeFile(join(values.out, 'manifest.json'), `${JSON.stringify({ v: 1, models: manifests }, null, 2)}\n`);
console.log(`wrote ${manifests.length} models and manifest.json to ${values.out}/`);
