// The rig of the fault-injection tests: our own NATS, Mosquitto and PostgreSQL; per scenario the
// enterprise, one or more cloud workers, one edge per site (to NATS through our TCP proxy) and the
// simulator as child processes; a fault injected mid-run; then a settle and the reconciliation.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { defaultPlant } from '../../src/simulator/index.ts';
import { ProcessGroup, printed, stop, kill, waitFor, type Child } from './processes.ts';
import { startOwnMosquitto, startOwnNats, startOwnPostgres, type OwnService } from './own-services.ts';
import { startTcpProxy, type TcpProxy } from './tcp-proxy.ts';
import { readLedger, raisedFromLog, reconcile, type Reconciliation } from './reconcile.ts';
import { writeFileSync } from 'node:fs';

const HOUR_MS = 3_600_000;
const CLOCK_SKEW = join(import.meta.dirname, 'clock-skew.mjs');

/** Our own services, shared by the scenarios of one test file. */
export interface Rig {
  nats: OwnService;
  mqtt: OwnService;
  pg: Awaited<ReturnType<typeof startOwnPostgres>>;
  close(): Promise<void>;
}

/** Starts NATS JetStream, Mosquitto and PostgreSQL of our own. */
export async function startRig(): Promise<Rig> {
  const [nats, mqtt, pgs] = await Promise.all([startOwnNats(), startOwnMosquitto(), startOwnPostgres()]);
  return { nats, mqtt, pg: pgs, async close() { await Promise.allSettled([nats.close(), mqtt.close(), pgs.close()]); } };
}

/** What a scenario's fault injection can reach. */
export interface ScenarioContext {
  rig: Rig;
  sites: string[];
  natsProxy: TcpProxy;
  edges: Map<string, Child>;
  clouds: Child[];
  /** Wall-clock ms of `hours` simulated hours at the run's speed-up. */
  simWallMs(hours: number): number;
  /** Escalation publishes the edges sent through the proxy so far. */
  escalationsSent(): number;
  /** Simulated hours the (slowest) simulator reported so far (it prints progress every 2 s). */
  simHours(): number;
  /** Resolves once the simulator reported `hours` simulated hours (or after `timeoutMs`). */
  untilSimHours(hours: number, timeoutMs: number): Promise<void>;
  /** Resolves once `n` escalations went through the proxy (or after `timeoutMs`). */
  untilEscalations(n: number, timeoutMs: number): Promise<void>;
  /** SIGKILLs a site's edge; ids it logged within a moment of the kill become uncertain. */
  killEdge(site: string): Promise<void>;
  startEdge(site: string): Promise<Child>;
  killCloud(i: number): Promise<void>;
  startCloud(i: number): Promise<Child>;
  /** Rows in the escalations table (cloud side). */
  cloudEscalations(): Promise<number>;
  note(msg: string): void;
}

/** One fault scenario. */
export interface Scenario {
  fault: string;
  sites?: number;
  machines?: number;
  /** Machines given an explicit fault (default 9 of 12). */
  faults?: number;
  seed?: number;
  speed?: number;
  durationH?: number;
  workers?: number;
  /** Per site index, a wall-clock offset for that site's simulator and edge (one simulator per site then). */
  skewMs?: number[];
  /** Forward every escalation publish twice through the proxy. */
  duplicate?: boolean;
  /** The fault, run concurrently with the simulator. */
  inject(ctx: ScenarioContext): Promise<void>;
  /** After the first settle, before reconciling (e.g. a late republish). */
  after?(ctx: ScenarioContext & { databaseUrl: string; namespace: string }): Promise<void>;
}

/**
 * `count` explicit faults on the first machines of the default plant, onsets staggered from 6 h
 * (the simulator's minimum healthy time, so the edge has learned each machine's normal) with a
 * time to failure of 18 h, the short end of the simulator's compressed P-F interval: incidents
 * land within a 28 h run. Fault modes are ones every machine type can suffer.
 */
