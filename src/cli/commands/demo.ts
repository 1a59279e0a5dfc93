// `edge-pdm demo`: the whole pipeline in one process on embedded parts (or on real services
// when MQTT_URL / NATS_URL / DATABASE_URL are set). Bounded with --duration, else until Ctrl-C.
import { join } from 'node:path';
import { ConfigError } from '../../core/index.ts';
import { durationOption, numberOption } from '../args.ts';
import { startPipeline } from '../pipeline.ts';
import { formatSummary, summarize } from '../summary.ts';
import { say, untilSignal, type Command } from './command.ts';

export const demo: Command = {
  summary: 'run plant, edge, cloud, enterprise and dashboard in one process',
  help: `edge-pdm demo [options]

Runs the whole pipeline in one process: simulated plant → MQTT (embedded aedes) → edge agents →
cloud link (in-process queue) → diagnosis → ERP/MES (PGlite) → dashboard.

  --machines N      machines in the plant (default 12)
  --sites N         sites the machines are spread over (default 2)
  --speed X         simulated time runs X times faster than the wall clock (default 3600)
  --duration D      stop after D of wall-clock time (e.g. 60s, 5m) and print a summary;
                    without it the demo runs until Ctrl-C
  --faults N        machines that get a fault (default: a quarter of them)
  --seed N          random seed of the plant (default 1)
  --port N          dashboard port (default 8080; 0 picks a free port)
  --regimes R       continuous (default: around the clock at rated speed) or shifts (two
                    shifts a day with start/stop and two speed setpoints)
  --sensor-faults X sensor (not machine) faults per machine per week (default 0.5; 0 = none)
  --json            print only the summary, as one JSON object on stdout (logs go to stderr)
  --data-dir DIR    working directory, wiped at start (default data/demo)`,
  options: {
    machines: { type: 'string' },
    sites: { type: 'string' },
    speed: { type: 'string' },
    duration: { type: 'string' },
    faults: { type: 'string' },
    seed: { type: 'string' },
    port: { type: 'string' },
    json: { type: 'boolean' },
    regimes: { type: 'string' },
    'sensor-faults': { type: 'string' },
    'data-dir': { type: 'string' },
  },
  async run({ values, env, logger }) {
    const machines = numberOption('machines', values.machines as string | undefined, 12, { min: 1, integer: true });
    const sites = numberOption('sites', values.sites as string | undefined, Math.min(2, machines), { min: 1, integer: true });
    const speed = numberOption('speed', values.speed as string | undefined, 3600, { min: 1 });
    const wallMs = durationOption('duration', values.duration as string | undefined, Infinity);
    const seed = numberOption('seed', values.seed as string | undefined, 1, { integer: true });
    const faults = values.faults === undefined ? undefined : numberOption('faults', values.faults as string, 1, { integer: true });
    const port = numberOption('port', values.port as string | undefined, 8080, { integer: true });
    if (faults !== undefined && faults > machines) throw new ConfigError(`--faults: ${faults} is more than the ${machines} machines`);
    if (sites > machines) throw new ConfigError(`--sites: ${sites} is more than the ${machines} machines`);
    const regimes = (values.regimes as string | undefined) ?? 'continuous';
    if (regimes !== 'continuous' && regimes !== 'shifts') throw new ConfigError(`--regimes: expected continuous or shifts, got "${regimes}"`);
    const sensorFaultsPerMachineWeek = numberOption('sensor-faults', values['sensor-faults'] as string | undefined, 0.5, { min: 0 });

    const pipeline = await startPipeline(
      {
        machines, sites, seed, speed, faults, regimes, sensorFaultsPerMachineWeek,
        durationMs: Number.isFinite(wallMs) ? wallMs * speed : Infinity,
        dashboardPort: port,
        workDir: (values['data-dir'] as string | undefined) ?? join(env.PDM_DATA_DIR, 'demo'),
      },
      env,
      logger,
    );
    say(`edge-pdm demo: ${machines} machines on ${sites} site(s), ${pipeline.faults.length} fault(s) planned, simulated time ×${speed}`);
    // A one-time link, so a new user is in with one click; the link is spent on first use.
    say(`dashboard: ${pipeline.dashboardLoginUrl?.() ?? pipeline.dashboardUrl}`);
    if (pipeline.dashboardTokensFile) say(`  (one-time login link; to sign in again, use a token from ${pipeline.dashboardTokensFile} or set DASHBOARD_TOKENS)`);
    say(`enterprise API: ${pipeline.enterpriseUrl}/api/v1`);

    const abort = new AbortController();
    if (!Number.isFinite(wallMs)) say('running until Ctrl-C');
    // Ctrl-C ends a bounded run early too: the summary covers what ran.
    void untilSignal().then(() => abort.abort());
    let lastPrint = 0;
    const result = await pipeline.run({
      signal: abort.signal,
      onProgress: ({ nowMs, windows }) => {
        if (values.json || Date.now() - lastPrint < 5000) return;
        lastPrint = Date.now();
        const e = [...pipeline.edges.values()].map((a) => a.stats());
        say(`  simulated ${((nowMs - pipeline.startMs) / 3_600_000).toFixed(1)} h · ${windows} windows · ${e.reduce((s, x) => s + x.alarms, 0)} alarms · ${pipeline.cloud.incidents().length} incidents`);
      },
    });
    const summary = await summarize(pipeline, result);
    await pipeline.close();
    if (values.json) process.stdout.write(`${JSON.stringify(summary)}\n`);
    else process.stdout.write(`${formatSummary(summary)}\n`);
    return 0;
  },
};
