// The bounded ingest stage between the site broker's message handler and the per-machine monitors.
// A flood (a replay at full speed, a reconnect that flushes a broker's backlog, a fleet larger than
// the box) must not make the agent fall behind without bound: the stage holds at most `maxWindows`
// windows and `maxBytes` payload bytes, and under pressure it sheds telemetry by fixed priority:
//   1. never a window of a machine whose state carries evidence (open incident, or a score above
//      the pre-alarm threshold recently): those are processed, in the handler itself if need be;
//   2. first, windows of machines in a steady normal state, keeping every `keepEvery`-th so their
//      baseline and status stay alive (reason `steady`);
//   3. then coalesce: of a machine that is not protected, only its newest queued window is kept
//      (reason `coalesced`);
//   4. if still full, an unprotected window is refused, or for a protected one the oldest queued
//      unprotected window (a steady machine's first) makes room (reason `overflow`).
// Every shed window is reported once, with its reason. Births never pass through here.
// The stage is protocol-free (no I/O, injectable clock and scheduler) so its rules are tested alone.
import { z } from 'zod';

export const IngestConfig = z.object({
  maxWindows: z.number().int().min(1).default(512).describe('windows the ingest queue may hold'),
  maxBytes: z.number().int().min(1).default(32 * 1024 * 1024).describe('payload bytes the ingest queue may hold'),
  highWater: z.number().gt(0).max(1).default(0.5).describe('share of either budget above which steady machines are thinned'),
  maxLagMs: z.number().positive().default(1000).describe('a queued window older than this (wall ms) also means pressure: the agent is behind'),
  keepEvery: z.number().int().min(1).default(8).describe('under pressure, keep every k-th window of a steady machine'),
  shed: z.boolean().default(true).describe('false = never shed: every window counts as evidence, so a full queue is processed in the handler (benchmarks of capacity)'),
  sliceMs: z.number().positive().default(20).describe('wall ms of processing before the stage yields to the event loop (its delay stays near this)'),
});
export type IngestConfig = z.input<typeof IngestConfig>;

/** How a machine's windows rank under pressure, decided by the agent from the machine's state. */
export type IngestPriority = 'protected' | 'steady' | 'other';
export type ShedReason = 'steady' | 'coalesced' | 'overflow' | 'closed';
export const SHED_REASONS: readonly ShedReason[] = ['steady', 'coalesced', 'overflow', 'closed'];

export interface IngestStats {
  queued: number;
  queuedBytes: number;
  /** Highest queue length and bytes seen (they never exceed the budget). */
  maxQueued: number;
  maxQueuedBytes: number;
  /** Windows processed in the handler because the queue was empty (the normal path). */
  inline: number;
  /** Windows processed in the handler to make room for a protected window (back-pressure). */
  forced: number;
  shed: Record<ShedReason, number>;
  shedTotal: number;
  shedding: boolean;
}

export interface IngestShedder<T> {
  /** Hands one window of machine `key` to the stage: processed now, queued, or shed (the returned reason). */
  offer(key: string, item: T, bytes: number): 'processed' | 'queued' | ShedReason;
  /** Processes queued windows for up to one slice; returns how many. (Scheduled by the stage itself.) */
  drain(): number;
  stats(): IngestStats;
  /** Stops: queued windows of protected machines are processed (they carry evidence), the rest shed as `closed`. */
  close(): void;
}

export interface IngestShedderOptions<T> {
  config?: IngestConfig;
  /** The machine's rank now (read again whenever a decision is taken, as processing changes it). */
  classify(key: string): IngestPriority;
  /** Processes one window (must not throw; a throw is reported to onError and the stage goes on). */
  process(item: T, key: string): void;
  onShed?(reason: ShedReason, key: string, item: T): void;
  /** Called when shedding starts (first shed since calm) and stops (queue back under the low mark). */
  onShedding?(on: boolean, stats: IngestStats): void;
  onError?(err: unknown): void;
  /** Wall clock in ms (performance.now by default). */
  now?: () => number;
  /** Runs `fn` on a later macrotask (setImmediate by default), so the broker's handler can run in between. */
  schedule?: (fn: () => void) => void;
}

interface Queued<T> {
  key: string;
  item: T;
  bytes: number;
  atMs: number;
}

