#!/usr/bin/env node
// `npm run bench [-- --skab DIR] [--machines N]`: runs the benchmarks (simulator, edge agent,
// SKAB) one after another, each as its own process (so one's heap does not slow the next). Figures are medians over runs; the
// machines here are small and noisy, so read ratios, not single numbers.
import { spawnSync } from 'node:child_process';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { skab: { type: 'string' }, machines: { type: 'string' } } });
const node = (args) => spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', ...args], { stdio: 'inherit' }).status ?? 1;

let failed = 0;
console.log('== simulator: 1,000-machine fleet ==');
failed += node(['eval/bench/simulator.ts', '--machines', values.machines ?? '1000', '--hours', '1']) ? 1 : 0;
console.log('\n== edge agent: features, detectors, latency, memory, 1,000 machines (JSON in artifacts/bench-edge.json) ==');
failed += node(['eval/bench/edge.ts', '--machines', values.machines ?? '1000', '--json', 'artifacts/bench-edge.json']) ? 1 : 0;
console.log('\n== edge models: ONNX autoencoder inference (onnxruntime-node) ==');
failed += node(['eval/bench/onnx.ts']) ? 1 : 0;
if (values.skab) {
  console.log('\n== edge detectors on SKAB (published protocol) ==');
  failed += node(['eval/skab/run.ts', '--data', values.skab]) ? 1 : 0;
} else {
  console.log('\n(SKAB skipped: pass --skab DIR, e.g. npm run bench -- --skab ../shared/data/skab)');
}
process.exit(failed ? 1 : 0);
