// The fleet prior: per machine type and operating regime (the edge's speed band), the robust
// median and MAD of every feature over the healthy windows of the fleet's machines, across sites.
// A machine that is new or still learning scores against it from its first window instead of
// learning its own normal first (and a fault it started with as normal). Each machine contributes
// at most its latest `valuesPerMachine` rows, so one chatty machine does not become the fleet; the
// pooled MAD holds the spread between machines as well as within one, which is what a machine the
// fleet has never seen should be judged against. Published on subjects.prior(site) to every site
// running the type, only when it changed materially.
import { z } from 'zod';
import { Counters, FleetPrior, silentLogger, subjects, type FleetMachine, type Logger, type MachineType, type WorkQueue } from '../../core/index.ts';
import { HealthyFeed, HealthyFeedConfig, type StatusSource } from './healthy-feed.ts';

export const FleetPriorConfig = z.object({
  enabled: z.boolean().default(true),
  minMachines: z.number().int().positive().default(3).describe('machines a regime needs before it is in the prior'),
  minRowsPerMachine: z.number().int().positive().default(12).describe('healthy rows a machine needs in a regime to count'),
  valuesPerMachine: z.number().int().positive().default(64).describe('latest healthy rows kept per machine and regime'),
  checkEvery: z.number().int().positive().default(50).describe('healthy rows of a type between recomputations'),
  medianShiftMads: z.number().positive().default(0.5).describe('a median that moved by more than this many old MADs is a material change'),
  madRatio: z.number().min(1).default(1.5).describe('a MAD that grew or shrank by more than this factor is a material change'),
  maxMachines: z.number().int().positive().default(5000).describe('machines held over all types; the least recently updated is dropped beyond this'),
  healthy: HealthyFeedConfig.prefault({}),
});
export type FleetPriorConfig = z.input<typeof FleetPriorConfig>;

/** The edge's regime keys (FleetPrior.regimes). */
const REGIME_KEY = /^(b-?\d{1,3}|fixed)$/;

export interface FleetPriorPublisher {
  observe(machine: FleetMachine): void;
  /** The prior of a type as last computed (published or not). */
  current(machineType: MachineType): FleetPrior | undefined;
  /** Resolves once every publish has been handed to the queue. */
  idle(): Promise<void>;
  close(): Promise<void>;
}

export interface FleetPriorOptions {
  queue: WorkQueue;
  sites?: Iterable<{ site: string; machineType: MachineType }>;
  source?: StatusSource;
  logger?: Logger;
  counters?: Counters;
  config?: FleetPriorConfig;
  /** Event time → createdAt (default: the wall clock). */
  now?: () => number;
}

function median(sorted: readonly number[]): number {
  const n = sorted.length;
  return n % 2 ? sorted[(n - 1) / 2]! : (sorted[n / 2 - 1]! + sorted[n / 2]!) / 2;
}

/** Median and raw MAD of values (not scaled by 1.4826: FeatureStats holds the raw MAD). */
export function medianMad(values: readonly number[]): { median: number; mad: number } {
  const s = [...values].sort((a, b) => a - b);
  const m = median(s);
  return { median: m, mad: median(s.map((v) => Math.abs(v - m)).sort((a, b) => a - b)) };
}

/** True when `next` differs from `prev` enough to send again (new or lost regimes or features, moved medians, changed spreads). */
export function materiallyChanged(prev: FleetPrior['regimes'] | undefined, next: FleetPrior['regimes'], cfg: { medianShiftMads: number; madRatio: number }): boolean {
  if (!prev) return true;
  const keys = (o: object) => Object.keys(o).sort().join('|');
  if (keys(prev) !== keys(next)) return true;
  for (const [r, feats] of Object.entries(next)) {
    const old = prev[r]!;
    if (keys(old) !== keys(feats)) return true;
    for (const [f, s] of Object.entries(feats)) {
      const o = old[f]!;
      const eps = 1e-9 + 1e-6 * Math.abs(o.median);
      if (Math.abs(s.median - o.median) > cfg.medianShiftMads * Math.max(o.mad, eps)) return true;
      if (Math.max(s.mad, eps) > cfg.madRatio * Math.max(o.mad, eps) || Math.max(o.mad, eps) > cfg.madRatio * Math.max(s.mad, eps)) return true;
    }
  }
  return false;
}

/** The latest rows of one machine in one regime (a ring once full). */
interface Ring {
  rows: Record<string, number>[];
  next: number;
}

interface MachineRows {
  type: MachineType;
  regimes: Map<string, Ring>;
}

