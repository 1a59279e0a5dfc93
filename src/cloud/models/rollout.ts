// The cloud's edge-model rollout: healthy feature rows per machine type, collected from the statuses
// every site sends (so the model sees the whole fleet, across sites), → when a type has enough rows
// from enough machines, train an autoencoder (in a worker thread), export ONNX, sign it (Ed25519)
// and publish it to every site that runs that type. The edge verifies, shadows and promotes it
// (src/edge/models). Versions only grow; every publish is counted and logged.
import { z } from 'zod';
import { Counters, silentLogger, type FleetMachine, type Logger, type MachineType, type ModelRelease, type WorkQueue } from '../../core/index.ts';
import { HealthyFeed, HealthyFeedConfig, type StatusSource } from '../fleet/healthy-feed.ts';
import { TrainConfig } from './autoencoder.ts';
import { publishRelease } from './publish.ts';
import { RowReservoir } from './row-reservoir.ts';
import { signRelease, type SigningKey } from './signing.ts';
import { workerTrainer, type EdgeModelTrainer } from './trainer.ts';
import { memoryVersionLedger, type VersionLedger } from './version-ledger.ts';

export const ModelRolloutConfig = z.object({
  enabled: z.boolean().default(true),
  minRows: z.number().int().positive().default(1000).describe('healthy rows of a type before its first model is trained'),
  minMachines: z.number().int().positive().default(3).describe('distinct machines those rows must come from (one machine\'s normal is not the fleet\'s)'),
  retrainEvery: z.number().int().positive().default(5000).describe('new healthy rows of a type after which it is trained again'),
  maxRowsPerType: z.number().int().positive().default(4000).describe('reservoir size per type: bounds memory and training time'),
  minCoverage: z.number().min(0.5).max(1).default(0.8).describe('share of rows a feature must be in to become a model input (temperatures are left out of rows while they settle after a start)'),
  seed: z.number().int().default(1).describe('reservoir sampling and training seed'),
  train: TrainConfig.prefault({}),
  healthy: HealthyFeedConfig.prefault({}),
});
export type ModelRolloutConfig = z.input<typeof ModelRolloutConfig>;

/** One published version, for logs, stats and tests. */
export interface RolloutRecord {
  machineType: MachineType;
  name: string;
  version: number;
  rows: number;
  machines: number;
  features: number;
  trainLoss: number;
  validationLoss: number;
  epochs: number;
  trainMs: number;
  bytes: number;
  sites: string[];
}

export interface ModelRollout {
  /** Feeds one status event's machine (what DiagnosisService.onEvent gives). */
  observe(machine: FleetMachine): void;
  /** Resolves once no training or publish is running or queued (tests, shutdown). */
  idle(): Promise<void>;
  /** Every version published so far, oldest first. */
  published(): RolloutRecord[];
  /** Healthy rows held and seen per type. */
  rows(): Record<string, { held: number; seen: number; machines: number }>;
  close(): Promise<void>;
}

export interface ModelRolloutOptions {
  queue: WorkQueue;
  signingKey: SigningKey;
  /** Sites and the machine types they run, known up front; more are learned from statuses. */
  sites?: Iterable<{ site: string; machineType: MachineType }>;
  /** Subscribes to its status events (the cloud's DiagnosisService); or call observe() yourself. */
  source?: StatusSource;
  logger?: Logger;
  counters?: Counters;
  config?: ModelRolloutConfig;
  versions?: VersionLedger;
  trainer?: EdgeModelTrainer;
}

interface TypeState {
  reservoir: RowReservoir;
  /** reservoir.seen when the last training started (undefined: never trained). */
  trainedAtSeen?: number;
  sites: Set<string>;
  latest?: ModelRelease;
}

