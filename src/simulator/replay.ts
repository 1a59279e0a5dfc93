// Replays a recorded CSV (a time column and numeric channels) as one machine's telemetry: a
// retained birth, then TelemetryWindow messages, paced by the file's own timestamps.
//
// Windowing: rows are grouped into windows of `windowRows` rows (default 1 for scalar data, 4096
// for kHz data, the simulator's window), and a window also ends where the time between two rows
// exceeds 1.5 sample periods, so recorded windows (contiguous blocks minutes apart) come back
// exactly as they were published. Channels sampled at 1 kHz or faster go as waveform channels.
// Times are epoch ms (fractions allowed) or ISO 8601 text; a window's ts is its first row's time
// rounded to the ms (TelemetryWindow.ts is an integer).
import { setTimeout as sleep } from 'node:timers/promises';
import { ConfigError, Counters, MachineType, encodeJson, encodeWindowBinary, isSegment, machineTopic, type MachineBirth, type TelemetryWindow, type Transport } from '../core/index.ts';
import { parseCsvLine, parseNumberCell } from './csv.ts';
import { MACHINE_TYPES } from './machine-types.ts';

/** Rows read ahead to find the numeric columns and the sample rate. */
export const SNIFF_ROWS = 4096;
/** Channels sampled at this rate or faster are waveforms (vibration), slower ones scalars. */
export const WAVEFORM_MIN_RATE_HZ = 1000;
/** Default rows per window of a waveform file: the simulator's 4096-sample window. */
export const DEFAULT_WAVEFORM_WINDOW_ROWS = 4096;
/** A window ends where consecutive rows are more than this many sample periods apart. */
const GAP_PERIODS = 1.5;
/** Units of the simulator's channel names; any other channel gets "1" (dimensionless) unless told. */
const KNOWN_UNITS: Record<string, string> = { vib_de: 'm/s2', speed: 'rpm', temp_bearing: 'degC', pressure: 'bar', flow: 'm3/h', current: 'A' };

export interface ReplayOptions {
  machine: string;
  site?: string;
  line?: string;
  machineType?: MachineType;
  timeColumn?: string;
  separator?: string;
  /** Rows per window; default 1 for scalar data, 4096 for waveform data. */
  windowRows?: number;
  /** Sample rate, Hz; default estimated from the time column. */
  rateHz?: number;
  /** Channel name for a lone column called `value` (a recorder file), e.g. the file's stem. */
  valueChannel?: string;
  /** Units by channel name, over the defaults of the simulator's channels. */
  units?: Record<string, string>;
}

/** What the file holds, decided from its header and first rows. */
export interface ReplayPlan {
  timeIndex: number;
  /** Column index and channel name of each numeric column. */
  columns: { index: number; name: string; unit: string }[];
  rateHz: number;
  kind: 'scalar' | 'waveform';
  windowRows: number;
  birth: MachineBirth;
}

/** Event time of a time cell, epoch ms: a number as is, else ISO 8601 text; null if neither. */
export function parseTimeCell(cell: string): number | null {
  const n = parseNumberCell(cell);
  if (n !== null) return n;
  const t = cell.trim();
  if (!/^\d{4}-\d{2}-\d{2}/.test(t)) return null;
  const ms = Date.parse(t);
  return Number.isFinite(ms) ? ms : null;
}

/** Sample rate from times of rows, Hz: over the first contiguous run, rounded to whole Hz when within 10 ppm. */
export function estimateRateHz(timesMs: readonly number[]): number | null {
  const deltas: number[] = [];
  for (let i = 1; i < timesMs.length; i++) if (timesMs[i]! > timesMs[i - 1]!) deltas.push(timesMs[i]! - timesMs[i - 1]!);
  if (deltas.length === 0) return null;
  const median = [...deltas].sort((a, b) => a - b)[Math.floor(deltas.length / 2)]!;
  // Timestamps written as shortest decimals carry ~1e-4 ms of rounding: measure over a whole run.
  let first = 0;
  while (first + 1 < timesMs.length && !(timesMs[first + 1]! - timesMs[first]! > 0 && timesMs[first + 1]! - timesMs[first]! <= GAP_PERIODS * median)) first++;
  let last = first;
  while (last + 1 < timesMs.length && timesMs[last + 1]! - timesMs[last]! > 0 && timesMs[last + 1]! - timesMs[last]! <= GAP_PERIODS * median) last++;
  const rate = last > first ? (1000 * (last - first)) / (timesMs[last]! - timesMs[first]!) : 1000 / median;
  const whole = Math.round(rate);
  return whole > 0 && Math.abs(rate - whole) <= 1e-5 * rate ? whole : rate;
}

