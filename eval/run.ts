// One evaluation: a scenario and seed, each requested policy run on the same setup, scored, and
// written as DIR/report.json and DIR/report.html.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from '../src/core/index.ts';
import type { Env } from '../src/cli/env.ts';
import { runOfflinePolicy } from './policies/offline.ts';
import { predictiveUnsupported, runPredictive } from './policies/predictive.ts';
import type { PolicyName, PolicyRun } from './policies/run.ts';
import { buildReport, type EvalReport } from './report/build.ts';
import { renderHtml } from './report/html.ts';
import type { Scenario } from './scenarios/scenario.ts';
import { buildSetup } from './setup.ts';

export interface EvalOptions {
  scenario: Scenario;
  seed: number;
  plantFile?: string;
  /** Override of the scenario's duration (tests, quick looks). */
  durationHours?: number;
  policies: PolicyName[];
  /** Where report.json and report.html go; nothing is written when absent. */
  reportDir?: string;
  env: Env;
  logger: Logger;
  onProgress?: (policy: PolicyName, fraction: number) => void;
  /** How long the predictive run may wait for the pipeline to settle after the simulation, ms. */
  settleMs?: number;
}

/** Runs the evaluation; resolves to the report (and writes it when reportDir is set). */
export async function runEval(opts: EvalOptions): Promise<EvalReport> {
  const setup = buildSetup(opts.scenario, opts.seed, { plantFile: opts.plantFile, durationHours: opts.durationHours });
  const runs: PolicyRun[] = [];
  const skipped: EvalReport['skipped'] = {};
  for (const policy of opts.policies) {
    const progress = (f: number) => opts.onProgress?.(policy, f);
    if (policy === 'predictive') {
      const why = [...predictiveUnsupported(setup), ...opts.scenario.needs];
      if (why.length) {
        skipped.predictive = why.join('; ');
        continue;
      }
      runs.push(await runPredictive(setup, { env: opts.env, logger: opts.logger, onProgress: progress, settleMs: opts.settleMs }));
    } else {
      runs.push(await runOfflinePolicy(setup, { policy, logger: opts.logger, onProgress: progress }));
    }
  }
  const report = buildReport(setup, runs, skipped);
  if (opts.reportDir) {
    mkdirSync(opts.reportDir, { recursive: true });
    writeFileSync(join(opts.reportDir, 'report.json'), `${JSON.stringify(report, null, 2)}\n`);
    writeFileSync(join(opts.reportDir, 'report.html'), renderHtml(report));
  }
  return report;
}