/** Starts the rollout; counters: cloud.model.{rows,trained,published,publish_failed,train_failed}. */
export function createModelRollout(options: ModelRolloutOptions): ModelRollout {
  const cfg = ModelRolloutConfig.parse(options.config ?? {});
  const log = options.logger ?? silentLogger();
  const counters = options.counters ?? new Counters();
  const versions = options.versions ?? memoryVersionLedger();
  const trainer = options.trainer ?? workerTrainer();
  const feed = new HealthyFeed(cfg.healthy);
  const types = new Map<MachineType, TypeState>();
  const records: RolloutRecord[] = [];
  const queued: MachineType[] = [];
  let running: Promise<void> | undefined;
  const publishing = new Set<Promise<void>>();
  let closed = false;

  const stateOf = (type: MachineType): TypeState => {
    let s = types.get(type);
    if (!s) types.set(type, (s = { reservoir: new RowReservoir(cfg.maxRowsPerType, cfg.seed), sites: new Set() }));
    return s;
  };
  for (const { site, machineType } of options.sites ?? []) stateOf(machineType).sites.add(site);

  const publish = (site: string, release: ModelRelease) => {
    const p = publishRelease(options.queue, site, release).then(
      () => counters.inc('cloud.model.published'),
      (err: unknown) => {
        counters.inc('cloud.model.publish_failed');
        log.error({ err, site, model: release.manifest.name, version: release.manifest.version }, 'model release: publish failed');
      },
    );
    publishing.add(p);
    void p.finally(() => publishing.delete(p));
    return p;
  };

  const due = (s: TypeState): boolean =>
    s.reservoir.size >= cfg.minRows && s.reservoir.machines >= cfg.minMachines &&
    (s.trainedAtSeen === undefined || s.reservoir.seen - s.trainedAtSeen >= cfg.retrainEvery);

  async function trainOne(type: MachineType): Promise<void> {
    const s = stateOf(type);
    if (!due(s)) return;
    s.trainedAtSeen = s.reservoir.seen;
    const rows = s.reservoir.snapshot();
    const name = `autoencoder-${type}`;
    let built;
    try {
      const version = await versions.next(name);
      built = await trainer.train(rows, { machineType: type, version, name, minCoverage: cfg.minCoverage, train: { ...cfg.train, seed: cfg.seed + version } });
    } catch (err) {
      if (closed) return;
      counters.inc('cloud.model.train_failed');
      log.error({ err, machineType: type, rows: rows.length }, 'edge model training failed');
      return;
    }
    if (closed) return;
    const { report, manifest } = built;
    if (!Number.isFinite(report.validationLoss)) {
      counters.inc('cloud.model.train_failed');
      log.error({ machineType: type, version: manifest.version }, 'edge model training diverged; not released');
      return;
    }
    counters.inc('cloud.model.trained');
    const release = signRelease(built.onnx, manifest, options.signingKey);
    s.latest = release;
    const sites = [...s.sites].sort();
    const record: RolloutRecord = {
      machineType: type, name, version: manifest.version, rows: manifest.trainedOn.rows, machines: manifest.trainedOn.machines,
      features: manifest.featureNames.length, trainLoss: report.trainLoss, validationLoss: report.validationLoss, epochs: report.epochs,
      trainMs: Math.round(built.trainMs), bytes: built.onnx.byteLength, sites,
    };
    records.push(record);
    // Key material never goes to the log: the key id names which key signed.
    log.info({ ...record, keyId: options.signingKey.keyId }, 'edge model released');
    await Promise.all(sites.map((site) => publish(site, release)));
  }

  /** Trains queued types one at a time (one worker at a time: training is CPU-bound). */
  const pump = () => {
    if (running || closed) return;
    const type = queued.shift();
    if (!type) return;
    running = trainOne(type).finally(() => {
      running = undefined;
      pump();
    });
  };

  const observe = (m: FleetMachine) => {
    if (closed || !cfg.enabled) return;
    const s = stateOf(m.machineType);
    if (!s.sites.has(m.site)) {
      s.sites.add(m.site);
      // A site that starts running a type later gets the type's current model.
      if (s.latest) void publish(m.site, s.latest);
    }
    const h = feed.take(m);
    if (!h) return;
    s.reservoir.add({ machine: h.key, features: h.features });
    counters.inc('cloud.model.rows');
    if (due(s) && !queued.includes(m.machineType)) {
      queued.push(m.machineType);
      pump();
    }
  };

  const unsubscribe = options.source?.onEvent((e) => {
    if (e.type === 'status') observe(e.machine);
  });

  const idle = async () => {
    while (running || publishing.size > 0) await Promise.all([running, ...publishing]);
  };

  return {
    observe,
    idle,
    published: () => records.map((r) => ({ ...r, sites: [...r.sites] })),
    rows: () => Object.fromEntries([...types].map(([t, s]) => [t, { held: s.reservoir.size, seen: s.reservoir.seen, machines: s.reservoir.machines }])),
    async close() {
      if (closed) return;
      closed = true;
      unsubscribe?.();
      queued.length = 0;
      await trainer.close();
      await Promise.allSettled([running, ...publishing]);
    },
  };
}
