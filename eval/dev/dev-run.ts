// One closed-loop run per development seed for the dev-set tools (diagnosis-devset.ts,
// rul-devset.ts): the baseline scenario with `faults` machine faults, the predictive policy, the
// detection scored, the incidents and truths indexed. Refuses the held-out seeds (HELD_OUT_SEEDS: reporting and fresh checks).
import { FaultType as FaultTypeSchema, type FaultType } from '../../src/core/index.ts';
import { silentLogger } from '../../src/core/logger.ts';
import { readEnv } from '../../src/cli/env.ts';
import { runPredictive } from '../policies/predictive.ts';
import { loadScenario } from '../scenarios/scenario.ts';
import { scoreDetection } from '../scoring/index.ts';
import { buildSetup } from '../setup.ts';

type Run = Awaited<ReturnType<typeof runPredictive>>;

export interface DevRun {
  seed: number;
  run: Run;
  detection: ReturnType<typeof scoreDetection>;
  incidents: Map<string, NonNullable<Run['incidents']>[number]>;
  truth: Map<string, Run['truth'][number]>;
  seconds: number;
}

/**
 * Seeds held out of development: the baseline scenario's testing seeds (101-110, reporting) and the
 * rest of 101-199, kept for fresh checks nobody has tuned on (111-130 were first run at the end of
 * session 6, 131-140 next, 141-170 in session 8, 171-199 in session 9: none of 101-199 is fresh any
 * more), and 500-599, fresh checks not yet run. Development uses 1-99, 200-499 and 600 on.
 */
export const HELD_OUT_SEEDS = [{ from: 101, to: 199 }, { from: 500, to: 599 }] as const;

/** True when `seed` is a testing seed (`testing`: the baseline scenario's, read once by the caller) or held out for fresh checks (HELD_OUT_SEEDS). */
export function isHeldOut(seed: number, testing: readonly number[] = loadScenario('baseline').seeds.testing): boolean {
  return testing.includes(seed) || HELD_OUT_SEEDS.some((r) => seed >= r.from && seed <= r.to);
}

/** Throws on the first held-out seed (isHeldOut): development never runs, fits or replays them. */
export function refuseHeldOut(seeds: Iterable<number>): void {
  const testing = loadScenario('baseline').seeds.testing;
  for (const s of seeds) if (isHeldOut(s, testing)) throw new Error(`seed ${s} is held out (testing and fresh checks ${HELD_OUT_SEEDS.map((r) => `${r.from}-${r.to}`).join(', ')}): not for development`);
}

/** The baseline scenario for one dev seed with `faults` faults (narrowed to `modes`); refuses a held-out seed. */
export function devSetup(seed: number, faults: number, hours: number | undefined, modes?: readonly FaultType[]): ReturnType<typeof buildSetup> {
  refuseHeldOut([seed]);
  const base = loadScenario('baseline');
  return buildSetup({ ...base, faults: { ...base.faults, count: faults, ...(modes ? { modes: [...modes] } : {}) } }, seed, { durationHours: hours });
}

/**
 * Runs each seed in turn (minutes each); throws on a held-out seed before running anything.
 * `modes` narrows the faults to those modes (planFaults), e.g. to collect the rare tool-wear cases
 * (1 of 7 modes on a spindle, 2 spindles in the 12-machine plant).
 */
export async function* devRuns(seeds: number[], faults: number, hours: number | undefined, modes?: readonly FaultType[]): AsyncGenerator<DevRun> {
  refuseHeldOut(seeds);
  for (const seed of seeds) {
    const setup = devSetup(seed, faults, hours, modes);
    const t0 = performance.now();
    const run = await runPredictive(setup, { env: readEnv(), logger: silentLogger() });
    const detection = scoreDetection({ truth: run.truth, alarms: run.alarms ?? [], startMs: run.startMs, endMs: run.endMs, machines: setup.machines });
    yield {
      seed, run, detection,
      incidents: new Map((run.incidents ?? []).map((i) => [i.escalation.id, i])),
      truth: new Map(run.truth.map((t) => [t.id, t])),
      seconds: (performance.now() - t0) / 1000,
    };
  }
}

/** Parses `--modes a,b` (fault-mode names) for the dev tools; throws naming the unknown mode. */
export function parseModes(text: string | undefined): FaultType[] | undefined {
  if (text === undefined) return undefined;
  return text.split(',').map((m) => {
    const r = FaultTypeSchema.safeParse(m.trim());
    if (!r.success) throw new Error(`--modes: unknown fault mode '${m}' (one of ${FaultTypeSchema.options.join(', ')})`);
    return r.data;
  });
}
