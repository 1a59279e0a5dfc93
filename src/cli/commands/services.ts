// The four processes of a real deployment: `sim`, `edge`, `cloud` and `enterprise`. Each runs
// alone against real services (Mosquitto, NATS JetStream, PostgreSQL) through the same code as
// the embedded demo; each prints what it serves on stdout and stops cleanly on SIGINT/SIGTERM.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ConfigError, FaultType } from '../../core/index.ts';
import { createPlantFloor, createRecorder, createSimulator, defaultPlant, faultCountForRate, loadPlantYaml, planFaults, planSensorFaults, runPublisher, selectMachines, type FaultInjection, type PlantConfig, type PlantFloor } from '../../simulator/index.ts';
import { createEdgeAgent, createEdgeMetrics, startMetricsServer } from '../../edge/index.ts';
import { CLOUD_MIGRATIONS_TABLE, cloudMigrations, createDiagnosisService, createFleetPriorPublisher, createModelRollout, fileVersionLedger } from '../../cloud/index.ts';
import { loadModelSigningKey, loadTrustedModelKeys } from '../model-keys.ts';
import { startEnterprise } from '../../enterprise/index.ts';
import { readDashboardTokens, startDashboard } from '../../dashboard/index.ts';
import { createEnterpriseHttpClient } from '../../transport/index.ts';
import { migrate } from '../../store/index.ts';
import { durationOption, numberOption } from '../args.ts';
import { openLink, openMqtt, openSqlStore, Resources, siteBrokerUrl } from '../wiring.ts';
import { createCloudSealing, createEdgeSealing, readKeyServiceAccess, SEALING_OPTIONS } from '../sealing.ts';
import type { Env } from '../env.ts';
import { say, untilSignal, type Command } from './command.ts';

const HOUR_MS = 3_600_000;

/** Parses `--fault MACHINE:FAULT:ONSET:TTF` (onset after start, time to failure), e.g. pump-001:bearing-outer-race:2h:30h. */
export function parseFaultSpec(spec: string, startMs: number): FaultInjection {
  const [machine, fault, onset, ttf, ...extra] = spec.split(':');
  const f = FaultType.safeParse(fault);
  if (!machine || !f.success || !onset || !ttf || extra.length) {
    throw new ConfigError(`--fault: "${spec}" is not MACHINE:FAULT:ONSET:TTF with FAULT one of ${FaultType.options.join(', ')}`);
  }
  const onsetMs = startMs + durationOption('fault onset', onset, 0);
  return { machine, fault: f.data, onsetMs, failureMs: onsetMs + durationOption('fault time-to-failure', ttf, 0) };
}

