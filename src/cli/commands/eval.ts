// `edge-pdm eval`: runs a named scenario closed loop under the predictive, preventive and reactive
// maintenance policies on the same plant, seed and fault plan, scores them against the
// simulator's ground truth and writes DIR/report.json and DIR/report.html.
import { ConfigError } from '../../core/index.ts';
import { loadScenario, POLICY_NAMES, runEval, scenarioNames, type EvalReport, type PolicyName } from '../../../eval/index.ts';
import { numberOption } from '../args.ts';
import { say, type Command } from './command.ts';

export const evaluate: Command = {
  summary: 'score the closed loop against ground truth under predictive, preventive and reactive maintenance',
  help: `edge-pdm eval --scenario NAME --seed N [options]

Runs the scenario as fast as the CPU allows (a progress bar on stderr) once per policy, on the
same plant, seed and fault plan, and scores it against the simulator's ground truth: detection
(event-wise precision/recall/F1, lead time, false alarms per machine-month), diagnosis
(confusion matrix, macro-F1, remaining-life error), stage latencies and, per policy, downtime,
maintenance and parts cost, production lost and the saving against reactive maintenance.

  --scenario NAME       one of ${scenarioNames().join(', ')}, or a scenario YAML path
  --seed N              the scenario seed (tuning seeds 1-5, testing seeds 101-110)
  --plant FILE          plant YAML instead of the scenario's plant
  --policy a,b          subset of ${POLICY_NAMES.join(',')} (default: all three)
  --hours H             simulated hours instead of the scenario's duration
  --report DIR          where report.json and report.html go (default: reports/NAME-seedN)
  --json                print report.json on stdout as well`,
  options: {
    scenario: { type: 'string' },
    seed: { type: 'string' },
    plant: { type: 'string' },
    policy: { type: 'string' },
    hours: { type: 'string' },
    report: { type: 'string' },
    json: { type: 'boolean' },
  },
  async run({ values, env, logger }) {
    const name = values.scenario as string | undefined;
    if (!name) throw new ConfigError(`--scenario: required (one of ${scenarioNames().join(', ')})`);
    const scenario = loadScenario(name);
    if (values.seed === undefined) throw new ConfigError(`--seed: required (testing seeds ${scenario.seeds.testing.join(', ')})`);
    const seed = numberOption('seed', values.seed as string, 0, { integer: true });
    const policies = parsePolicies(values.policy as string | undefined);
    const durationHours = values.hours === undefined ? undefined : numberOption('hours', values.hours as string, scenario.durationHours, { min: 0.1 });
    const reportDir = (values.report as string | undefined) ?? `reports/${scenario.name}-seed${seed}`;
    const bar = progressBar();
    const report = await runEval({
      scenario, seed, plantFile: values.plant as string | undefined, durationHours, policies, reportDir, env, logger,
      onProgress: (policy, f) => bar(policy, f),
    });
    process.stderr.write('\n');
    for (const [p, why] of Object.entries(report.skipped)) say(`${p}: not run (${why})`);
    say(formatTable(report));
    say(`report: ${reportDir}/report.json, ${reportDir}/report.html`);
    if (values.json) process.stdout.write(`${JSON.stringify(report)}\n`);
    return 0;
  },
};

/** Parses --policy a,b into known policy names (default all three). */
export function parsePolicies(v: string | undefined): PolicyName[] {
  if (v === undefined) return [...POLICY_NAMES];
  const list = v.split(',').map((s) => s.trim()).filter(Boolean);
  for (const p of list) if (!(POLICY_NAMES as readonly string[]).includes(p)) throw new ConfigError(`--policy: unknown policy "${p}" (one of ${POLICY_NAMES.join(', ')})`);
  if (list.length === 0) throw new ConfigError('--policy: name at least one policy');
  return [...new Set(list)] as PolicyName[];
}

/** A one-line progress bar on stderr, redrawn at most every 200 ms (only on a terminal). */
function progressBar(): (label: string, fraction: number) => void {
  let last = 0;
  return (label, f) => {
    const now = Date.now();
    if (f < 1 && now - last < 200) return;
    last = now;
    const w = 30;
    const n = Math.round(Math.max(0, Math.min(1, f)) * w);
    const line = `${label.padEnd(10)} [${'#'.repeat(n)}${'.'.repeat(w - n)}] ${(f * 100).toFixed(0).padStart(3)}%`;
    if (process.stderr.isTTY) process.stderr.write(`\r${line}`);
    else if (f >= 1) process.stderr.write(`${line}\n`);
  };
}

/** The policies side by side, as a plain-text table. */
export function formatTable(r: EvalReport): string {
  const names = Object.keys(r.policies) as PolicyName[];
  const f = (x: number | null) => (x === null ? '–' : x.toFixed(1));
  const rows: [string, (n: PolicyName) => string][] = [
    ['unplanned downtime h', (n) => f(r.policies[n]!.unplannedDowntimeHours)],
    ['planned downtime h', (n) => f(r.policies[n]!.plannedDowntimeHours)],
    ['failures', (n) => String(r.policies[n]!.failures)],
    ['maintenance+parts EUR', (n) => f(r.policies[n]!.maintenanceCostEur)],
    ['expedite surcharge EUR', (n) => f(r.policies[n]!.expediteSurchargeEur)],
    ['production lost EUR', (n) => f(r.policies[n]!.productionLostEur)],
    ['late orders', (n) => String(r.policies[n]!.lateOrders)],
    ['total cost EUR', (n) => f(r.policies[n]!.totalCost)],
    ['saving vs reactive EUR', (n) => f(r.policies[n]!.savingVsReactiveEur)],
  ];
  const d = r.detection;
  const head = d
    ? `detection: P ${d.precision.toFixed(2)} R ${d.recall.toFixed(2)} F1 ${d.f1.toFixed(2)} · lead ${f(d.leadTimeMedianHours)} h · ${d.falseAlarmsPerMachineMonth.toFixed(2)} false alarms/machine-month · diagnosis macro-F1 ${r.diagnosis?.macroF1.toFixed(2) ?? '–'}\n`
    : '';
  return head + [['', ...names], ...rows.map(([l, g]) => [l, ...names.map(g)])].map((cols) => cols.map((c, i) => (i ? c.padStart(12) : c.padEnd(24))).join('')).join('\n');
}
