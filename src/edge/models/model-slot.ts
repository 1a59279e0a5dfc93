// The model slot of one machine type at the edge: an active model, at most one shadow, and the
// previous model kept loaded for an instant rollback.
//   offer(release) → verify (signature, hash, type, version) → load → run as shadow on the same rows
//   as the active model (score) → the agent reports which rows its ensemble deemed normal (judge) →
//   promote once a paired test on their false alarms over those rows has power and does not find
//   the shadow worse; discard it when it does (shadow-gate.ts: exact McNemar test, α = 0.05) →
//   watch the promoted model → roll back on demand, or when its false-alarm rate jumps above what
//   it showed in shadow (a model that only looked good on yesterday's data).
// A model's "alarm" is its score above its own threshold (the manifest's healthy p99 × factor), so
// two models on different score scales are compared on the same footing.
import { z } from 'zod';
import { fail, MachineType, ok, type Result } from '../../core/index.ts';
import { loadOnnxDetector, OnnxDetectorConfig, type OnnxDetector } from './onnx-detector.ts';
import type { AsyncDetector, AsyncDetectorStats } from './async-detector.ts';
import type { ModelManifest } from './release-contract.ts';
import { verifyRelease, type TrustedKeys, type VerifiedModel } from './verify.ts';
import { decideShadow, ShadowGateConfig } from './shadow-gate.ts';

export const ModelSlotConfig = z.object({
  machineType: MachineType,
  // 288 rows = one day of one machine at the simulator's 5-minute cadence: enough rows that a 1%
  // false-alarm rate shows as ~3 alarms rather than 0 or 1. The gate itself waits for power
  // (with no discordant alarms, ~300 rows to catch a 2% excess with probability 0.8).
  minShadowRows: z.number().int().positive().default(288).describe('normal rows a shadow is compared on before the gate is consulted'),
  maxShadowRows: z.number().int().positive().default(4 * 288).describe('the shadow\'s budget: after this many normal rows the gate decides with the power it has (promote unless significantly worse)'),
  gate: ShadowGateConfig.prefault({}).describe('the promotion test on paired false alarms (shadow-gate.ts)'),
  thresholdFactor: z.number().positive().default(1).describe('a model alarms when its score exceeds this × its manifest healthyScoreP99'),
  watchRows: z.number().int().positive().default(288).describe('normal rows per check of a promoted model'),
  rollbackFactor: z.number().min(1).default(3).describe('roll back when the promoted model\'s false-alarm rate exceeds this × its rate in shadow...'),
  rollbackFloorRate: z.number().min(0).max(1).default(0.02).describe('...and exceeds this absolute rate (a model with 0 alarms in shadow is not rolled back for 1)'),
  detector: OnnxDetectorConfig.prefault({}),
});
export type ModelSlotConfig = z.input<typeof ModelSlotConfig>;

/** Something the slot did; for logs and metrics. */
export type SlotEvent =
  | { kind: 'installed' | 'shadow-started' | 'promoted'; name: string; version: number }
  | { kind: 'rejected'; reason: string }
  | { kind: 'shadow-discarded' | 'rolled-back'; name: string; version: number; reason: string };

interface ModelRef {
  name: string;
  version: number;
}

interface ShadowTally {
  normalRows: number;
  shadowFalseAlarms: number;
  activeFalseAlarms: number;
  shadowOnly: number;
  activeOnly: number;
}

export interface SlotStatus {
  active?: ModelRef;
  /** The shadow's tally: false alarms of each model on the normal rows, and the discordant rows (only one of them alarmed). */
  shadow?: ModelRef & ShadowTally;
  previous?: ModelRef;
  watch?: { normalRows: number; falseAlarms: number; shadowRate: number };
}

/** One scored batch: the active model's scores, and how to report the ensemble's verdict on those rows. */
export interface ScoredBatch {
  scores: number[];
  /**
   * Reports which rows the active ensemble deems normal (same order and length as the rows): only
   * those count as false alarms for the shadow comparison and the post-promotion watch. May be
   * called once, after the ensemble has fused `scores`; a verdict for a shadow that has since been
   * replaced is ignored.
   */
  judge(normal: readonly boolean[]): Promise<void>;
}

