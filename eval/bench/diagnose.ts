// `edge-pdm diagnose` on a seeded grid of realistic synthetic recordings (test/support/
// bearing-recordings.ts: public-rig rates, bearings and speeds, 1–10 s, slip, load-zone
// modulation, resonances, gear/mains/shaft lines, low SNR, any unit and offset, rpm ±2 % off):
// confusion matrix, per-class recall, macro-F1, the normal false-fault rate and time per recording.
//
//   node --import tsx eval/bench/diagnose.ts [--per-class 30] [--seed 1] [--max-seconds 10] [--misses] [--json]
import { parseArgs } from 'node:util';
import { diagnoseWaveform } from '../../src/cli/commands/diagnose.ts';
import { VERDICTS } from '../../src/cloud/diagnosis/index.ts';
import { BEARING_CLASSES, bearingRecording, recordingGrid } from '../../test/support/bearing-recordings.ts';

const { values } = parseArgs({
  options: {
    'per-class': { type: 'string', default: '30' },
    seed: { type: 'string', default: '1' },
    'max-seconds': { type: 'string', default: '10' },
    misses: { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
  },
});
const grid = recordingGrid(Number(values['per-class']), Number(values.seed), { maxSeconds: Number(values['max-seconds']) });
const confusion = new Map<string, Map<string, number>>(BEARING_CLASSES.map((c) => [c, new Map(VERDICTS.map((v) => [v, 0]))]));
const msPerMsample: number[] = [];
const msPer: number[] = [];
for (const spec of grid) {
  const r = bearingRecording(spec);
  const t0 = performance.now();
  const v = diagnoseWaveform(r.x, { rateHz: r.rateHz, rpm: r.givenRpm, bearing: r.bearing });
  const ms = performance.now() - t0;
  msPer.push(ms);
  msPerMsample.push(ms / (r.x.length / 1e6));
  const row = confusion.get(r.truth)!;
  row.set(v.verdict, row.get(v.verdict)! + 1);
  if (values.misses && v.verdict !== r.truth) {
    const { x: _x, ...rest } = r;
    console.log(`MISS ${r.truth} -> ${v.verdict} (${v.confidence.toFixed(2)}) ${JSON.stringify({ ...rest.spec, n: r.x.length, given: Math.round(r.givenRpm) })}\n   ${v.evidence.map((e) => e.finding).join('\n   ')}`);
  }
}
const median = (v: number[]) => [...v].sort((a, b) => a - b)[v.length >> 1] ?? 0;
const cols = VERDICTS.filter((v) => [...confusion.values()].some((row) => row.get(v)! > 0) || (BEARING_CLASSES as readonly string[]).includes(v));
const f1s: number[] = [];
const lines: string[] = [`truth \\ verdict  ${cols.map((c) => c.slice(0, 10).padStart(10)).join(' ')}   recall`];
for (const [truth, row] of confusion) {
  const total = [...row.values()].reduce((s, v) => s + v, 0);
  const tp = row.get(truth)!;
  const predicted = [...confusion.values()].reduce((s, r) => s + r.get(truth)!, 0);
  const precision = predicted ? tp / predicted : 0;
  const recall = total ? tp / total : 0;
  f1s.push(precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0);
  lines.push(`${truth.padEnd(16)} ${cols.map((c) => String(row.get(c)).padStart(10)).join(' ')}   ${recall.toFixed(2)}`);
}
const normalRow = confusion.get('normal')!;
const normalTotal = [...normalRow.values()].reduce((s, v) => s + v, 0);
const falseFault = (normalTotal - normalRow.get('normal')! - normalRow.get('unknown')!) / Math.max(1, normalTotal);
const summary = {
  recordings: grid.length,
  macroF1: f1s.reduce((s, v) => s + v, 0) / f1s.length,
  normalFalseFaultRate: falseFault,
  medianMsPerRecording: median(msPer),
  maxMsPerRecording: Math.max(...msPer),
  medianMsPerMillionSamples: median(msPerMsample),
};
if (values.json) console.log(JSON.stringify({ confusion: Object.fromEntries([...confusion].map(([k, r]) => [k, Object.fromEntries(r)])), ...summary }));
else console.log(`${lines.join('\n')}\nmacro-F1 ${summary.macroF1.toFixed(3)}; normal called a fault ${(100 * falseFault).toFixed(1)} %; ` +
  `median ${summary.medianMsPerRecording.toFixed(0)} ms per recording (max ${summary.maxMsPerRecording.toFixed(0)}), ${summary.medianMsPerMillionSamples.toFixed(0)} ms per million samples`);