/** Creates the bounded ingest stage; see the file comment for its priority rules. */
export function createIngestShedder<T>(options: IngestShedderOptions<T>): IngestShedder<T> {
  const cfg = IngestConfig.parse(options.config ?? {});
  const now = options.now ?? (() => performance.now());
  const schedule = options.schedule ?? ((fn) => void setImmediate(fn));
  const onError = options.onError ?? (() => undefined);
  const classify = (key: string): IngestPriority => (cfg.shed ? options.classify(key) : 'protected');
  const queue: Queued<T>[] = [];
  const perMachine = new Map<string, number>(); // queued windows per machine
  const thin = new Map<string, number>(); // windows seen under pressure per steady machine
  let bytes = 0;
  let sliceUsedMs = 0; // processing done in the current macrotask
  let sliceResetScheduled = false;
  let drainScheduled = false;
  let closed = false;
  const s = { maxQueued: 0, maxQueuedBytes: 0, inline: 0, forced: 0, shedTotal: 0, shedding: false };
  const shed: Record<ShedReason, number> = { steady: 0, coalesced: 0, overflow: 0, closed: 0 };

  const stats = (): IngestStats => ({ queued: queue.length, queuedBytes: bytes, ...s, shed: { ...shed } });

  const count = (reason: ShedReason, q: { key: string; item: T }) => {
    shed[reason]++;
    s.shedTotal++;
    if (!s.shedding && reason !== 'closed') {
      s.shedding = true;
      options.onShedding?.(true, stats());
    }
    options.onShed?.(reason, q.key, q.item);
  };

  const removeAt = (i: number): Queued<T> => {
    const [q] = queue.splice(i, 1);
    bytes -= q!.bytes;
    const left = (perMachine.get(q!.key) ?? 1) - 1;
    if (left > 0) perMachine.set(q!.key, left);
    else perMachine.delete(q!.key);
    return q!;
  };

  const run = (q: { key: string; item: T }) => {
    const t0 = now();
    try {
      options.process(q.item, q.key);
    } catch (err) {
      onError(err);
    }
    sliceUsedMs += now() - t0;
    if (!sliceResetScheduled) {
      sliceResetScheduled = true;
      schedule(() => {
        sliceResetScheduled = false;
        sliceUsedMs = 0;
      });
    }
  };

  const calmCheck = () => {
    if (s.shedding && queue.length <= Math.floor((cfg.maxWindows * cfg.highWater) / 2) && bytes <= (cfg.maxBytes * cfg.highWater) / 2) {
      s.shedding = false;
      options.onShedding?.(false, stats());
    }
  };

  const scheduleDrain = () => {
    if (drainScheduled || closed) return;
    drainScheduled = true;
    schedule(() => {
      drainScheduled = false;
      drain();
    });
  };

  function drain(): number {
    if (closed) return 0;
    const start = now();
    let done = 0;
    while (queue.length > 0 && (done === 0 || now() - start < cfg.sliceMs)) {
      run(removeAt(0));
      done++;
    }
    if (queue.length > 0) scheduleDrain();
    calmCheck();
    return done;
  }

  const pressure = () =>
    queue.length >= cfg.maxWindows * cfg.highWater || bytes >= cfg.maxBytes * cfg.highWater || (queue.length > 0 && now() - queue[0]!.atMs >= cfg.maxLagMs);
  const fits = (extra: number) => queue.length + 1 <= cfg.maxWindows && bytes + extra <= cfg.maxBytes;

  /** The first queued window (oldest first) that `ok` accepts, its machine ranked now; -1 if none. */
  const findVictim = (ok: (q: Queued<T>, p: IngestPriority) => boolean): number => {
    const rank = new Map<string, IngestPriority>();
    for (let i = 0; i < queue.length; i++) {
      const q = queue[i]!;
      let p = rank.get(q.key);
      if (p === undefined) rank.set(q.key, (p = classify(q.key)));
      if (ok(q, p)) return i;
    }
    return -1;
  };

  return {
    offer(key, item, size) {
      if (closed) {
        count('closed', { key, item });
        return 'closed';
      }
      // The normal path: nothing waiting and the event loop not held for long, so process at once
      // (an alarm's local command must not wait for a macrotask).
      if (queue.length === 0 && sliceUsedMs < cfg.sliceMs) {
        s.inline++;
        run({ key, item });
        return 'processed';
      }
      const priority = classify(key);
      if (priority === 'steady' && pressure()) {
        const k = (thin.get(key) ?? 0) + 1;
        thin.set(key, k % cfg.keepEvery);
        if (k % cfg.keepEvery !== 1 % cfg.keepEvery) {
          count('steady', { key, item });
          return 'steady';
        }
      }
      // A machine that is not protected keeps one queued window, its newest, once under pressure;
      // the newest takes the older one's place in line, so a chatty machine is not sent to the back.
      if (priority !== 'protected' && (perMachine.get(key) ?? 0) > 0 && pressure()) {
        const mine: number[] = [];
        queue.forEach((q, i) => q.key === key && mine.push(i));
        for (let j = mine.length - 1; j >= 1; j--) count('coalesced', removeAt(mine[j]!));
        const i = mine[0]!;
        const old = queue[i]!;
        if (bytes - old.bytes + size <= cfg.maxBytes) {
          queue[i] = { key, item, bytes: size, atMs: old.atMs };
          bytes += size - old.bytes;
          count('coalesced', old);
          return 'queued';
        }
        count('coalesced', removeAt(i));
      }
      while (!fits(size)) {
        // Make room: an older window of an unprotected machine (steady ones first), so each keeps
        // its newest; then refuse an unprotected window; for evidence, the oldest unprotected one goes.
        let i = findVictim((q, p) => p === 'steady' && (perMachine.get(q.key) ?? 0) > 1);
        if (i < 0) i = findVictim((q, p) => p !== 'protected' && (perMachine.get(q.key) ?? 0) > 1);
        let reason: ShedReason = 'coalesced';
        if (i < 0 && priority !== 'protected') {
          count('overflow', { key, item });
          return 'overflow';
        }
        if (i < 0) {
          i = findVictim((_q, p) => p === 'steady');
          if (i < 0) i = findVictim((_q, p) => p !== 'protected');
          reason = 'overflow';
        }
        if (i >= 0) {
          count(reason, removeAt(i));
          continue;
        }
        // Only evidence is queued: process the oldest here (back-pressure on the handler).
        if (queue.length === 0) {
          s.forced++;
          run({ key, item }); // larger than the whole byte budget: it cannot wait in the queue
          return 'processed';
        }
        s.forced++;
        run(removeAt(0));
      }
      queue.push({ key, item, bytes: size, atMs: now() });
      perMachine.set(key, (perMachine.get(key) ?? 0) + 1);
      bytes += size;
      s.maxQueued = Math.max(s.maxQueued, queue.length);
      s.maxQueuedBytes = Math.max(s.maxQueuedBytes, bytes);
      scheduleDrain();
      return 'queued';
    },
    drain,
    stats,
    close() {
      if (closed) return;
      closed = true;
      while (queue.length > 0) {
        const q = removeAt(0);
        if (classify(q.key) === 'protected') run(q);
        else count('closed', q);
      }
    },
  };
}
