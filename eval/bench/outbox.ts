// Outbox write and drain (src/edge/outbox, LMDB with a synced commit per put and per delete):
// entries/s and MB/s for put, and for drain with ack (due() → markAttempt → delete, what the
// agent does when the cloud's application ack comes back). Two patterns each:
// - one at a time (await every put/delete): the rate of one escalation after another, bound by
//   one fsync per commit;
// - --concurrency in flight: lmdb-js batches queued async transactions into one commit, so a
//   burst of incidents (or acks after a link outage) shares fsyncs.
//
//   node --import tsx eval/bench/outbox.ts [--entries 1000] [--bytes N] [--concurrency 32] [--runs 3]
//        [--dir DIR] [--json artifacts/bench-outbox.json]
//
// The default payload is one sample escalation as the edge encodes it (JSON), so MB/s are real
// sizes. --dir puts the databases on the disk to be measured (default: the OS temp folder).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { sampleEscalation } from '../../src/cloud/index.ts';
import { encodeJson } from '../../src/core/index.ts';
import { createOutbox } from '../../src/edge/outbox/index.ts';
import { cpuSecondsSince, environment, log, median, runMain, sig, writeReport, type SummaryRow } from './harness.ts';

interface PhaseRate {
  entriesPerSecond: number;
  entriesPerCpuSecond: number;
  mbPerSecond: number;
}
interface RunResult {
  putSequential: PhaseRate;
  drainSequential: PhaseRate;
  putConcurrent: PhaseRate;
  drainConcurrent: PhaseRate;
}

/** Runs `op` over 0..n-1 with at most `inFlight` pending at once. */
async function pool(n: number, inFlight: number, op: (i: number) => Promise<unknown>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < n) await op(next++);
  };
  await Promise.all(Array.from({ length: Math.min(inFlight, n) }, worker));
}

async function timed(n: number, bytes: number, body: () => Promise<void>): Promise<PhaseRate> {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  await body();
  const s = (performance.now() - t0) / 1000;
  return { entriesPerSecond: n / s, entriesPerCpuSecond: n / cpuSecondsSince(c0), mbPerSecond: (n * bytes) / 1e6 / s };
}

/** One run: a fresh outbox, put N and drain N one at a time, then the same with `inFlight` concurrent. */
async function runOnce(root: string, entries: number, payload: Uint8Array, inFlight: number): Promise<RunResult> {
  const dir = await mkdtemp(join(root, 'pdm-bench-outbox-'));
  // Room for every entry: the benchmark measures writes, not the eviction policy.
  const outbox = await createOutbox({ dir, maxBytes: Math.max(64 * 1024 * 1024, 4 * entries * (payload.byteLength + 128)) });
  const backoff = { baseMs: 1000, maxMs: 60_000 };
  let tag = 0;
  const ids = () => Array.from({ length: entries }, () => `site-a.pump-1.${1_700_000_000_000 + tag++}`);
  const drain = async (concurrency: number) => {
    const due = outbox.due(Date.now(), backoff);
    if (due.length !== entries) throw new Error(`expected ${entries} due entries, got ${due.length}`);
    await pool(due.length, concurrency, async (i) => {
      const e = due[i]!;
      outbox.markAttempt(e.id, Date.now());
      if (!(await outbox.delete(e.id))) throw new Error(`ack of ${e.id} found nothing pending`);
    });
  };
  try {
    const bytes = payload.byteLength;
    const a = ids();
    const putSequential = await timed(entries, bytes, async () => {
      for (const id of a) await outbox.put(id, payload);
    });
    const drainSequential = await timed(entries, bytes, () => drain(1));
    const b = ids();
    const putConcurrent = await timed(entries, bytes, () => pool(entries, inFlight, (i) => outbox.put(b[i]!, payload)));
    const drainConcurrent = await timed(entries, bytes, () => drain(inFlight));
    if (outbox.size !== 0) throw new Error(`${outbox.size} entries left after the drain`);
    return { putSequential, drainSequential, putConcurrent, drainConcurrent };
  } finally {
    await outbox.close();
    await rm(dir, { recursive: true, force: true });
  }
}

const PHASES = ['putSequential', 'drainSequential', 'putConcurrent', 'drainConcurrent'] as const;
const LABEL: Record<(typeof PHASES)[number], string> = {
  putSequential: 'put, one at a time',
  drainSequential: 'drain with ack, one at a time',
  putConcurrent: 'put, concurrent',
  drainConcurrent: 'drain with ack, concurrent',
};

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      entries: { type: 'string', default: '1000' },
      bytes: { type: 'string' },
      concurrency: { type: 'string', default: '32' },
      runs: { type: 'string', default: '3' },
      dir: { type: 'string', default: tmpdir() },
      json: { type: 'string', default: 'artifacts/bench-outbox.json' },
    },
  });
  const entries = Number(values.entries);
  const runs = Number(values.runs);
  const inFlight = Number(values.concurrency);
  if (![entries, runs, inFlight].every((n) => Number.isInteger(n) && n >= 1)) throw new Error('--entries, --runs, --concurrency: integers >= 1');
  const escalation = encodeJson(sampleEscalation());
  const payload = values.bytes ? new Uint8Array(Number(values.bytes)).fill(0x61) : escalation;
  const env = environment();
  log(`outbox: ${entries} entries of ${payload.byteLength} B, ${runs} run(s), ${inFlight} in flight when concurrent, in ${values.dir}`);
  const results: RunResult[] = [];
  for (let i = 0; i < runs; i++) {
    results.push(await runOnce(values.dir!, entries, payload, inFlight));
    log(`  run ${i + 1}/${runs}: ${PHASES.map((p) => `${p} ${Math.round(results.at(-1)![p].entriesPerSecond)}/s`).join(', ')}`);
  }
  const med = (p: (typeof PHASES)[number], k: keyof PhaseRate) => sig(median(results.map((r) => r[p][k])))!;
  const figures = Object.fromEntries(PHASES.map((p) => [p, { entriesPerSecond: med(p, 'entriesPerSecond'), entriesPerCpuSecond: med(p, 'entriesPerCpuSecond'), mbPerSecond: med(p, 'mbPerSecond') }]));
  const summary: SummaryRow[] = PHASES.flatMap((p) => [
    { name: `outbox ${LABEL[p]}`, value: figures[p]!.entriesPerSecond, unit: 'entries/s', note: `${figures[p]!.mbPerSecond} MB/s; ${figures[p]!.entriesPerCpuSecond} per CPU s` },
  ]);
  await writeReport(values.json!, { bench: 'outbox', ...env, runs, entries, payloadBytes: payload.byteLength, concurrency: inFlight, dir: values.dir, figures, perRun: results, summary });
  process.stdout.write(`outbox benchmark (LMDB, synced commits): ${entries} x ${payload.byteLength} B, median of ${runs}; JSON in ${values.json}\n`);
  for (const p of PHASES) {
    const f = figures[p]!;
    process.stdout.write(`  ${LABEL[p].padEnd(32)} ${String(f.entriesPerSecond).padStart(9)} entries/s  ${String(f.mbPerSecond).padStart(7)} MB/s  (${f.entriesPerCpuSecond} entries per CPU s)\n`);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) runMain(main);