export function faultSpecs(machines: number, sites: number, count: number): string {
  const ids = defaultPlant({ machines, sites }).sites.flatMap((s) => s.lines.flatMap((l) => l.machines.map((m) => m.id))).sort();
  const modes = ['bearing-outer-race', 'imbalance', 'looseness', 'bearing-inner-race'];
  return ids.slice(0, count).map((id, i) => `${id}:${modes[i % modes.length]}:${6 + (i % 4)}h:18h`).join(',');
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Runs a scenario end to end and returns its reconciliation; every process it started is gone when it returns or throws. */
export async function runScenario(rig: Rig, sc: Scenario): Promise<Reconciliation & { notes: string[]; wallMs: number }> {
  const t0 = Date.now();
  const run = randomBytes(3).toString('hex');
  const ns = `f${run}`;
  const speed = sc.speed ?? 20_000;
  const nSites = sc.sites ?? 3;
  const machines = sc.machines ?? 12;
  const durationH = sc.durationH ?? 28;
  const token = randomBytes(12).toString('hex');
  const dataDir = mkdtempSync(join(tmpdir(), 'pdm-fault-'));
  const databaseUrl = await rig.pg.createDatabase(`pdm_${ns}`);
  const group = new ProcessGroup();
  const notes: string[] = [];
  const sent: string[] = [];
  const natsProxy = await startTcpProxy({
    targetPort: rig.nats.port,
    nats: true,
    onPublish: (subject) => { if (subject.startsWith(`${ns}.pdm.escalation.`)) sent.push(subject); },
    duplicate: sc.duplicate ? (subject) => subject.startsWith(`${ns}.pdm.escalation.`) : undefined,
  });
  const sites = Array.from({ length: nSites }, (_, i) => `${ns}-${String.fromCharCode(97 + i)}`);
  const common = { MQTT_URL: rig.mqtt.url, DATABASE_URL: databaseUrl, NATS_NAMESPACE: ns, PDM_DATA_DIR: dataDir, ENTERPRISE_TOKENS: `integration:${token}`, ENTERPRISE_TOKEN: token };
  const edges = new Map<string, Child>();
  const edgeLogs: { child: Child; killedAtMs?: number }[] = [];
  const clouds: Child[] = [];
  let entUrl = '';
  const skewArgs = (i: number): { env: Record<string, string>; node: string[] } => (sc.skewMs?.[i] ? { env: { PDM_CLOCK_SKEW_MS: String(sc.skewMs[i]) }, node: ['--import', CLOCK_SKEW] } : { env: {}, node: [] });

  // PDM_FAULT_LOG_DIR: every child's stderr is kept there per run (and the cloud logs at info).
  const logDir = process.env.PDM_FAULT_LOG_DIR;
  const sims: Child[] = [];
  const simHours = () => (sims.length === 0 ? 0 : Math.min(...sims.map((c) => {
    if (c.proc.exitCode !== null) return Infinity;
    const m = [...c.err.join('').matchAll(/sim: ([0-9.]+) of/g)].pop();
    return m ? Number(m[1]) : 0;
  })));
  const ctx: ScenarioContext = {
    rig, sites, natsProxy, edges, clouds,
    simHours,
    async untilSimHours(hours, timeoutMs) {
      const end = Date.now() + timeoutMs;
      while (simHours() < hours && Date.now() < end) await sleep(100);
    },
    simWallMs: (hours) => (hours * HOUR_MS) / speed,
    escalationsSent: () => sent.length,
    async untilEscalations(n, timeoutMs) {
      const end = Date.now() + timeoutMs;
      while (sent.length < n && Date.now() < end) await sleep(100);
    },
    async killEdge(site) {
      const c = edges.get(site)!;
      await kill(c);
      const e = edgeLogs.find((x) => x.child === c);
      if (e) e.killedAtMs = Date.now();
    },
    async startEdge(site) {
      const i = sites.indexOf(site);
      const s = skewArgs(i);
      const c = group.cli(`edge ${site}`, ['edge', '--site', site], { ...common, NATS_URL: natsProxy.url('nats'), LOG_LEVEL: 'info', ...s.env }, s.node);
      edges.set(site, c);
      edgeLogs.push({ child: c });
      await waitFor(`edge ${site} ready`, () => printed(c, `edge ${site}:`), 60_000, [c]);
      return c;
    },
    async killCloud(i) { await kill(clouds[i]!); },
    async startCloud(i) {
      const c = group.cli(`cloud ${i}`, ['cloud', '--port', '0'], { ...common, NATS_URL: rig.nats.url, ENTERPRISE_URL: entUrl, ...(logDir ? { LOG_LEVEL: 'info' } : {}) });
      clouds[i] = c;
      await waitFor(`cloud ${i} ready`, () => printed(c, 'dashboard:'), 60_000, [c]);
      return c;
    },
    async cloudEscalations() {
      const c = new pg.Client({ connectionString: databaseUrl });
      try {
        await c.connect();
        return Number((await c.query('SELECT count(*) AS n FROM escalations')).rows[0].n);
      } catch {
        return -1; // the database may be down during a fault
      } finally {
        await c.end().catch(() => {});
      }
    },
    note: (m) => notes.push(`${((Date.now() - t0) / 1000).toFixed(1)}s ${m}`),
  };

  try {
    const ent = group.cli('enterprise', ['enterprise', '--port', '0'], common);
    entUrl = await waitFor('enterprise URL', () => printed(ent, 'enterprise:'), 60_000, [ent]);
    await Promise.all([
      ...Array.from({ length: sc.workers ?? 1 }, (_, i) => ctx.startCloud(i)),
      ...sites.map((s) => ctx.startEdge(s)),
    ]);
    ctx.note('processes ready');

    // One simulator for the plant, or one per site when sites' clocks differ.
    const simArgs = ['--machines', String(machines), '--sites', String(nSites), '--site-prefix', ns, '--speed', String(speed), '--duration', `${durationH}h`, '--fault', faultSpecs(machines, nSites, sc.faults ?? 9), '--seed', String(sc.seed ?? 7)];
    const simEnv = { ...common, ENTERPRISE_URL: entUrl };
    if (sc.skewMs) {
      const plant = defaultPlant({ machines, sites: nSites });
      plant.sites.forEach((s, i) => {
        const only = s.lines.flatMap((l) => l.machines.map((m) => m.id)).join(',');
        const k = skewArgs(i);
        sims.push(group.cli(`sim ${sites[i]}`, ['sim', ...simArgs, '--only', only], { ...simEnv, ...k.env }, k.node));
      });
    } else {
      sims.push(group.cli('sim', ['sim', ...simArgs], simEnv));
    }
    const simsDone = Promise.all(sims.map((s) => s.exited));
    let injectError: unknown;
    const injected = sc.inject(ctx).then(() => ctx.note('fault injected and healed'), (e: unknown) => { injectError = e; });
    let simTimer: NodeJS.Timeout | undefined;
    const simCodes = await Promise.race([simsDone, new Promise<null>((r) => { simTimer = setTimeout(() => r(null), 150_000); })]);
    clearTimeout(simTimer);
    if (simCodes === null) throw new Error(`simulator did not finish in 120 s\n${sims.map((s) => s.err.join('').slice(-1500)).join('\n')}`);
    await injected;
    if (injectError) throw injectError;
    ctx.note(`simulator exited ${simCodes.join(',')}`);
    simCodes.forEach((code, i) => { if (code !== 0) throw new Error(`${sims[i]!.name} exited ${code}: ${sims[i]!.err.join('').slice(-2000)}`); });

    const settle = async (what: string) => {
      // Settled when every raised id has a decision and nothing new arrived for 4 s (or 90 s passed).
      let last = '';
      let stableSince = Date.now();
      const end = Date.now() + 90_000;
      while (Date.now() < end) {
        const l = await readLedger(databaseUrl).catch(() => undefined);
        if (l) {
          const raised = edgeLogs.flatMap((e) => raisedFromLog(e.child.err.join(''), e.child.name).raised.filter((r) => e.killedAtMs === undefined || r.timeMs < e.killedAtMs - 1000));
          const open = raised.filter((r) => !l.decisions.has(r.id)).length + [...l.escalations.keys()].filter((id) => !l.decisions.has(id)).length;
          const sig = `${l.escalations.size}/${l.decisions.size}/${[...l.escalations.values()].reduce((a, b) => a + b, 0)}/${open}`;
          if (sig !== last) { last = sig; stableSince = Date.now(); }
          if (open === 0 && Date.now() - stableSince > 4000) { ctx.note(`settled (${what}) ${sig}`); return; }
        }
        await sleep(500);
      }
      ctx.note(`settle (${what}) timed out at ${last}`);
      if (process.env.PDM_FAULT_LOG_DIR) for (const [i, c] of clouds.entries()) writeFileSync(join(process.env.PDM_FAULT_LOG_DIR, `cloud-${i}.log`), c?.err.join('') ?? '');
      // What the cloud workers said last: the first place to look when a run does not settle.
      ctx.note(`enterprise stderr tail:\n${ent.err.join('').split('\n').filter((l) => !/"level":(20|30)/.test(l)).slice(-12).join('\n').slice(0, 4000)}`);
      for (const [i, c] of clouds.entries()) ctx.note(`cloud ${i} stderr tail:\n${c?.err.join('').split('\n').filter((l) => /"level":(40|50)/.test(l)).slice(-5).join('\n').slice(0, 3000)}`);
    };
    await settle('run');
    if (sc.after) { await sc.after({ ...ctx, databaseUrl, namespace: ns }); await settle('after'); }

    const ledger = await readLedger(databaseUrl);
    const raised = edgeLogs.flatMap((e) => raisedFromLog(e.child.err.join(''), e.child.name).raised);
    const notStored = new Set(edgeLogs.flatMap((e) => [...raisedFromLog(e.child.err.join(''), e.child.name).notStored]));
    const uncertain = new Set(edgeLogs.flatMap((e) => raisedFromLog(e.child.err.join(''), e.child.name).raised.filter((r) => e.killedAtMs !== undefined && r.timeMs >= e.killedAtMs - 1000).map((r) => r.id)));
    const result = reconcile(sc.fault, raised, notStored, uncertain, ledger);

    // Everything still running must stop cleanly: a fault must not leave a process wedged.
    const running = group.children.filter((c) => c.proc.exitCode === null && c.proc.signalCode === null);
    const codes = await Promise.all(running.map(async (c) => [c.name, await stop(c)] as const));
    for (const [name, code] of codes) if (code !== 0) notes.push(`${name} stopped with ${code}`);
    return { ...result, notes, wallMs: Date.now() - t0 };
  } finally {
    await group.killAll();
    if (logDir) {
      const runDir = join(logDir, ns);
      mkdirSync(runDir, { recursive: true });
      group.children.forEach((c, i) => writeFileSync(join(runDir, `${i}-${c.name.replace(/[^a-z0-9-]+/gi, '_')}.log`), c.err.join('')));
    }
    await natsProxy.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