function channelName(header: string, i: number): string {
  const clean = header.trim().replace(/[^A-Za-z0-9_-]+/g, '_').slice(0, 64);
  return isSegment(clean) ? clean : `col_${i}`;
}

/** Decides columns, rate, windowing and the birth from the header and the first rows; ConfigError if nothing numeric. */
export function planReplay(header: readonly string[], rows: readonly string[][], opts: ReplayOptions): ReplayPlan {
  const timeColumn = opts.timeColumn ?? 'timestamp';
  const timeIndex = header.findIndex((h) => h.trim() === timeColumn);
  if (timeIndex < 0) throw new ConfigError(`--time-column: no column "${timeColumn}" in the header (${header.join(', ')})`);
  const numeric = header.map((_, i) => i !== timeIndex && rows.some((r) => r[i] !== undefined && parseNumberCell(r[i]!) !== null));
  const idx = numeric.flatMap((isNum, i) => (isNum ? [i] : []));
  if (idx.length === 0) throw new ConfigError(`replay: no numeric column besides "${timeColumn}" in the first ${rows.length} rows`);
  const units = { ...KNOWN_UNITS, ...opts.units };
  const columns = idx.map((i) => {
    const name = idx.length === 1 && header[i]!.trim() === 'value' && opts.valueChannel && isSegment(opts.valueChannel) ? opts.valueChannel : channelName(header[i]!, i);
    return { index: i, name, unit: units[name] ?? '1' };
  });
  if (new Set(columns.map((c) => c.name)).size !== columns.length) throw new ConfigError(`replay: two columns give the same channel name (${columns.map((c) => c.name).join(', ')})`);
  const times = rows.map((r) => parseTimeCell(r[timeIndex] ?? '')).filter((t): t is number => t !== null);
  const rateHz = opts.rateHz ?? estimateRateHz(times) ?? 1;
  if (!(rateHz > 0 && rateHz <= 1_000_000)) throw new ConfigError(`replay: sample rate ${rateHz} Hz out of range`);
  const kind = rateHz >= WAVEFORM_MIN_RATE_HZ ? 'waveform' : 'scalar';
  const windowRows = opts.windowRows ?? (kind === 'waveform' ? DEFAULT_WAVEFORM_WINDOW_ROWS : 1);
  if (!Number.isInteger(windowRows) || windowRows < 1 || windowRows > 65536) throw new ConfigError(`--window: expected an integer in 1..65536, got ${windowRows}`);
  const machineType = opts.machineType ?? 'induction-motor';
  const spec = MACHINE_TYPES[machineType];
  const address = { site: opts.site ?? 'replay', line: opts.line ?? 'line-1', machine: opts.machine };
  for (const [k, v] of Object.entries(address)) if (!isSegment(v)) throw new ConfigError(`--${k}: "${v}" must be 1-64 of A-Z a-z 0-9 _ -`);
  const birth: MachineBirth = {
    v: 1,
    ...address,
    machineType,
    ratedSpeedRpm: spec.ratedSpeedRpm,
    bearing: spec.bearing,
    sensors: columns.map((c) => ({ channel: c.name, unit: c.unit, rateHz, kind })),
  };
  return { timeIndex, columns, rateHz, kind, windowRows, birth };
}

/** Groups rows into windows; bad rows are skipped and counted (`replay.bad_row.<why>`), never thrown. */
export function createWindower(plan: ReplayPlan, separator = ',', counters = new Counters()) {
  const periodMs = 1000 / plan.rateHz;
  let seq = 0;
  let times: number[] = [];
  let values: number[][] = plan.columns.map(() => []);
  let lastMs: number | null = null;

  const take = (): TelemetryWindow | null => {
    if (times.length === 0) return null;
    const w: TelemetryWindow = {
      v: 1, site: plan.birth.site, line: plan.birth.line, machine: plan.birth.machine, seq: seq++, ts: Math.max(0, Math.round(times[0]!)),
      channels: plan.columns.map((c, j) => ({ name: c.name, unit: c.unit, rateHz: plan.rateHz, values: values[j]! })),
    };
    times = [];
    values = plan.columns.map(() => []);
    return w;
  };

  return {
    counters,
    /** Adds one data line; returns the windows it completed (0, 1 or 2). */
    push(line: string): TelemetryWindow[] {
      if (line.trim() === '') return [];
      const cells = parseCsvLine(line, separator);
      const t = parseTimeCell(cells[plan.timeIndex] ?? '');
      if (t === null) {
        counters.inc('replay.bad_row.time');
        return [];
      }
      const row: number[] = [];
      for (const c of plan.columns) {
        const v = parseNumberCell(cells[c.index] ?? '');
        if (v === null) {
          counters.inc('replay.bad_row.value');
          return [];
        }
        row.push(v);
      }
      if (lastMs !== null && t <= lastMs) {
        counters.inc('replay.bad_row.time_order');
        return [];
      }
      const out: TelemetryWindow[] = [];
      if (lastMs !== null && t - lastMs > GAP_PERIODS * periodMs) {
        const w = take();
        if (w) out.push(w);
      }
      lastMs = t;
      times.push(t);
      row.forEach((v, j) => values[j]!.push(v));
      counters.inc('replay.rows');
      if (times.length >= plan.windowRows) out.push(take()!);
      return out;
    },
    /** The last, partial window, if any. */
    flush(): TelemetryWindow | null {
      return take();
    },
  };
}

