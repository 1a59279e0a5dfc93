// Runs every fuzz target for N generated cases and prints accepted / rejected counts with the
// most common rejection reasons. `npm run fuzz -- --runs 100000 [--target NAME] [--seed S]`.
import fc from 'fast-check';
import { reasonClass, TARGETS, type FuzzTarget } from './targets.ts';

export interface FuzzStats {
  name: string;
  cases: number;
  accepted: number;
  rejected: number;
  reasons: Map<string, number>;
  wallMs: number;
}

/** Runs one target for `runs` cases; a throw or hang fails fast-check and is rethrown with the counterexample. */
export async function fuzzTarget(t: FuzzTarget, runs: number, seed?: number, onProgress?: (done: number) => void): Promise<FuzzStats> {
  const stats: FuzzStats = { name: t.name, cases: 0, accepted: 0, rejected: 0, reasons: new Map(), wallMs: 0 };
  const t0 = performance.now();
  await fc.assert(
    fc.asyncProperty(t.arbitrary, async (input) => {
      const o = await t.run(input);
      stats.cases++;
      if (o.ok) stats.accepted++;
      else {
        if (typeof o.reason !== 'string' || o.reason.length === 0) throw new Error('rejection without a reason');
        stats.rejected++;
        const k = reasonClass(o.reason);
        stats.reasons.set(k, (stats.reasons.get(k) ?? 0) + 1);
      }
      if (onProgress && stats.cases % 10_000 === 0) onProgress(stats.cases);
    }),
    { numRuns: runs, seed, endOnFailure: true, interruptAfterTimeLimit: 30 * 60_000 },
  );
  stats.wallMs = performance.now() - t0;
  return stats;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const get = (k: string) => { const i = args.indexOf(k); return i >= 0 ? args[i + 1] : undefined; };
  const runs = Number(get('--runs') ?? 100_000);
  const seed = get('--seed') === undefined ? undefined : Number(get('--seed'));
  const only = get('--target');
  if (!(runs > 0)) throw new Error(`--runs: expected a positive number, got ${get('--runs')}`);
  const targets = TARGETS.filter((t) => !only || t.name.includes(only));
  if (targets.length === 0) throw new Error(`--target ${only}: no such target (${TARGETS.map((t) => t.name).join(', ')})`);
  console.log(`fuzzing ${targets.length} entry points, ${runs} cases each${seed === undefined ? '' : `, seed ${seed}`}`);
  for (const t of targets) {
    const s = await fuzzTarget(t, runs, seed, (n) => process.stderr.write(`\r  ${t.name}: ${n} / ${runs}`));
    process.stderr.write('\r');
    console.log(`${t.name.padEnd(32)} ${String(s.cases).padStart(7)} cases  ${String(s.accepted).padStart(7)} accepted  ${String(s.rejected).padStart(7)} rejected  ${(s.cases / (s.wallMs / 1000)).toFixed(0).padStart(7)} cases/s`);
    for (const [r, n] of [...s.reasons].sort((a, b) => b[1] - a[1]).slice(0, 3)) console.log(`    ${String(n).padStart(7)} × ${r}`);
  }
  console.log('no crash, no hang: every rejection carried a reason');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((e) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  });
}