/** A slot is itself an AsyncDetector: scoreMany scores with whatever model is active. */
export interface ModelSlot extends AsyncDetector {
  readonly machineType: string;
  /** Makes a verified model the active one without shadowing (the shipped default at start-up). */
  install(model: VerifiedModel): Promise<Result<ModelRef>>;
  /** Verifies a release (object or wire bytes) and starts it as the shadow. */
  offer(release: unknown): Promise<Result<ModelRef>>;
  /** Scores rows with the active model and the shadow (if any) on the same rows; 0s while no model is active. */
  score(rows: readonly Record<string, number>[]): Promise<ScoredBatch>;
  /** Promotes the shadow now, whatever its record (an operator's decision). */
  promote(): Promise<Result<ModelRef>>;
  /** Reinstates the previous model; the rolled-back version is never accepted again. */
  rollback(reason?: string): Promise<Result<ModelRef>>;
  /** The active model's manifest (its featureNames, threshold), if any. */
  activeManifest(): ModelManifest | undefined;
  status(): SlotStatus;
}

/** Creates the slot; `trusted` are the public keys releases must be signed with. */
export function createModelSlot(config: ModelSlotConfig, trusted: TrustedKeys, onEvent: (e: SlotEvent) => void = () => {}): ModelSlot {
  const cfg = ModelSlotConfig.parse(config);
  let active: OnnxDetector | undefined;
  let previous: OnnxDetector | undefined;
  let shadow: ({ model: OnnxDetector } & ShadowTally) | undefined;
  let watch: { normalRows: number; falseAlarms: number; shadowRate: number } | undefined;
  const highest = new Map<string, number>(); // name → highest version seen: refuses replays and rolled-back versions
  let tail: Promise<unknown> = Promise.resolve();
  let closed = false;

  // Model swaps and scoring run one at a time, so no session is released while it is running.
  const exclusive = <T>(fn: () => Promise<T>): Promise<T> => {
    const p = tail.then(fn);
    tail = p.catch(() => undefined);
    return p;
  };
  const ref = (m: OnnxDetector): ModelRef => ({ name: m.manifest.name, version: m.manifest.version });
  const threshold = (m: OnnxDetector) => cfg.thresholdFactor * m.manifest.healthyScoreP99;
  const reject = <T>(reason: string): Result<T> => {
    onEvent({ kind: 'rejected', reason });
    return fail(reason);
  };

  async function load(v: VerifiedModel): Promise<Result<OnnxDetector>> {
    const { manifest } = v;
    if (manifest.machineType !== cfg.machineType) return fail(`model ${manifest.name} v${manifest.version} is for ${manifest.machineType}, this slot serves ${cfg.machineType}`);
    const seen = highest.get(manifest.name) ?? 0;
    if (manifest.version <= seen) return fail(`model ${manifest.name} v${manifest.version}: version not above v${seen} already seen (replay or rolled back)`);
    const loaded = await loadOnnxDetector(v.onnx, manifest, cfg.detector);
    if (loaded.ok) highest.set(manifest.name, manifest.version);
    return loaded;
  }

  async function doPromote(): Promise<Result<ModelRef>> {
    if (!shadow) return fail('no shadow model to promote');
    const s = shadow;
    shadow = undefined;
    await previous?.close();
    previous = active;
    active = s.model;
    watch = { normalRows: 0, falseAlarms: 0, shadowRate: s.normalRows ? s.shadowFalseAlarms / s.normalRows : 0 };
    onEvent({ kind: 'promoted', ...ref(active) });
    return ok(ref(active));
  }

  async function doRollback(reason: string): Promise<Result<ModelRef>> {
    if (!previous || !active) return fail('no previous model to roll back to');
    const bad = active;
    active = previous;
    previous = undefined;
    watch = undefined;
    await bad.close();
    onEvent({ kind: 'rolled-back', ...ref(bad), reason });
    return ok(ref(active));
  }

  async function tallyShadow(s: NonNullable<typeof shadow>, scores: number[], shadowScores: number[], normal: readonly boolean[]) {
    const ta = threshold(active!);
    const ts = threshold(s.model);
    normal.forEach((n, i) => {
      if (!n) return;
      s.normalRows++;
      const a = scores[i]! > ta;
      const b = shadowScores[i]! > ts;
      if (a) s.activeFalseAlarms++;
      if (b) s.shadowFalseAlarms++;
      if (a && !b) s.activeOnly++;
      if (b && !a) s.shadowOnly++;
    });
    if (s.normalRows < cfg.minShadowRows) return;
    const d = decideShadow(s, cfg.gate, s.normalRows >= cfg.maxShadowRows);
    if (d.kind === 'promote') await doPromote();
    else if (d.kind === 'discard') {
      shadow = undefined;
      onEvent({
        kind: 'shadow-discarded', ...ref(s.model),
        reason: `${s.shadowFalseAlarms} false alarms vs the active model's ${s.activeFalseAlarms} over ${s.normalRows} normal rows (${s.shadowOnly} vs ${s.activeOnly} discordant, one-sided p = ${d.pValue.toPrecision(2)})`,
      });
      await s.model.close();
    }
  }

  async function tallyWatch(scores: number[], normal: readonly boolean[]) {
    const w = watch!;
    const ta = threshold(active!);
    normal.forEach((n, i) => {
      if (!n) return;
      w.normalRows++;
      if (scores[i]! > ta) w.falseAlarms++;
    });
    if (w.normalRows < cfg.watchRows) return;
    const rate = w.falseAlarms / w.normalRows;
    if (rate > cfg.rollbackFactor * w.shadowRate && rate > cfg.rollbackFloorRate) {
      await doRollback(`false-alarm rate ${(100 * rate).toFixed(1)}% over ${w.normalRows} normal rows, ${(100 * w.shadowRate).toFixed(1)}% in shadow`);
    } else watch = { normalRows: 0, falseAlarms: 0, shadowRate: w.shadowRate };
  }

  const slot: ModelSlot = {
    machineType: cfg.machineType,
    install: (model) =>
      exclusive(async () => {
        const loaded = await load(model);
        if (!loaded.ok) return reject(loaded.reason);
        await previous?.close();
        previous = active;
        active = loaded.value;
        onEvent({ kind: 'installed', ...ref(active) });
        return ok(ref(active));
      }),
    offer: (release) =>
      exclusive(async () => {
        if (closed) return fail('model slot closed');
        const v = verifyRelease(release, trusted);
        if (!v.ok) return reject(v.reason);
        const loaded = await load(v.value);
        if (!loaded.ok) return reject(loaded.reason);
        if (!active) {
          active = loaded.value; // nothing to compare against: the first model is simply installed
          onEvent({ kind: 'installed', ...ref(active) });
          return ok(ref(active));
        }
        if (shadow) {
          onEvent({ kind: 'shadow-discarded', ...ref(shadow.model), reason: `superseded by v${loaded.value.manifest.version}` });
          await shadow.model.close();
        }
        shadow = { model: loaded.value, normalRows: 0, shadowFalseAlarms: 0, activeFalseAlarms: 0, shadowOnly: 0, activeOnly: 0 };
        onEvent({ kind: 'shadow-started', ...ref(loaded.value) });
        return ok(ref(loaded.value));
      }),
    score: (rows) =>
      exclusive(async (): Promise<ScoredBatch> => {
        const a = active;
        const sh = shadow;
        if (!a || rows.length === 0) return { scores: rows.map(() => 0), judge: async () => {} };
        const [scores, shadowScores] = await Promise.all([a.scoreMany(rows), sh?.model.scoreMany(rows)]);
        let judged = false;
        const judge = (normal: readonly boolean[]) =>
          exclusive(async () => {
            if (normal.length !== rows.length) throw new RangeError(`judge: ${rows.length} rows but ${normal.length} normal flags`);
            if (judged) return;
            judged = true;
            if (active !== a) return; // the active model changed meanwhile: these scores are another model's
            if (sh && shadowScores && shadow === sh) await tallyShadow(sh, scores, shadowScores, normal);
            else if (!shadow && watch) await tallyWatch(scores, normal);
          });
        return { scores, judge };
      }),
    async scoreMany(rows) {
      return (await slot.score(rows)).scores;
    },
    get featureNames() {
      return active?.featureNames ?? [];
    },
    stats(): AsyncDetectorStats {
      return active?.stats() ?? { rowsScored: 0, rowsUnscored: 0, valuesImputed: 0, runs: 0 };
    },
    promote: () => exclusive(doPromote),
    rollback: (reason = 'operator request') => exclusive(() => doRollback(reason)),
    activeManifest: () => active?.manifest,
    status: () => ({
      ...(active ? { active: ref(active) } : {}),
      ...(shadow ? { shadow: { ...ref(shadow.model), normalRows: shadow.normalRows, shadowFalseAlarms: shadow.shadowFalseAlarms, activeFalseAlarms: shadow.activeFalseAlarms, shadowOnly: shadow.shadowOnly, activeOnly: shadow.activeOnly } } : {}),
      ...(previous ? { previous: ref(previous) } : {}),
      ...(watch ? { watch: { ...watch } } : {}),
    }),
    close: () =>
      exclusive(async () => {
        closed = true;
        await Promise.all([active?.close(), previous?.close(), shadow?.model.close()]);
        active = previous = shadow = undefined;
      }),
  };
  return slot;
}