export const sim: Command = {
  summary: 'simulate a plant and publish its telemetry to MQTT_URL (and/or record it to files)',
  help: `edge-pdm sim [options]      publishes to MQTT_URL (default mqtt://127.0.0.1:1883)

  --plant FILE     plant YAML (sites, lines, machines; see examples/plant-small.yaml)
  --machines N     machines of the default plant (default 4)   --sites N   its sites (default 1)
  --site-prefix P  site names P-a, P-b, ... (default "site")
  --only IDS       simulate only these machines, e.g. pump-001,motor-002 (faults on others are dropped)
  --seed N         random seed (default 1)       --speed X    time ×X, or "max" (default 3600)
  --duration D     simulated duration, e.g. 48h (default 48h)
  --faults N       planned random faults (default: the plant file's machineFaults rate, else 1;
                   0 for runs under 12 h, too short for a machine to learn its normal and then degrade)
  --fault SPEC     explicit fault MACHINE:FAULT:ONSET:TTF (repeatable via comma), e.g. pump-001:bearing-outer-race:8h:30h
  --encoding E     binary (default), json, or sparkplug (Sparkplug B: spBv1.0/{site}/DDATA/{line}/{machine})
  --record DIR     also write DIR/machines.json, DIR/{machine}/{channel}.csv (timestamp,value; epoch ms)
                   and DIR/labels.jsonl (ground truth, epoch ms); without MQTT_URL nothing is published
  --json           print the ground truth as JSON on stdout when done
Sensor faults follow the plant file's sensorFaults rates. Ground truth is published (retained) on
truth/{site}/{line}/{machine}/{id}, outside the pdm/ tree edges read.
With ENTERPRISE_URL (and ENTERPRISE_TOKEN) set, the plant's machines are registered with the MES
and the plant floor syncs with it every step: breakdowns are reported, maintenance windows stop
machines and completed work orders repair them.`,
  options: {
    machines: { type: 'string' }, sites: { type: 'string' }, 'site-prefix': { type: 'string' }, seed: { type: 'string' },
    speed: { type: 'string' }, duration: { type: 'string' }, faults: { type: 'string' }, fault: { type: 'string' }, json: { type: 'boolean' },
    plant: { type: 'string' }, only: { type: 'string' }, record: { type: 'string' }, encoding: { type: 'string' },
  },
  async run({ values, env, logger }) {
    const seed = numberOption('seed', values.seed as string | undefined, 1, { integer: true });
    const speed = values.speed === 'max' ? Infinity : numberOption('speed', values.speed as string | undefined, 3600, { min: 1 });
    const durationMs = durationOption('duration', values.duration as string | undefined, 48 * HOUR_MS);
    const startMs = Math.floor(Date.now() / 60_000) * 60_000;
    const encoding = (values.encoding as string | undefined) ?? 'binary';
    if (encoding !== 'binary' && encoding !== 'json' && encoding !== 'sparkplug') throw new ConfigError(`--encoding: "${encoding}" is not binary, json or sparkplug`);
    const prefix = values['site-prefix'] as string | undefined;
    if (prefix !== undefined && !/^[A-Za-z0-9_-]{1,40}$/.test(prefix)) throw new ConfigError('--site-prefix: 1-40 of A-Z a-z 0-9 _ -');
    let base: PlantConfig;
    if (values.plant !== undefined) {
      if (values.machines !== undefined || values.sites !== undefined) throw new ConfigError('--plant: give either a plant file or --machines/--sites, not both');
      base = loadPlantYaml(await readFile(String(values.plant), 'utf8').catch((e: Error) => {
        throw new ConfigError(`--plant: cannot read ${String(values.plant)}: ${e.message}`, { cause: e });
      }));
    } else {
      const machines = numberOption('machines', values.machines as string | undefined, 4, { min: 1, integer: true });
      const sites = numberOption('sites', values.sites as string | undefined, 1, { min: 1, integer: true });
      base = defaultPlant({ machines, sites });
    }
    // Site names P-a, P-b, ...: several plants can share one broker without their topics meeting.
    const full = prefix ? { ...base, sites: base.sites.map((s, i) => ({ ...s, id: `${prefix}-${String.fromCharCode(97 + (i % 26))}${i >= 26 ? i : ''}` })) } : base;
    const known = new Set(full.sites.flatMap((s) => s.lines.flatMap((l) => l.machines.map((m) => m.id))));
    const allFaults = values.fault
      ? String(values.fault).split(',').map((s) => parseFaultSpec(s.trim(), startMs))
      : planFaults({
          plant: full, seed, startMs, horizonMs: durationMs,
          count: numberOption('faults', values.faults as string | undefined, durationMs < 12 * HOUR_MS ? 0 : full.machineFaults.perMachinePerWeek > 0 ? faultCountForRate(full, durationMs) : 1, { integer: true }),
        });
    for (const f of allFaults) if (!known.has(f.machine)) throw new ConfigError(`--fault: unknown machine "${f.machine}" (have ${[...known].slice(0, 20).join(', ')}${known.size > 20 ? ', ...' : ''})`);
    // Faults are planned on the whole plant, so --only keeps each chosen machine's fault as it was.
    const only = values.only === undefined ? null : String(values.only).split(',').map((s) => s.trim()).filter(Boolean);
    const plant = only ? selectMachines(full, only) : full;
    const faults = only ? allFaults.filter((f) => only.includes(f.machine)) : allFaults;
    const births = createSimulator({ plant, seed, startMs, faults: [] }).births;
    const sensorFaults = plant.sensorFaults.perMachinePerWeek > 0 ? planSensorFaults({ births, rates: plant.sensorFaults, seed, startMs, horizonMs: durationMs }) : [];
    const simulator = createSimulator({ plant, seed, startMs, faults, sensorFaults });

    const recordDir = values.record as string | undefined;
    const res = new Resources(logger);
    try {
      let floor: PlantFloor | undefined;
      if (env.ENTERPRISE_URL) {
        const ent = createEnterpriseHttpClient({ baseUrl: env.ENTERPRISE_URL, token: enterpriseToken(env) });
        await ent.registerPlant(
          simulator.births.map((b) => ({ machine: b.machine, site: b.site, line: b.line, machineType: b.machineType })),
          { startMs, horizonMs: durationMs + 7 * 24 * HOUR_MS },
        );
        floor = createPlantFloor({ sim: simulator, api: ent, logger });
      }
      // Record-only when recording without a broker named: nothing to connect to.
      const url = recordDir !== undefined && !env.MQTT_URL ? null : (env.MQTT_URL ?? 'mqtt://127.0.0.1:1883');
      const transport = url ? await openMqtt(url, `sim-${process.pid}`, res, logger) : undefined;
      const recorder = recordDir === undefined ? undefined : createRecorder({ dir: recordDir, startMs, windowIntervalMs: simulator.windowIntervalMs, float32: encoding !== 'json' });
      say(`sim: ${simulator.births.length} machines → ${[url, recordDir && `record ${recordDir}`].filter(Boolean).join(' + ')} (${encoding}); faults: ${faults.map((f) => `${f.machine} ${f.fault}`).join(', ') || 'none'}`);
      const abort = new AbortController();
      void untilSignal().then(() => abort.abort());
      let lastPrint = 0;
      const onProgress = ({ nowMs, windows }: { nowMs: number; windows: number }) => {
        if (Date.now() - lastPrint < 2000) return;
        lastPrint = Date.now();
        say(`sim: ${((nowMs - startMs) / HOUR_MS).toFixed(1)} of ${(durationMs / HOUR_MS).toFixed(1)} h simulated · ${windows} windows`);
      };
      const r = await runPublisher({
        sim: simulator, transport, sink: recorder, speed, durationMs, encoding, signal: abort.signal, onProgress, truth: true,
        ...(floor ? { onStep: async () => void (await floor.sync()) } : {}),
      });
      if (recorder) {
        const rec = await recorder.close(simulator.groundTruth());
        say(`sim: recorded ${rec.windows} windows, ${rec.rows} samples to ${recordDir}`);
      }
      if (transport) say(`sim: published ${r.windows} windows (${(r.bytes / 1e6).toFixed(1)} MB)`);
      if (values.json) process.stdout.write(`${JSON.stringify({ windows: r.windows, groundTruth: simulator.groundTruth() })}\n`);
      return 0;
    } finally {
      await res.closeAll();
    }
  },
};

