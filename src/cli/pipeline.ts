// Assembles the whole chain in one process (the `demo` command and the end-to-end tests):
// enterprise API → cloud diagnosis + dashboard → one edge agent per site → plant simulator.
// Each part talks to the others only through the ports (MQTT, cloud link, REST), exactly as
// when they run as separate processes.
import { join } from 'node:path';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import type { FaultType, Logger, PlantFloorApi } from '../core/index.ts';
import { Counters } from '../core/index.ts';
import {
  createPlantFloor, createSimulator, defaultPlant, planFaults, planSensorFaults, runPublisher,
  type FaultInjection, type PlantConfig, type PlantFloor, type SensorFaultInjection, type Simulator,
} from '../simulator/index.ts';
import { createEdgeAgent, type EdgeAgent, type EdgeAgentOptions } from '../edge/index.ts';
import {
  CLOUD_MIGRATIONS_TABLE, cloudMigrations, createDiagnosisService, createFleetPriorPublisher, createModelRollout, generateSigningKey,
  type DiagnosisService, type FleetPriorConfig, type FleetPriorPublisher, type ModelRollout, type ModelRolloutConfig,
} from '../cloud/index.ts';
import { startEnterprise, type CatalogueSeed } from '../enterprise/index.ts';
import { generateDashboardTokens, readDashboardTokens, startDashboard } from '../dashboard/index.ts';
import { createEnterpriseHttpClient, generateBrokerUsers } from '../transport/index.ts';
import { migrate } from '../store/index.ts';
import type { Env } from './env.ts';
import { openLink, openMqtt, openSqlStore, Resources, siteBrokerUrl } from './wiring.ts';
import { createDemoSovereignty, type DemoSovereignty } from './sovereignty.ts';
import { withLinkOutages, type LinkOutage } from './link-outage.ts';
import type { AuditSink } from '../sovereignty/index.ts';

export interface PipelineOptions {
  machines: number;
  sites?: number;
  seed: number;
  /** Simulated ms per wall ms; Infinity runs as fast as the CPU allows. */
  speed: number;
  /** Simulated duration, ms; Infinity runs until stopped. */
  durationMs: number;
  /** How many machines get a fault (default: a quarter of them, at least one). */
  faults?: number;
  /** Explicit faults instead of planned ones. */
  faultPlan?: FaultInjection[];
  /** Event time at which the simulation starts, epoch ms (default: now, to the minute). */
  startMs?: number;
  /** Dashboard port (0 = free port; undefined = no dashboard). */
  dashboardPort?: number;
  /** Working directory for outboxes and PGlite files; wiped at start. */
  workDir: string;
  /** Keep enterprise and cloud stores in memory instead of files under workDir. */
  inMemoryStores?: boolean;
  encoding?: 'binary' | 'json';
  /** 'shifts': two shifts every day and two products (start/stop and speed changes); default 'continuous': around the clock at rated speed. */
  regimes?: 'shifts' | 'continuous';
  /** Sensor faults (not machine faults) per machine per week (default 0.5; 0 = none). */
  sensorFaultsPerMachineWeek?: number;
  /** A whole plant instead of defaultPlant (machines, sites, regimes and sensorFaultsPerMachineWeek are then ignored; its own sensorFaults rates apply). */
  plant?: PlantConfig;
  /** Explicit sensor faults instead of planned ones. */
  sensorFaultPlan?: SensorFaultInjection[];
  /** The enterprise's catalogue (suppliers, lead times) instead of the default one. */
  catalogue?: CatalogueSeed;
  /** Sites whose edge-to-cloud link is cut for a while, event time. */
  linkOutages?: LinkOutage[];
  /**
   * Whether the edges may shed telemetry when they fall behind (default true, as in production).
   * The evaluation turns it off: a simulator running as fast as the CPU allows always outruns the
   * edge, and what is measured there is detection, not shedding (the agent then processes every
   * window, the ingest queue stays bounded by back-pressure in its handler).
   */
  edgeShedding?: boolean;
  /** Edge models trained by the cloud and fleet priors: the cloud's rollout and prior settings, and the edges' model slots. */
  models?: { rollout?: ModelRolloutConfig; prior?: FleetPriorConfig; edge?: EdgeAgentOptions['models'] };
  /** A machine status on the cloud link every N windows of a machine (the edge's default: 10). */
  statusEveryWindows?: number;
}

/**
 * The demo's rollout: the fleet's types have a few machines each and a run lasts hours to days of
 * event time, so a type's first model is trained on 200 healthy statuses (one every 10 windows,
 * about 2 days of one machine) from at least two machines.
 */
