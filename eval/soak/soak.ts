// Soak run (issue 9): the demo pipeline at a high speed-up for a long wall time, sampling
// resident memory, heap after GC, event-loop delay, queue depths and throughput, and judging
// whether anything grows without bound. `npm run soak -- --minutes 30`.
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { silentLogger, type Logger } from '../../src/core/index.ts';
import { readEnv } from '../../src/cli/env.ts';
import { startPipeline } from '../../src/cli/pipeline.ts';

export interface SoakSample {
  wallS: number;
  rssMb: number;
  /** Heap used right after a full GC: what is really retained. */
  heapAfterGcMb: number;
  loopDelayP99Ms: number;
  windowsPerS: number;
  /** Windows published but not yet processed by an edge. */
  inFlightWindows: number;
  pendingOutbox: number;
  incidents: number;
}

export interface SoakReport {
  samples: SoakSample[];
  windows: number;
  /** Growth of the retained heap from the second quarter to the last quarter of the run (medians), MB. */
  heapGrowthMb: number;
  verdict: { ok: boolean; reasons: string[] };
}

export interface SoakOptions {
  wallMs: number;
  machines?: number;
  speed?: number;
  sampleEveryMs?: number;
  seed?: number;
  logger?: Logger;
  onSample?: (s: SoakSample) => void;
  /** Retained-heap growth (MB) from the second to the last quarter above which the run fails. */
  maxHeapGrowthMb?: number;
  /**
   * Windows the run must have published before it ends: past `wallMs` it goes on until it has them,
   * up to `maxWallMs` (default 4 × wallMs). On a busy machine the simulator falls behind its
   * speed-up, and a soak that ends on wall time alone would judge too little traffic.
   */
  minWindows?: number;
  maxWallMs?: number;
}

/** A full GC; node exposes it only behind a flag, which can be set at run time. */
function gcNow(): void {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? 0 : s[s.length >> 1]!;
};

/** Runs the soak and judges boundedness: heap growth under a limit, queues drained at the end. */
export async function runSoak(opts: SoakOptions): Promise<SoakReport> {
  const machines = opts.machines ?? 40;
  const speed = opts.speed ?? 20_000;
  const every = opts.sampleEveryMs ?? 5_000;
  const env = { ...readEnv({}), PDM_DATA_DIR: join(tmpdir(), `edge-pdm-soak-${process.pid}`) };
  const minWindows = opts.minWindows ?? 0;
  const maxWallMs = Math.max(opts.wallMs, opts.maxWallMs ?? 4 * opts.wallMs);
  const p = await startPipeline(
    { machines, seed: opts.seed ?? 7, speed, durationMs: maxWallMs * speed, workDir: join(env.PDM_DATA_DIR, 'soak'), inMemoryStores: true },
    env,
    opts.logger ?? silentLogger(),
  );
  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  const samples: SoakSample[] = [];
  let published = 0;
  let lastWindows = 0;
  const t0 = performance.now();
  const edgeWindows = () => [...p.edges.values()].reduce((s, e) => s + e.stats().windows, 0);
  const timer = setInterval(() => {
    gcNow();
    const m = process.memoryUsage();
    const w = edgeWindows();
    const s: SoakSample = {
      wallS: Math.round((performance.now() - t0) / 100) / 10,
      rssMb: m.rss / 2 ** 20,
      heapAfterGcMb: m.heapUsed / 2 ** 20,
      loopDelayP99Ms: loop.percentile(99) / 1e6,
      windowsPerS: (w - lastWindows) / (every / 1000),
      inFlightWindows: Math.max(0, published - w),
      pendingOutbox: [...p.edges.values()].reduce((acc, e) => acc + e.stats().pendingOutbox, 0),
      incidents: p.cloud.incidents().length,
    };
    lastWindows = w;
    loop.reset();
    samples.push(s);
    opts.onSample?.(s);
  }, every);
  let windows = 0;
  // Wall time bounds the run (on a busy machine the simulator falls behind its speed-up): it ends at
  // wallMs once minWindows are published, else when they are, at maxWallMs at the latest.
  const stop = new AbortController();
  const enough = setInterval(() => {
    const wall = performance.now() - t0;
    if ((wall >= opts.wallMs && published >= minWindows) || wall >= maxWallMs) stop.abort();
  }, 250);
  try {
    const r = await p.run({ signal: stop.signal, onProgress: ({ windows: n }) => { published = n; }, settleMs: 20_000 });
    windows = r.windows;
  } finally {
    clearInterval(enough);
    clearInterval(timer);
    loop.disable();
  }
  const pendingAtEnd = [...p.edges.values()].reduce((acc, e) => acc + e.stats().pendingOutbox, 0);
  await p.close();

  const q = Math.max(1, Math.floor(samples.length / 4));
  const heapGrowthMb = samples.length >= 4 ? median(samples.slice(-q).map((s) => s.heapAfterGcMb)) - median(samples.slice(q, 2 * q).map((s) => s.heapAfterGcMb)) : 0;
  const reasons: string[] = [];
  const limit = opts.maxHeapGrowthMb ?? 64;
  if (heapGrowthMb > limit) reasons.push(`retained heap grew ${heapGrowthMb.toFixed(1)} MB from the second to the last quarter (limit ${limit} MB)`);
  if (pendingAtEnd > 0) reasons.push(`${pendingAtEnd} escalations still in outboxes after settling`);
  const lastInFlight = samples.at(-1)?.inFlightWindows ?? 0;
  const maxInFlight = Math.max(0, ...samples.map((s) => s.inFlightWindows));
  if (samples.length >= 4 && lastInFlight > 0 && lastInFlight >= maxInFlight && lastInFlight > 10 * machines) reasons.push(`in-flight windows kept rising to ${lastInFlight}`);
  return { samples, windows, heapGrowthMb, verdict: { ok: reasons.length === 0, reasons } };
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const get = (k: string) => { const i = args.indexOf(k); return i >= 0 ? args[i + 1] : undefined; };
  const minutes = Number(get('--minutes') ?? 30);
  const machines = Number(get('--machines') ?? 40);
  const speed = Number(get('--speed') ?? 20_000);
  if (!(minutes > 0) || !(machines >= 1) || !(speed >= 1)) throw new Error('--minutes, --machines and --speed must be positive numbers');
  console.log(`soak: ${machines} machines at ×${speed} for ${minutes} min`);
  console.log('wall s   rss MB  heap MB  loop p99 ms  windows/s  in flight  outbox  incidents');
  const r = await runSoak({
    wallMs: minutes * 60_000, machines, speed, sampleEveryMs: minutes >= 5 ? 30_000 : 5_000,
    onSample: (s) => console.log(`${s.wallS.toFixed(0).padStart(6)} ${s.rssMb.toFixed(0).padStart(8)} ${s.heapAfterGcMb.toFixed(1).padStart(8)} ${s.loopDelayP99Ms.toFixed(1).padStart(12)} ${s.windowsPerS.toFixed(0).padStart(10)} ${String(s.inFlightWindows).padStart(10)} ${String(s.pendingOutbox).padStart(7)} ${String(s.incidents).padStart(10)}`),
  });
  console.log(`${r.windows} windows; retained heap growth ${r.heapGrowthMb.toFixed(1)} MB (second → last quarter)`);
  console.log(r.verdict.ok ? 'bounded: memory and queues stayed flat' : `NOT bounded: ${r.verdict.reasons.join('; ')}`);
  process.exit(r.verdict.ok ? 0 : 1);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((e) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  });
}