/** The integration token for the enterprise API: required with ENTERPRISE_URL, since the API enforces roles. */
function enterpriseToken(env: Env): string {
  if (!env.ENTERPRISE_TOKEN) throw new ConfigError('ENTERPRISE_TOKEN: required with ENTERPRISE_URL (the integration token `edge-pdm enterprise` printed, or one of ENTERPRISE_TOKENS)');
  return env.ENTERPRISE_TOKEN;
}

export const edge: Command = {
  summary: 'run the edge agent of one site',
  help: `edge-pdm edge --site S [--mqtt-port N] [--metrics-port N]

Subscribes to the site broker (MQTT_URL; without it an embedded aedes broker is started on
--mqtt-port, default 0 = a free port, and its URL printed) and escalates to the cloud over
NATS JetStream (NATS_URL, required). The outbox lives in PDM_DATA_DIR/edge/<site>.
With --metrics-port, Prometheus metrics are served at http://0.0.0.0:N/metrics.
--outbox-max-bytes bounds the outbox on disk (alarms are dropped last; every drop is counted).

Sealing (src/cli/sealing.ts): with KEY_SERVICE_URL (or --key-service URL) every escalation and
status passes the data policy (--policy FILE, default examples/policy.yaml) and is sealed with
the site's key at the plant's key service (\`edge-pdm keys serve\`), presenting an edge token from
KEY_SERVICE_TOKEN, KEY_SERVICE_TOKEN_FILE or --key-token-file (never argv, never logged).
--jurisdiction J (or PDM_JURISDICTION, default DE) tags what leaves. Without a key service
everything leaves unsealed, and the edge says so at start.
Edge models: releases from the cloud are accepted only when signed by a key in PDM_MODEL_TRUST (a
file of public keys, e.g. the cloud's PDM_DATA_DIR/cloud/model-signing.pub.pem); without it only
the shipped models run.`,
  options: { site: { type: 'string' }, 'mqtt-port': { type: 'string' }, 'metrics-port': { type: 'string' }, 'outbox-max-bytes': { type: 'string' }, policy: { type: 'string' }, ...SEALING_OPTIONS },
  async run({ values, env, logger }) {
    const site = values.site as string | undefined;
    if (!site || !/^[A-Za-z0-9_-]{1,64}$/.test(site)) throw new ConfigError('--site: required, 1-64 of A-Z a-z 0-9 _ -');
    if (!env.NATS_URL) throw new ConfigError('NATS_URL: required for a separate edge process (the in-process bus exists only inside `edge-pdm demo`)');
    const access = readKeyServiceAccess(values);
    const res = new Resources(logger);
    try {
      const broker = await siteBrokerUrl(env, res, numberOption('mqtt-port', values['mqtt-port'] as string | undefined, 0, { integer: true }));
      if (broker.embedded) process.stdout.write(`mqtt: ${broker.url}\n`);
      const transport = await openMqtt(broker.url, `edge-${site}`, res, logger);
      const { queue } = await openLink(env, res, logger);
      const outboxMaxBytes = values['outbox-max-bytes'] === undefined ? undefined : numberOption('outbox-max-bytes', values['outbox-max-bytes'] as string, 0, { min: 1024, integer: true });
      const sealing = access ? await createEdgeSealing({ site, access, policyFile: values.policy as string | undefined, logger }) : undefined;
      if (sealing) say(`edge ${site}: sealing with the site's key at ${access!.url} (jurisdiction ${access!.jurisdiction})`);
      else say(`edge ${site}: KEY_SERVICE_URL not set: escalations and statuses leave the site UNSEALED`);
      const modelKeys = await loadTrustedModelKeys(env, logger);
      const agent = await createEdgeAgent({ site, transport, link: queue, dataDir: join(env.PDM_DATA_DIR, 'edge', site), logger, modelKeys, ...(outboxMaxBytes ? { outboxMaxBytes } : {}), ...(sealing ?? {}) });
      res.add('edge agent', agent, () => agent.close());
      if (values['metrics-port'] !== undefined) {
        const metrics = createEdgeMetrics({ labels: { site } });
        const unbind = metrics.bind(agent, { outboxStats: () => agent.outboxStats() });
        const server = await startMetricsServer({ host: '0.0.0.0', port: numberOption('metrics-port', values['metrics-port'] as string, 0, { integer: true }), registry: metrics.registry });
        res.add('metrics', server, async () => { unbind(); await server.close(); });
        process.stdout.write(`metrics: ${server.url}/metrics\n`);
      }
      process.stdout.write(`edge ${site}: ready\n`);
      await untilSignal();
      return 0;
    } finally {
      await res.closeAll();
    }
  },
};

