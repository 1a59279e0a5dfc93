// From a parsed CSV table to a multivariate series: which column is time, which columns are the
// numeric channels, and each row's values (missing cells carried forward, and counted).
import { fail, ok, type Result } from '../../core/result.ts';
import type { CsvTable } from './csv.ts';

/** Column names that look like ground-truth labels; left out unless asked for by --columns (they would leak the answer). */
export const LABEL_COLUMNS = /^(anomaly|anomalies|label|labels|is_anomaly|changepoint|target|class|fault)$/i;

const TIME_NAMES = /^(timestamp|time|datetime|date_time|ts)$/i;

export interface SeriesOptions {
  /** Name of the time column; default: the first column named timestamp/time/datetime, else the first column. */
  timeColumn?: string;
  /** Channel names to use; default: every numeric column other than the time column and label-like columns. */
  columns?: string[];
}

/** Rows of one recorded file: the time cell as written, and values by channel name. */
export interface Series {
  /** The time column's name; '' when the file has none (times are then row numbers from 0). */
  timeColumn: string;
  channels: string[];
  times: string[];
  rows: Record<string, number>[];
  /** Rows in which at least one channel was missing or not a number (before carrying forward). */
  rowsWithMissing: number;
  /** True when the first line held numbers, not names: it was read as data and columns named value, value2, … */
  headerless: boolean;
}

/** Parses a numeric cell; accepts a decimal comma when the file is ';'-separated. */
export function parseNumber(cell: string | undefined, separator: string): number {
  if (cell === undefined) return NaN;
  let s = cell.trim();
  if (s === '') return NaN;
  if (separator !== ',' && /^[+-]?\d+,\d+$/.test(s)) s = s.replace(',', '.');
  const v = Number(s);
  return Number.isFinite(v) ? v : NaN;
}

/** Picks the time column and channels and reads every row; a malformed table is a failure value naming the problem. */
export function toSeries(table: CsvTable, options: SeriesOptions = {}): Result<Series> {
  let { header, rows } = table;
  const { separator } = table;
  if (header.length === 0 || header.every((h) => h === '')) return fail('the header row is empty');
  // A file of bare numbers (the UCR archive's format) has no header: its first line is data.
  const headerless = header.every((h) => !Number.isNaN(parseNumber(h, separator)));
  if (headerless) {
    rows = [header, ...rows];
    header = header.map((_, i) => (i === 0 ? 'value' : `value${i + 1}`));
  }
  if (rows.length === 0) return fail('the file has a header but no data rows');
  const index = (name: string) => header.indexOf(name);
  let timeIdx: number;
  if (options.timeColumn !== undefined) {
    timeIdx = index(options.timeColumn);
    if (timeIdx < 0) return fail(`--time-column: no column named "${options.timeColumn}" (columns: ${header.join(', ')})`);
  } else {
    timeIdx = header.findIndex((h) => TIME_NAMES.test(h));
    // Else the first column, unless it is a measurement: numeric and not in increasing order
    // (an index or epoch seconds increase; a sensor value does not). Then there is no time column.
    if (timeIdx < 0) timeIdx = headerless || isMeasurement(rows, 0, separator) ? -1 : 0;
  }
  let channelIdx: number[];
  if (options.columns && options.columns.length > 0) {
    channelIdx = [];
    for (const c of options.columns) {
      const i = index(c);
      if (i < 0) return fail(`--columns: no column named "${c}" (columns: ${header.join(', ')})`);
      if (i === timeIdx) return fail(`--columns: "${c}" is the time column`);
      channelIdx.push(i);
    }
  } else {
    // Numeric = most non-empty cells parse as numbers (a few sensor dropouts must not demote a channel).
    channelIdx = header
      .map((h, i) => i)
      .filter((i) => i !== timeIdx && !LABEL_COLUMNS.test(header[i]!))
      .filter((i) => {
        let numeric = 0;
        let present = 0;
        for (const r of rows) {
          const cell = r[i];
          if (cell === undefined || cell.trim() === '') continue;
          present++;
          if (!Number.isNaN(parseNumber(cell, separator))) numeric++;
        }
        return present > 0 && numeric >= 0.5 * present;
      });
    if (channelIdx.length === 0) return fail(`no numeric columns${timeIdx >= 0 ? ` besides the time column "${header[timeIdx]}"` : ''} (columns: ${header.join(', ')})`);
  }
  const channels = channelIdx.map((i) => header[i]!);
  const lastSeen: (number | undefined)[] = channels.map(() => undefined);
  let rowsWithMissing = 0;
  const out: Record<string, number>[] = [];
  for (const r of rows) {
    const x: Record<string, number> = {};
    let missing = false;
    channelIdx.forEach((ci, k) => {
      const v = parseNumber(r[ci], separator);
      if (Number.isNaN(v)) {
        missing = true;
        // Carry the last value forward: a sensor dropout is not evidence of a fault. Before a
        // channel's first value it is simply absent from the row (the detectors score the rest).
        if (lastSeen[k] !== undefined) x[channels[k]!] = lastSeen[k]!;
      } else {
        x[channels[k]!] = v;
        lastSeen[k] = v;
      }
    });
    if (missing) rowsWithMissing++;
    out.push(x);
  }
  const times = timeIdx >= 0 ? rows.map((r) => r[timeIdx] ?? '') : rows.map((_, i) => String(i));
  return ok({ timeColumn: timeIdx >= 0 ? header[timeIdx]! : '', channels, times, rows: out, rowsWithMissing, headerless });
}

/** True when column `i` is mostly numeric and its numbers are not non-decreasing (so not a time or index column). */
function isMeasurement(rows: string[][], i: number, separator: string): boolean {
  let numeric = 0;
  let present = 0;
  let decreases = 0;
  let prev = -Infinity;
  for (const r of rows) {
    const cell = r[i];
    if (cell === undefined || cell.trim() === '') continue;
    present++;
    const v = parseNumber(cell, separator);
    if (Number.isNaN(v)) continue;
    numeric++;
    if (v < prev) decreases++;
    prev = v;
  }
  return present > 0 && numeric >= 0.5 * present && decreases > 0;
}
