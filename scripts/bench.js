#!/usr/bin/env node
// `npm run bench [-- --quick] [--only a,b] [--skab DIR] [--machines N]`: runs every benchmark
// under eval/bench/ (and SKAB when given its data folder), each as its own process so one's heap
// does not slow the next, then prints one summary table (figure, unit, target, met?) and writes
// artifacts/bench-summary.json. Each benchmark also runs alone: `node --expose-gc --import tsx
// eval/bench/NAME.ts --help`-style flags are listed at the top of each file. Figures are medians
// over runs on small, shared machines: read ratios, not single digits. --quick shrinks every size
// (a smoke run of a few minutes, not figures to quote).
import { spawnSync } from 'node:child_process';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    only: { type: 'string' },
    skab: { type: 'string' },
    machines: { type: 'string' },
    out: { type: 'string', default: 'artifacts/bench-summary.json' },
  },
});
const q = values.quick;
const json = (name) => `artifacts/bench-${name}.json`;
const fleet = values.machines ?? (q ? '100' : '1000');

/** name, what it measures, script and arguments (full or --quick sizes). */
const benches = [
  ['simulator', `simulator: ${fleet}-machine fleet`, 'eval/bench/simulator.ts', ['--machines', fleet, '--hours', '1', '--runs', q ? '1' : '3', '--out', json('simulator')]],
  ['edge', `edge agent: features, detectors, latency, memory, ${fleet} machines`, 'eval/bench/edge.ts',
    ['--machines', fleet, '--json', json('edge'), ...(q ? ['--runs', '1', '--latency-machines', '5', '--cycles', '3', '--mqtt-cycles', '1', '--memory-machines', '10', '--memory-windows', '60'] : [])]],
  ['onnx', 'edge models: ONNX autoencoder inference (onnxruntime-node)', 'eval/bench/onnx.ts', ['--runs', q ? '1' : '5', '--out', json('onnx')]],
  ['mqtt', 'MQTT ingest: edge agent vs a null subscriber, aedes and Mosquitto', 'eval/bench/mqtt-ingest.ts',
    [...(q ? ['--machines', '10', '--steps', '8', '--runs', '1'] : []), '--json', json('mqtt')]],
  ['outbox', 'outbox (LMDB): put and drain with ack', 'eval/bench/outbox.ts', [...(q ? ['--entries', '200', '--runs', '1'] : []), '--json', json('outbox')]],
  ['cloud', 'cloud intake and diagnosis: embedded, NATS + PostgreSQL', 'eval/bench/cloud.ts',
    [...(q ? ['--sequential', '20', '--burst', '50', '--runs', '1'] : []), '--json', json('cloud')]],
  ['erp', 'ERP order creation: PGlite, PostgreSQL', 'eval/bench/erp.ts', [...(q ? ['--requests', '20', '--runs', '1'] : []), '--json', json('erp')]],
  ['e2e', 'end-to-end incident latency in the embedded demo pipeline', 'eval/bench/e2e.ts',
    [...(q ? ['--machines', '4', '--faults', '3', '--runs', '1'] : []), '--json', json('e2e')]],
];
if (values.skab) benches.push(['skab', 'edge detectors on SKAB (published protocol)', 'eval/skab/run.ts', ['--data', values.skab, '--json', json('skab')]]);

const only = values.only ? new Set(values.only.split(',')) : null;
if (only) {
  const unknown = [...only].filter((n) => !benches.some(([b]) => b === n));
  if (unknown.length) {
    console.error(`unknown benchmark(s) ${unknown.join(', ')}; one of ${benches.map(([b]) => b).join(', ')}${values.skab ? '' : ', skab (with --skab DIR)'}`);
    process.exit(2);
  }
}
const node = (args) => spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', ...args], { stdio: 'inherit' }).status ?? 1;

const ran = [];
const failed = [];
for (const [name, title, script, args] of benches) {
  if (only && !only.has(name)) continue;
  console.log(`\n== ${title} ==`);
  const t0 = Date.now();
  if (node([script, ...args]) !== 0) failed.push(name);
  console.error(`(${name}: ${((Date.now() - t0) / 1000).toFixed(0)} s)`);
  ran.push(name);
}
if (!values.skab && (!only || only.has('skab'))) console.log('\n(SKAB skipped: pass --skab DIR, e.g. npm run bench -- --skab ../shared/data/skab; or npm run bench:skab -- --data DIR)');

console.log(`\n== summary${q ? ' (--quick: small sizes, smoke figures)' : ''} ==`);
const summary = node([
  'eval/bench/summary.ts', '--out', values.out, ...(q ? ['--quick'] : []),
  ...failed.flatMap((n) => ['--failed', n]), ...ran.map((n) => `${n}=${json(n)}`),
]);
process.exit(failed.length || summary ? 1 : 0);
