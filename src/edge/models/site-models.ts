// The edge models of one site: one slot per machine type, the shipped default installed at start,
// signed releases from the cloud (subjects.model(site)) verified and run in shadow by the slot, and
// a batched scorer per type so the agent can ask for one window's score without waiting for it on
// the hot path (onnxruntime sees one session.run per burst of windows).
import { z } from 'zod';
import { Counters, MachineType, silentLogger, type Logger, type WorkQueue } from '../../core/index.ts';
import { createModelSlot, ModelSlotConfig, type ModelSlot, type SlotEvent } from './model-slot.ts';
import { consumeModelReleases, type ReleaseOutcome } from './release-consumer.ts';
import { createSlotScorer, type WindowScore } from './slot-scorer.ts';
import { loadShippedModels, SHIPPED_MODELS_DIR } from './shipped-models.ts';
import type { TrustedKeys } from './verify.ts';

export const SiteModelsConfig = z.object({
  enabled: z.boolean().default(true).describe('score windows with the edge model (autoencoder) of each machine type'),
  shippedDir: z.string().default(SHIPPED_MODELS_DIR).describe('folder with the shipped default models (manifest.json + <type>.onnx)'),
  maxBatch: z.number().int().positive().default(64).describe('windows per session.run'),
  slot: ModelSlotConfig.omit({ machineType: true }).prefault({}),
});
export type SiteModelsConfig = z.input<typeof SiteModelsConfig>;

export interface SiteModels {
  /** Asks for the active model's score of one feature row; undefined when the type has no active model. */
  score(machineType: string, row: Record<string, number>): Promise<WindowScore> | undefined;
  /** `name@version` of the active model of a machine type (what MachineStatus.modelVersion carries). */
  version(machineType: string): string | undefined;
  /** The slot of a machine type (for an operator's promote / rollback, and tests). */
  slot(machineType: string): ModelSlot | undefined;
  close(): Promise<void>;
}

export interface SiteModelsOptions {
  site: string;
  /** The cloud link: releases arrive on subjects.model(site). Without it only the shipped models run. */
  link?: WorkQueue;
  /** Public keys releases must be signed with, by keyId; empty = every release is rejected (and counted). */
  trusted?: TrustedKeys;
  config?: SiteModelsConfig;
  counters?: Counters;
  logger?: Logger;
}

const COUNTER: Record<SlotEvent['kind'], string> = {
  installed: 'edge.model.installed',
  'shadow-started': 'edge.model.shadow_started',
  promoted: 'edge.model.promoted',
  rejected: 'edge.model.rejected',
  'shadow-discarded': 'edge.model.shadow_discarded',
  'rolled-back': 'edge.model.rolled_back',
};

/** Loads the shipped models into their slots and starts consuming this site's releases. */
export async function createSiteModels(options: SiteModelsOptions): Promise<SiteModels> {
  const cfg = SiteModelsConfig.parse(options.config ?? {});
  const counters = options.counters ?? new Counters();
  const log = options.logger ?? silentLogger();
  const trusted = options.trusted ?? {};
  const slots = new Map<string, { slot: ModelSlot; scorer: (row: Record<string, number>) => Promise<WindowScore> }>();
  let closed = false;

  const slotFor = (machineType: string, create: boolean) => {
    const known = slots.get(machineType);
    if (known || !create || closed) return known;
    const type = MachineType.safeParse(machineType);
    if (!type.success) return undefined;
    const slot = createModelSlot({ ...cfg.slot, machineType: type.data }, trusted, (e) => {
      counters.inc(COUNTER[e.kind]);
      if (e.kind === 'rejected') log.warn({ machineType, reason: e.reason }, 'edge model rejected');
      else log.info({ machineType, ...e }, `edge model ${e.kind}`);
    });
    const scorer = createSlotScorer(slot, { maxBatch: cfg.maxBatch, onError: (err) => log.error({ err }, 'edge model: judging a batch failed') });
    const entry = { slot, scorer };
    slots.set(machineType, entry);
    return entry;
  };

  if (cfg.enabled) {
    const shipped = await loadShippedModels(cfg.shippedDir);
    if (!shipped.ok) log.warn({ reason: shipped.reason }, 'edge models: no shipped models; scoring waits for a release');
    else {
      for (const r of shipped.value.rejected) {
        counters.inc('edge.model.rejected');
        log.warn({ reason: r }, 'edge models: a shipped model failed its hash check');
      }
      for (const [type, model] of shipped.value.models) {
        const installed = await slotFor(type, true)!.slot.install(model);
        if (!installed.ok) log.warn({ machineType: type, reason: installed.reason }, 'edge models: shipped model not installed');
      }
    }
  }

  const onOutcome = (o: ReleaseOutcome) => {
    if (!o.ok) log.warn({ reason: o.reason }, 'edge model release not accepted');
  };
  const consumer = cfg.enabled && options.link
    ? await consumeModelReleases(options.link, options.site, (type) => slotFor(type, true)?.slot, (o) => {
        // The slot counts its own rejections; a release that never reached a slot is counted here.
        if (!o.ok && /^release (rejected|for)/.test(o.reason)) counters.inc('edge.model.rejected');
        onOutcome(o);
      })
    : undefined;

  return {
    score(machineType, row) {
      const e = slots.get(machineType);
      if (!e || closed || !e.slot.activeManifest()) return undefined;
      return e.scorer(row);
    },
    version(machineType) {
      const m = slots.get(machineType)?.slot.activeManifest();
      return m ? `${m.name}@${m.version}` : undefined;
    },
    slot: (machineType) => slots.get(machineType)?.slot,
    async close() {
      if (closed) return;
      closed = true;
      await consumer?.stop().catch(() => undefined);
      await Promise.all([...slots.values()].map((e) => e.slot.close()));
    },
  };
}