/** Starts the publisher; counters: cloud.prior.{computed,published,unchanged,publish_failed}. */
export function createFleetPriorPublisher(options: FleetPriorOptions): FleetPriorPublisher {
  const cfg = FleetPriorConfig.parse(options.config ?? {});
  const log = options.logger ?? silentLogger();
  const counters = options.counters ?? new Counters();
  const now = options.now ?? Date.now;
  const feed = new HealthyFeed(cfg.healthy);
  const machines = new Map<string, MachineRows>(); // least recently updated first
  const sitesOf = new Map<MachineType, Set<string>>();
  const sinceCheck = new Map<MachineType, number>();
  const computed = new Map<MachineType, FleetPrior>();
  const sent = new Map<MachineType, FleetPrior>();
  const publishing = new Set<Promise<void>>();
  let closed = false;

  const sitesFor = (t: MachineType) => {
    let s = sitesOf.get(t);
    if (!s) sitesOf.set(t, (s = new Set()));
    return s;
  };
  for (const { site, machineType } of options.sites ?? []) sitesFor(machineType).add(site);

  const publish = (site: string, prior: FleetPrior) => {
    const p = options.queue.publish(subjects.prior(site), new TextEncoder().encode(JSON.stringify(prior))).then(
      () => counters.inc('cloud.prior.published'),
      (err: unknown) => {
        counters.inc('cloud.prior.publish_failed');
        log.error({ err, site, machineType: prior.machineType }, 'fleet prior: publish failed');
      },
    );
    publishing.add(p);
    void p.finally(() => publishing.delete(p));
  };

  /** The prior of a type from the rows held, or undefined when no regime has enough machines. */
  function compute(type: MachineType): FleetPrior | undefined {
    const byRegime = new Map<string, { key: string; ring: Ring }[]>();
    for (const [key, m] of machines) {
      if (m.type !== type) continue;
      for (const [r, ring] of m.regimes) if (ring.rows.length >= cfg.minRowsPerMachine) byRegime.set(r, [...(byRegime.get(r) ?? []), { key, ring }]);
    }
    const regimes: FleetPrior['regimes'] = {};
    const contributors = new Set<string>();
    for (const [r, members] of byRegime) {
      if (members.length < cfg.minMachines) continue;
      const rings = members.map((x) => x.ring);
      const pooled = new Map<string, number[]>();
      const present = new Map<string, number>();
      for (const ring of rings) {
        const here = new Set<string>();
        for (const row of ring.rows) {
          for (const [f, v] of Object.entries(row)) {
            let vs = pooled.get(f);
            if (!vs) pooled.set(f, (vs = []));
            vs.push(v);
            here.add(f);
          }
        }
        for (const f of here) present.set(f, (present.get(f) ?? 0) + 1);
      }
      const stats: Record<string, { median: number; mad: number }> = {};
      // A feature only some machines have (another sensor fit) is no prior for the type.
      for (const [f, vs] of pooled) if ((present.get(f) ?? 0) >= cfg.minMachines) stats[f] = medianMad(vs);
      if (Object.keys(stats).length > 0) {
        regimes[r] = stats;
        for (const x of members) contributors.add(x.key);
      }
    }
    if (Object.keys(regimes).length === 0) return undefined;
    return { v: 1, machineType: type, createdAt: new Date(now()).toISOString(), machines: contributors.size, regimes };
  }

  function check(type: MachineType): void {
    const prior = compute(type);
    if (!prior) return;
    counters.inc('cloud.prior.computed');
    computed.set(type, prior);
    if (!materiallyChanged(sent.get(type)?.regimes, prior.regimes, cfg)) {
      counters.inc('cloud.prior.unchanged');
      return;
    }
    const checked = FleetPrior.parse(prior); // our own output: a bug here must not reach every edge
    sent.set(type, checked);
    const sites = [...sitesFor(type)].sort();
    log.info({ machineType: type, machines: checked.machines, regimes: Object.keys(checked.regimes), sites }, 'fleet prior published');
    for (const site of sites) publish(site, checked);
  }

  const observe = (m: FleetMachine) => {
    if (closed || !cfg.enabled) return;
    const sites = sitesFor(m.machineType);
    if (!sites.has(m.site)) {
      sites.add(m.site);
      const p = sent.get(m.machineType);
      if (p) publish(m.site, p); // a site that starts running the type gets the current prior
    }
    const h = feed.take(m);
    if (!h || h.regime === undefined || !REGIME_KEY.test(h.regime)) return;
    let mr = machines.get(h.key);
    if (mr) machines.delete(h.key);
    else mr = { type: h.machineType, regimes: new Map() };
    machines.set(h.key, mr);
    if (machines.size > cfg.maxMachines) machines.delete(machines.keys().next().value!);
    let ring = mr.regimes.get(h.regime);
    if (!ring) mr.regimes.set(h.regime, (ring = { rows: [], next: 0 }));
    if (ring.rows.length < cfg.valuesPerMachine) ring.rows.push(h.features);
    else {
      ring.rows[ring.next] = h.features;
      ring.next = (ring.next + 1) % cfg.valuesPerMachine;
    }
    const n = (sinceCheck.get(h.machineType) ?? 0) + 1;
    if (n < cfg.checkEvery) sinceCheck.set(h.machineType, n);
    else {
      sinceCheck.set(h.machineType, 0);
      check(h.machineType);
    }
  };

  const unsubscribe = options.source?.onEvent((e) => {
    if (e.type === 'status') observe(e.machine);
  });

  return {
    observe,
    current: (t) => computed.get(t),
    async idle() {
      while (publishing.size > 0) await Promise.all([...publishing]);
    },
    async close() {
      if (closed) return;
      closed = true;
      unsubscribe?.();
      await Promise.allSettled([...publishing]);
    },
  };
}