const DEMO_ROLLOUT: ModelRolloutConfig = { minRows: 200, minMachines: 2, retrainEvery: 2000 };

/**
 * The demo's operating regime: two shifts 06:00–22:00 UTC every day (so a demo started on a
 * weekend still runs) with two products at 100% and 85% speed: the edge must tell normal
 * regime changes from faults.
 */
const DEMO_REGIMES = { shiftStartHourUtc: 6, shiftEndHourUtc: 22, workdays: [0, 1, 2, 3, 4, 5, 6], speedSetpoints: [1, 0.85], setpointChangesPerShift: 2 };

export interface Pipeline {
  plant: PlantConfig;
  sim: Simulator;
  faults: FaultInjection[];
  edges: Map<string, EdgeAgent>;
  cloud: DiagnosisService;
  enterprise: ReturnType<typeof createEnterpriseHttpClient>;
  enterpriseUrl: string;
  dashboardUrl: string | null;
  /** A one-time login link to the dashboard (null without one); later logins use a token. */
  dashboardLoginUrl: (() => string) | null;
  /** Where the generated dashboard tokens were written (null when DASHBOARD_TOKENS configured them). */
  dashboardTokensFile: string | null;
  counters: Counters;
  /** The simulator's connector to the MES: breakdowns out, maintenance stops and repairs in. */
  floor: PlantFloor;
  /** Incidents whose repair the technician confirmed, with the fault found (the library learns from them). */
  confirmed: Map<string, FaultType>;
  /** Key service, grants, guards and audit log of the run (revoke a site's grant here). */
  sovereignty: DemoSovereignty;
  /** The cloud's edge-model rollout (signed with a key made for this run) and fleet-prior publisher. */
  rollout: ModelRollout;
  priors: FleetPriorPublisher;
  startMs: number;
  /** Publishes the simulation until its duration ends or `signal` aborts, then waits for the pipeline to settle. */
  run(opts?: { signal?: AbortSignal; onProgress?: (p: { nowMs: number; windows: number }) => void; settleMs?: number }): Promise<{ windows: number; wallMs: number }>;
  close(): Promise<void>;
}

const HOUR_MS = 3_600_000;