export const cloud: Command = {
  summary: 'run diagnosis workers and the dashboard',
  help: `edge-pdm cloud [--port N]

Consumes escalations from NATS JetStream (NATS_URL, required) with the durable consumer
"diagnosis" (run several for a consumer group), decides through the enterprise API
(ENTERPRISE_URL, required), keeps its records in DATABASE_URL (default PGlite under
PDM_DATA_DIR/cloud) and serves the dashboard on --port (default 8080; 0 = free port).

Sealing (src/cli/sealing.ts): with KEY_SERVICE_URL (or --key-service URL) the cloud accepts only
sealed escalations and statuses, refuses data tagged for another jurisdiction than --jurisdiction
J (or PDM_JURISDICTION, default DE), and asks the plant's key service to unwrap under the grant
of its cloud token (KEY_SERVICE_TOKEN, KEY_SERVICE_TOKEN_FILE or --key-token-file; never argv,
never logged). Once the plant revokes the grant, new and stored evidence of that site is refused
with "site S revoked the cloud's grant at T: evidence from S cannot be decrypted". Every open is
audited in the cloud's store (checkpoints signed by PDM_DATA_DIR/cloud/audit-key.pem).

Edge models (src/cloud/models): from healthy machine statuses the cloud trains each machine
type's edge model, signs it with PDM_MODEL_SIGNING_KEY_FILE (default
PDM_DATA_DIR/cloud/model-signing.pem, generated on first start with its public half beside it as
model-signing.pub.pem, for the edges' PDM_MODEL_TRUST) and publishes it to every site running that
type; versions are kept in PDM_DATA_DIR/cloud/model-versions.json. It also publishes fleet priors
(healthy medians per type and speed band). Several cloud instances share the status consumer, so
run the rollout in one of them: --rollout off turns it off in the others.`,
  options: { port: { type: 'string' }, rollout: { type: 'string' }, ...SEALING_OPTIONS },
  async run({ values, env, logger }) {
    if (!env.NATS_URL) throw new ConfigError('NATS_URL: required for a separate cloud process');
    if (!env.ENTERPRISE_URL) throw new ConfigError('ENTERPRISE_URL: required (the URL `edge-pdm enterprise` printed)');
    const access = readKeyServiceAccess(values);
    const res = new Resources(logger);
    try {
      const { queue } = await openLink(env, res, logger);
      const store = await openSqlStore(env, 'cloud', res);
      await migrate(store, cloudMigrations, { table: CLOUD_MIGRATIONS_TABLE });
      const enterprise = createEnterpriseHttpClient({ baseUrl: env.ENTERPRISE_URL, token: enterpriseToken(env) });
      const sealing = access ? await createCloudSealing({ access, store, dataDir: env.PDM_DATA_DIR, logger }) : undefined;
      if (sealing) say(`cloud: opening sealed evidence under this cloud's grants at ${access!.url} (jurisdiction ${access!.jurisdiction})`);
      else say('cloud: KEY_SERVICE_URL not set: accepting UNSEALED escalations and statuses');
      const service = await createDiagnosisService({ store, queue, enterprise, logger, ...(sealing ?? {}) });
      res.add('diagnosis', service, () => service.close());
      const rolloutOn = (values.rollout as string | undefined ?? 'on') !== 'off';
      if (rolloutOn) {
        const signingKey = await loadModelSigningKey(env, logger);
        const rollout = createModelRollout({ queue, signingKey, source: service, logger: logger.child({ part: 'model-rollout' }), versions: fileVersionLedger(join(env.PDM_DATA_DIR, 'cloud', 'model-versions.json')) });
        res.add('model rollout', rollout, () => rollout.close());
        const priors = createFleetPriorPublisher({ queue, source: service, logger: logger.child({ part: 'fleet-prior' }) });
        res.add('fleet priors', priors, () => priors.close());
      }
      const dash = await startDashboard({ host: '127.0.0.1', port: numberOption('port', values.port as string | undefined, 8080, { integer: true }), source: service, logger, tokens: readDashboardTokens({ spec: env.DASHBOARD_TOKENS, file: env.DASHBOARD_TOKENS_FILE }) });
      res.add('dashboard', dash, () => dash.close());
      // A one-time login link (spent on first use); later logins use a DASHBOARD_TOKENS token.
      process.stdout.write(`dashboard: ${dash.loginUrl()}\n`);
      await untilSignal();
      return 0;
    } finally {
      await res.closeAll();
    }
  },
};

export const enterprise: Command = {
  summary: 'run the ERP/MES REST API',
  help: `edge-pdm enterprise [--port N]

Serves the ERP and MES REST API on --port (default 8081; 0 = free port) with DATABASE_URL
(default PGlite under PDM_DATA_DIR/enterprise). Migrations run on start.`,
  options: { port: { type: 'string' } },
  async run({ values, env, logger }) {
    const res = new Resources(logger);
    try {
      const store = await openSqlStore(env, 'enterprise', res);
      const ent = await startEnterprise({ store, host: '127.0.0.1', port: numberOption('port', values.port as string | undefined, 8081, { integer: true }), logger });
      res.add('enterprise', ent, () => ent.close());
      process.stdout.write(`enterprise: ${ent.url}\n`);
      // Generated tokens are shown once on stdout (never in logs) so the operator can hand them out.
      if (!env.ENTERPRISE_TOKENS) for (const role of ['integration', 'planner', 'viewer'] as const) process.stdout.write(`token ${role}: ${ent.tokenFor(role)}\n`);
      await untilSignal();
      return 0;
    } finally {
      await res.closeAll();
    }
  },
};
