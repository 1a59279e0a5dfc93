// One closed-loop run per development seed for the dev-set tools (diagnosis-devset.ts,
// rul-devset.ts): the baseline scenario with `faults` machine faults, the predictive policy, the
// detection scored, the incidents and truths indexed. Refuses the testing seeds (reporting only).
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

/** Runs each seed in turn (minutes each); throws on a testing seed before running anything. */
export async function* devRuns(seeds: number[], faults: number, hours: number | undefined): AsyncGenerator<DevRun> {
  const base = loadScenario('baseline');
  const testing = new Set(base.seeds.testing);
  const refused = seeds.find((s) => testing.has(s));
  if (refused !== undefined) throw new Error(`seed ${refused} is a testing seed: not for development`);
  for (const seed of seeds) {
    const setup = buildSetup({ ...base, faults: { ...base.faults, count: faults } }, seed, { durationHours: hours });
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