/** Starts every part of the pipeline in this process; `close()` stops them all. */
export async function startPipeline(opts: PipelineOptions, env: Env, logger: Logger): Promise<Pipeline> {
  const res = new Resources(logger);
  try {
    rmSync(opts.workDir, { recursive: true, force: true });
    const pipeEnv: Env = { ...env, PDM_DATA_DIR: opts.workDir };
    const counters = new Counters();
    const startMs = opts.startMs ?? Math.floor(Date.now() / 60_000) * 60_000;

    // One database for enterprise and cloud in one process: their tables and migration ledgers
    // are apart, and one PGlite instance starts in half the time of two (initdb is ~2 s each).
    const store = await openSqlStore(pipeEnv, 'db', res, { inMemory: opts.inMemoryStores });

    // Enterprise: ERP + MES behind its REST API.
    // Wear parts start on the shelf, as an MRO store keeps them; capital spares are bought.
    // ERP/MES writes go into the run's audit log, which opens with the sovereignty parts below.
    const auditRef: { sink?: AuditSink } = {};
    const ent = await startEnterprise({
      store, host: '127.0.0.1', port: 0, logger: logger.child({ part: 'enterprise' }), config: { wearPartsOnShelf: 1 }, seed: opts.catalogue,
      audit: { append: (e) => (auditRef.sink ? auditRef.sink.append(e) : Promise.resolve()) },
    });
    res.add('enterprise api', ent, () => ent.close());
    const enterprise = createEnterpriseHttpClient({ baseUrl: ent.url, token: ent.tokenFor('integration') });

    // Plant and its ground truth.
    const sensorRate = opts.plant ? opts.plant.sensorFaults.perMachinePerWeek : (opts.sensorFaultsPerMachineWeek ?? 0.5);
    const plant = opts.plant ?? defaultPlant({
      machines: opts.machines, sites: opts.sites,
      regimes: opts.regimes === 'shifts' ? DEMO_REGIMES : undefined,
      sensorFaults: sensorRate > 0 ? { perMachinePerWeek: sensorRate } : undefined,
    });
    // Unbounded runs plan their faults over the first two days, so a viewer sees incidents within
    // a minute or two at the default speed-up.
    const horizonMs = Number.isFinite(opts.durationMs) ? opts.durationMs : 48 * HOUR_MS;
    const faults =
      opts.faultPlan ??
      planFaults({ plant, seed: opts.seed, startMs, horizonMs, count: opts.faults ?? Math.max(1, Math.round(countMachines(plant) / 4)) });
    const births = createSimulator({ plant, seed: opts.seed, startMs, faults: [] }).births;
    const sensorFaults = opts.sensorFaultPlan ?? (sensorRate > 0 && plant.sensorFaults ? planSensorFaults({ births, rates: plant.sensorFaults, seed: opts.seed, startMs, horizonMs }) : []);
    const sim = createSimulator({ plant, seed: opts.seed, startMs, faults, sensorFaults });
    await enterprise.registerPlant(
      sim.births.map((b) => ({ machine: b.machine, site: b.site, line: b.line, machineType: b.machineType })),
      { startMs, horizonMs: horizonMs + 7 * 24 * HOUR_MS },
    );

    // Sovereignty, on by default: each site's policy and key seal what leaves it; the cloud opens it
    // under the site's grant; every transfer, unwrap and decision goes into one audit log.
    const sov = await createDemoSovereignty({ store, sites: new Set(sim.births.map((b) => b.site)), jurisdiction: 'DE', logger: logger.child({ part: 'sovereignty' }) });
    res.add('sovereignty', sov, () => sov.close());
    auditRef.sink = sov.audit;

    // Cloud: diagnosis workers on the cloud link, its own store.
    const { queue } = await openLink(pipeEnv, res, logger);
    await migrate(store, cloudMigrations, { table: CLOUD_MIGRATIONS_TABLE });
    const cloud = await createDiagnosisService({ store, queue, enterprise, logger: logger.child({ part: 'cloud' }), counters, inboundGuard: sov.inboundGuard, audit: sov.audit });
    res.add('cloud', cloud, () => cloud.close());
    // Edge models and fleet priors from the cloud's status events; the run's signing key lives only
    // in memory, and its public half is the one key every edge trusts.
    const signingKey = generateSigningKey();
    const siteTypes = sim.births.map((b) => ({ site: b.site, machineType: b.machineType }));
    const rollout = createModelRollout({ queue, signingKey, sites: siteTypes, source: cloud, logger: logger.child({ part: 'model-rollout' }), counters, config: { ...DEMO_ROLLOUT, ...opts.models?.rollout } });
    res.add('model rollout', rollout, () => rollout.close());
    const priors = createFleetPriorPublisher({ queue, sites: siteTypes, source: cloud, logger: logger.child({ part: 'fleet-prior' }), counters, config: opts.models?.prior });
    res.add('fleet priors', priors, () => priors.close());
    let dashboardUrl: string | null = null;
    let dashboardLoginUrl: (() => string) | null = null;
    let dashboardTokensFile: string | null = null;
    if (opts.dashboardPort !== undefined) {
      // Who may sign in: DASHBOARD_TOKENS / DASHBOARD_TOKENS_FILE, else one token per role written
      // to a 0600 file in the work directory (never printed or logged; the demo prints a one-time link).
      let tokens = readDashboardTokens({ spec: pipeEnv.DASHBOARD_TOKENS, file: pipeEnv.DASHBOARD_TOKENS_FILE });
      if (tokens.length === 0) {
        tokens = generateDashboardTokens();
        dashboardTokensFile = join(opts.workDir, 'dashboard-tokens');
        mkdirSync(opts.workDir, { recursive: true });
        writeFileSync(dashboardTokensFile, tokens.map((t) => `${t.role}:${t.token}\n`).join(''), { mode: 0o600 });
      }
      const start = (port: number) =>
        startDashboard({
          host: '127.0.0.1', port, source: cloud, logger: logger.child({ part: 'dashboard' }), sovereignty: sov.dashboardSource, tokens,
          // The dashboard reads the ERP/MES server-side with a viewer token; the browser never sees it.
          enterprise: { baseUrl: ent.url, token: ent.tokenFor('viewer') },
        });
      // A taken default port should not stop the demo: fall back to a free one (the URL is printed).
      const dash = await start(opts.dashboardPort).catch((err: NodeJS.ErrnoException) => {
        if (err?.code !== 'EADDRINUSE') throw err;
        logger.warn(`dashboard port ${opts.dashboardPort} is taken; using a free port`);
        return start(0);
      });
      res.add('dashboard', dash, () => dash.close());
      dashboardUrl = dash.url;
      dashboardLoginUrl = () => dash.loginUrl();
    }

    // Edge: one agent per site, each on the site broker.
    // The embedded site broker requires logins: each site's edge may touch only pdm/{site}/...,
    // the simulator writes telemetry and truth; random passwords per run (never logged).
    const logins = pipeEnv.MQTT_URL ? null : generateBrokerUsers([...new Set(sim.births.map((b) => b.site))]);
    const broker = await siteBrokerUrl(pipeEnv, res, 0, logins?.users, logger.child({ part: 'broker' }));
    const edges = new Map<string, EdgeAgent>();
    for (const site of new Set(sim.births.map((b) => b.site))) {
      const mqtt = await openMqtt(broker.url, `edge-${site}-${process.pid}`, res, logger, logins?.edge(site));
      const agent = await createEdgeAgent({
        site,
        transport: mqtt,
        link: withLinkOutages(queue, site, opts.linkOutages ?? [], () => sim.nowMs),
        dataDir: join(opts.workDir, 'edge', site),
        logger: logger.child({ part: 'edge', site }),
        counters,
        guard: sov.guardFor(site),
        destination: sov.destination,
        modelKeys: { [signingKey.keyId]: signingKey.publicKeyPem },
        ...(opts.edgeShedding === false ? { ingest: { shed: false } } : {}),
        ...(opts.models?.edge ? { models: opts.models.edge } : {}),
        ...(opts.statusEveryWindows ? { statusEveryWindows: opts.statusEveryWindows } : {}),
      });
      sov.attachEdge(site, agent);
      edges.set(site, res.add(`edge ${site}`, agent, () => agent.close()));
    }
    const simMqtt = await openMqtt(broker.url, `sim-${process.pid}`, res, logger, logins?.simulator());

    // The plant floor closes the loop: each simulated step it reports breakdowns to the MES and
    // applies the MES's actions (a maintenance window stops the machine, its end repairs it).
    // When a repair of a predicted incident completes, the technician's finding (the fault that
    // was really there) goes back to the cloud as a confirmed case, so the library learns.
    const confirmed = new Map<string, FaultType>();
    const floorApi: PlantFloorApi = {
      async syncPlant(req) {
        const r = await enterprise.syncPlant(req);
        for (const a of r.actions) {
          if (a.action !== 'repair-complete' || a.incidentId === null || confirmed.has(a.incidentId) || a.seq <= floor.appliedSeq) continue;
          const found = sim.groundTruth().find((t) => t.kind === 'machine' && t.machine === a.machine && t.repairedAtMs === null && t.onsetMs <= a.atMs);
          if (!found) continue; // nothing wrong was found: no case to learn from
          confirmed.set(a.incidentId, found.fault as FaultType);
          await cloud.confirmCase(a.incidentId, found.fault as FaultType, a.atMs).catch((err: Error) => logger.warn({ err: err.message, incidentId: a.incidentId }, 'confirming a repaired case failed'));
        }
        return r;
      },
    };
    const floor = createPlantFloor({ sim, api: floorApi, logger: logger.child({ part: 'plant-floor' }) });

    return {
      plant, sim, faults, edges, cloud, enterprise, enterpriseUrl: ent.url, dashboardUrl, dashboardLoginUrl, dashboardTokensFile, counters, floor, confirmed, sovereignty: sov, rollout, priors, startMs,
      async run(runOpts = {}) {
        const t0 = performance.now();
        const r = await runPublisher({
          sim, transport: simMqtt, speed: opts.speed, durationMs: opts.durationMs,
          encoding: opts.encoding ?? 'binary', signal: runOpts.signal, onProgress: runOpts.onProgress,
          // A failed sync keeps its events for the next step (at least once); the run goes on.
          onStep: async () => void (await floor.sync()),
        });
        await settle([...edges.values()], runOpts.settleMs ?? 20_000);
        return { windows: r.windows, wallMs: performance.now() - t0 };
      },
      close: () => res.closeAll(),
    };
  } catch (err) {
    await res.closeAll();
    throw err;
  }
}

/** Machines in a plant, over all sites and lines. */
function countMachines(plant: PlantConfig): number {
  return plant.sites.reduce((n, s) => n + s.lines.reduce((m, l) => m + l.machines.length, 0), 0);
}

/** Waits until the edges have stopped receiving windows and every outbox is empty (all escalations acked), or the deadline. */
async function settle(edges: EdgeAgent[], timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const windows = () => edges.reduce((s, e) => s + e.stats().windows, 0);
  let last = -1;
  while (Date.now() < deadline) {
    const now = windows();
    if (now === last && edges.every((e) => e.stats().pendingOutbox === 0)) return;
    last = now;
    await new Promise((r) => setTimeout(r, 300));
  }
}
