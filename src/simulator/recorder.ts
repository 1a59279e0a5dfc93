// Records what the simulator publishes as plain files, streamed to disk as it goes:
//   DIR/machines.json            the births (id, site, line, type, sensors and rates, bearing)
//   DIR/{machine}/{channel}.csv  `timestamp,value`, one row per sample: sample k of a window at
//                                ts + k * 1000 / rateHz (epoch ms, fractional for kHz channels)
//   DIR/labels.jsonl             one ground-truth line per injection (machine or sensor fault):
//                                `machine`, `fault`, `onset`, `failure`, `repaired` as ISO 8601
//                                (null if not), then the GroundTruthRecord's own fields (epoch ms)
// Each file keeps a small text buffer that is appended to disk when it passes FLUSH_BYTES, so
// memory stays bounded however long the run and no more than one file is open at a time.
import { appendFile, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { GroundTruthRecord, MachineBirth, TelemetryWindow } from '../core/index.ts';
import { formatFloat32 } from './csv.ts';

/** A buffered file is appended to disk once its buffer holds this many characters (~256 KiB). */
const FLUSH_CHARS = 256 * 1024;

/** Column header of every channel file. */
export const RECORDING_CSV_HEADER = 'timestamp,value';

/** One machine as machines.json lists it. */
export interface RecordedMachine {
  id: string;
  site: string;
  line: string;
  type: MachineBirth['machineType'];
  ratedSpeedRpm: number;
  bearing: MachineBirth['bearing'];
  sensors: MachineBirth['sensors'];
}

/** machines.json. */
export interface RecordingManifest {
  v: 1;
  /** Event time the simulation started, epoch ms. */
  startMs: number;
  /** Simulated time between windows, ms. */
  windowIntervalMs: number;
  machines: RecordedMachine[];
}

/**
 * One line of labels.jsonl: the fields with ISO 8601 times (event time; null when it did not
 * happen), followed by the ground-truth record itself (times in epoch ms). For a sensor fault,
 * `failure` is the end of the sensor fault (the record's failureMs).
 */
export interface RecordedLabel extends GroundTruthRecord {
  onset: string;
  failure: string;
  repaired: string | null;
  failed: string | null;
  detectable: string | null;
}

export interface RecorderConfig {
  dir: string;
  startMs: number;
  windowIntervalMs: number;
  /**
   * Write samples as float32 (what the binary frame and Sparkplug waveforms carry), so a recorded
   * value equals the received one; false keeps full float64 (the JSON encoding). Default true.
   */
  float32?: boolean;
}

/** Streams births, windows and ground truth to files; call close() with the final ground truth. */
export interface Recorder {
  /** Writes machines.json and creates each machine's folder and channel files (with header). */
  births(births: readonly MachineBirth[]): Promise<void>;
  /** Appends every sample of the window to its channel files. */
  window(w: TelemetryWindow): Promise<void>;
  /** Flushes every buffer and writes labels.jsonl. */
  close(truth: readonly GroundTruthRecord[]): Promise<{ rows: number; windows: number }>;
}

/** The ground-truth record as one labels.jsonl line. */
export function labelOf(t: GroundTruthRecord): RecordedLabel {
  const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());
  // Issue fields first, so a reader of the file sees them at the start of each line.
  const { machine, fault, ...rest } = t;
  return { machine, fault, onset: iso(t.onsetMs)!, failure: iso(t.failureMs)!, repaired: iso(t.repairedAtMs), failed: iso(t.failedAtMs), detectable: iso(t.detectableMs), ...rest };
}

/** Creates a recorder writing under `cfg.dir` (created if missing; existing channel files are replaced). */
export function createRecorder(cfg: RecorderConfig): Recorder {
  const float32 = cfg.float32 ?? true;
  const fmt = float32 ? formatFloat32 : (v: number) => String(v);
  const buffers = new Map<string, string[]>();
  const sizes = new Map<string, number>();
  let rows = 0;
  let windows = 0;

  const fileOf = (machine: string, channel: string) => join(cfg.dir, machine, `${channel}.csv`);

  async function flush(path: string): Promise<void> {
    const parts = buffers.get(path);
    if (!parts || parts.length === 0) return;
    buffers.set(path, []);
    sizes.set(path, 0);
    await appendFile(path, parts.join(''));
  }

  return {
    async births(births) {
      await mkdir(cfg.dir, { recursive: true });
      const manifest: RecordingManifest = {
        v: 1,
        startMs: cfg.startMs,
        windowIntervalMs: cfg.windowIntervalMs,
        machines: births.map((b) => ({ id: b.machine, site: b.site, line: b.line, type: b.machineType, ratedSpeedRpm: b.ratedSpeedRpm, bearing: b.bearing, sensors: b.sensors })),
      };
      await writeFile(join(cfg.dir, 'machines.json'), `${JSON.stringify(manifest, null, 2)}\n`);
      for (const b of births) {
        await mkdir(join(cfg.dir, b.machine), { recursive: true });
        for (const s of b.sensors) {
          const path = fileOf(b.machine, s.channel);
          await writeFile(path, `${RECORDING_CSV_HEADER}\n`);
          buffers.set(path, []);
          sizes.set(path, 0);
        }
      }
    },
    async window(w) {
      windows++;
      for (const c of w.channels) {
        const path = fileOf(w.machine, c.name);
        let parts = buffers.get(path);
        if (!parts) {
          // A channel the birth did not announce: still recorded, in a file of its own.
          await mkdir(join(cfg.dir, w.machine), { recursive: true });
          await writeFile(path, `${RECORDING_CSV_HEADER}\n`);
          parts = [];
          buffers.set(path, parts);
        }
        const stepMs = 1000 / c.rateHz;
        let text = '';
        for (let k = 0; k < c.values.length; k++) text += `${w.ts + k * stepMs},${fmt(c.values[k]!)}\n`;
        parts.push(text);
        rows += c.values.length;
        const size = (sizes.get(path) ?? 0) + text.length;
        sizes.set(path, size);
        if (size >= FLUSH_CHARS) await flush(path);
      }
    },
    async close(truth) {
      for (const path of buffers.keys()) await flush(path);
      await writeFile(join(cfg.dir, 'labels.jsonl'), truth.map((t) => `${JSON.stringify(labelOf(t))}\n`).join(''));
      return { rows, windows };
    },
  };
}