export interface ReplayRun {
  lines: AsyncIterable<string> | Iterable<string>;
  /** The site broker, or a function connecting to it once the file is known to be usable. */
  transport: Transport | (() => Promise<Transport>);
  options: ReplayOptions;
  /** Event ms per wall ms; Infinity (default) as fast as the transport accepts. */
  speed?: number;
  /** Telemetry encoding (default binary). */
  encoding?: 'binary' | 'json';
  signal?: AbortSignal;
}

export interface ReplayResult {
  windows: number;
  rows: number;
  badRows: number;
  /** Bad rows by reason: time (missing or unreadable), value (non-numeric), time_order (not after the previous row), fields. */
  badByReason: Record<string, number>;
  plan: Omit<ReplayPlan, 'birth'> & { birth: MachineBirth };
}

/** Publishes a CSV as one machine: retained birth, then windows paced by the file's timestamps. */
export async function runReplay(run: ReplayRun): Promise<ReplayResult> {
  const { options, signal } = run;
  const speed = run.speed ?? Infinity;
  const sep = options.separator ?? ',';
  const encode = run.encoding === 'json' ? encodeJson : encodeWindowBinary;
  const iter = (Symbol.asyncIterator in run.lines ? run.lines[Symbol.asyncIterator]() : (run.lines as Iterable<string>)[Symbol.iterator]()) as AsyncIterator<string> | Iterator<string>;
  const next = async (): Promise<string | null> => {
    const r = await iter.next();
    return r.done ? null : r.value;
  };
  let headerLine = await next();
  while (headerLine !== null && headerLine.trim() === '') headerLine = await next();
  if (headerLine === null) throw new ConfigError('replay: the file is empty (no header line)');
  const header = parseCsvLine(headerLine.replace(/^\uFEFF/, ''), sep); // a byte-order mark is not part of the first name
  const ahead: string[] = [];
  while (ahead.length < SNIFF_ROWS) {
    const l = await next();
    if (l === null) break;
    ahead.push(l);
  }
  const plan = planReplay(header, ahead.map((l) => parseCsvLine(l, sep)), options);
  const windower = createWindower(plan, sep);
  const transport = typeof run.transport === 'function' ? await run.transport() : run.transport;
  await transport.publish(machineTopic(plan.birth, 'birth'), encodeJson(plan.birth), { retain: true, qos: 1 });

  let windows = 0;
  let firstTs: number | null = null;
  const wallStart = performance.now();
  let lastYield = wallStart;
  const send = async (w: TelemetryWindow) => {
    firstTs ??= w.ts;
    const aheadMs = wallStart + (w.ts - firstTs) / speed - performance.now();
    if (aheadMs > 1) {
      await sleep(aheadMs, undefined, { signal }).catch(() => undefined);
      lastYield = performance.now();
    } else if (performance.now() - lastYield > 50) {
      await new Promise<void>((r) => setImmediate(r));
      lastYield = performance.now();
    }
    if (signal?.aborted) return;
    await transport.publish(machineTopic(w, 'telemetry'), encode(w), { qos: 1 });
    windows++;
  };
  for (const l of ahead) {
    if (signal?.aborted) break;
    for (const w of windower.push(l)) await send(w);
  }
  for (let l = await next(); l !== null && !signal?.aborted; l = await next()) for (const w of windower.push(l)) await send(w);
  const last = windower.flush();
  if (last && !signal?.aborted) await send(last);
  const snap = windower.counters.snapshot();
  const badByReason = Object.fromEntries(Object.entries(snap).filter(([k]) => k.startsWith('replay.bad_row.')).map(([k, v]) => [k.slice('replay.bad_row.'.length), v]));
  return { windows, rows: windower.counters.get('replay.rows'), badRows: Object.values(badByReason).reduce((s, v) => s + v, 0), badByReason, plan };
}
