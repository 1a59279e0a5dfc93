// Reads one waveform column from a CSV (or whitespace-separated) file for `edge-pdm diagnose`,
// streaming: a recording of 10 million samples is ~190 MB of text, so the file is read in chunks
// and only the chosen column is kept, in a Float64Array (8 bytes a sample), never as rows of
// strings. Header row optional; blank lines skipped; cells that are not numbers (NaN, empty, "-")
// are dropped and counted, and a column with too many of them is refused.
import { closeSync, openSync, readSync } from 'node:fs';
import { ConfigError } from '../../core/index.ts';
import { parseNumber } from '../../edge/offline/index.ts';

/** Column names that hold time or a sample index, not the waveform. */
const TIME_LIKE = /^(time|timestamp|datetime|t|ts|index|idx|sample|samples|time_s|t_s|time \(s\)|seconds)$/i;
/** Lines read before the column is chosen. */
const PROBE_LINES = 200;
/** Share of a column's cells that must be numbers for it to be the waveform, and that may fail in the chosen one. */
const NUMERIC_SHARE = 0.9;
const MAX_BAD_SHARE = 0.1;
/** Bytes read at a time. */
const CHUNK_BYTES = 1 << 22;

/** Lines of a file, read in chunks (a BOM is dropped; CR LF and LF both end a line). */
export function* fileLines(path: string): Generator<string> {
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.allocUnsafe(CHUNK_BYTES);
    const decoder = new TextDecoder('utf-8');
    let rest = '';
    for (;;) {
      const n = readSync(fd, buf, 0, CHUNK_BYTES, null);
      const text = rest + decoder.decode(buf.subarray(0, n), { stream: n > 0 });
      const lines = text.split('\n');
      rest = lines.pop() ?? '';
      for (const l of lines) yield l;
      if (n === 0) break;
    }
    if (rest.length > 0) yield rest;
  } finally {
    closeSync(fd);
  }
}

/** Splits a line on the separator ('ws' = runs of whitespace), dropping the quotes around a field. */
function fields(line: string, sep: string): string[] {
  const raw = sep === 'ws' ? line.trim().split(/\s+/) : line.split(sep);
  return raw.map((f) => {
    const t = f.trim();
    return t.length >= 2 && t.startsWith('"') && t.endsWith('"') ? t.slice(1, -1) : t;
  });
}

/** Field `idx` of a line without splitting the whole line (the hot path of a 10-million-line file). */
function fieldAt(line: string, sep: string, idx: number): string | undefined {
  if (sep === 'ws') return fields(line, sep)[idx];
  let start = 0;
  for (let i = 0; i < idx; i++) {
    const j = line.indexOf(sep, start);
    if (j < 0) return undefined;
    start = j + 1;
  }
  const end = line.indexOf(sep, start);
  const t = line.slice(start, end < 0 ? line.length : end).trim();
  return t.length >= 2 && t.startsWith('"') && t.endsWith('"') ? t.slice(1, -1) : t;
}

/** The separator of the first lines: the most frequent of , ; tab, else whitespace between fields. */
function detectSeparator(lines: readonly string[]): string {
  const count = (c: string) => lines.reduce((s, l) => s + l.split(c).length - 1, 0);
  const best = [';', '\t', ','].map((c) => [c, count(c)] as const).sort((a, b) => b[1] - a[1])[0]!;
  if (best[1] >= lines.length) return best[0];
  return lines.some((l) => /\S\s+\S/.test(l.trim())) ? 'ws' : ',';
}

/** True when the cells are evenly spaced and increasing (a time or sample-index column). */
function looksLikeTime(values: readonly number[]): boolean {
  if (values.length < 3) return false;
  const step = values[1]! - values[0]!;
  if (!(step > 0)) return false;
  return values.every((v, i) => i === 0 || Math.abs(v - values[i - 1]! - step) <= 1e-6 * Math.max(1, Math.abs(v)) + 1e-3 * step);
}

/** Reads the waveform column of CSV lines; throws ConfigError naming the problem. */
export function readWaveformLines(lines: Iterable<string>, column?: string, separator?: string): Float64Array {
  const it = lines[Symbol.iterator]();
  const probe: string[] = [];
  while (probe.length < PROBE_LINES) {
    const r = it.next();
    if (r.done) break;
    const l = r.value.replace(/^\uFEFF/, '').replace(/\r$/, '');
    if (l.trim().length > 0) probe.push(l);
  }
  if (probe.length === 0) throw new ConfigError('--input: the file is empty');
  const sep = separator ?? detectSeparator(probe.slice(0, 20));
  const first = fields(probe[0]!, sep);
  const hasHeader = first.some((f) => Number.isNaN(parseNumber(f, sep === 'ws' ? ' ' : sep)));
  const header = hasHeader ? first : first.map((_, i) => `column ${i + 1}`);
  const data = hasHeader ? probe.slice(1) : probe;
  const num = (f: string | undefined) => parseNumber(f, sep === 'ws' ? ' ' : sep);
  const rows = data.map((l) => fields(l, sep));
  let idx: number;
  if (column !== undefined) {
    if (!hasHeader) throw new ConfigError(`--column: the file has no header row, so no column named "${column}" (use the first numeric column by leaving --column out)`);
    idx = header.indexOf(column);
    if (idx < 0) throw new ConfigError(`--column: no column named "${column}" (columns: ${header.join(', ')})`);
  } else {
    // The first column in which most cells are numbers, passing over a time or sample-index column.
    const numericCols = header.map((_, c) => c).filter((c) => rows.length > 0 && rows.filter((r) => !Number.isNaN(num(r[c]))).length >= NUMERIC_SHARE * rows.length);
    const isTime = (c: number) => (hasHeader && TIME_LIKE.test(header[c] ?? '')) || looksLikeTime(rows.map((r) => num(r[c])));
    // Without a mostly numeric column, the one with the most numbers (the share check below then names the problem).
    const counts = header.map((_, c) => rows.filter((r) => !Number.isNaN(num(r[c]))).length);
    const fallback = counts.indexOf(Math.max(0, ...counts));
    idx = numericCols.find((c) => !isTime(c)) ?? numericCols[0] ?? (counts[fallback]! > 0 ? fallback : -1);
    if (idx < 0) throw new ConfigError(`--input: no numeric column (columns: ${header.join(', ')})`);
  }
  let out = new Float64Array(1 << 16);
  let n = 0;
  let bad = 0;
  let total = 0;
  const take = (line: string) => {
    const cell = fieldAt(line, sep, idx);
    if ((cell === undefined || cell === '') && line.trim().length === 0) return;
    total++;
    const v = num(cell);
    if (Number.isNaN(v)) {
      bad++;
      return;
    }
    if (n === out.length) {
      const grown = new Float64Array(out.length * 2);
      grown.set(out);
      out = grown;
    }
    out[n++] = v;
  };
  for (const l of data) take(l);
  for (let r = it.next(); !r.done; r = it.next()) take(r.value);
  const name = hasHeader ? `"${header[idx]}"` : String(idx + 1);
  if (n === 0) throw new ConfigError(`--input: column ${name} holds no numbers`);
  if (bad > MAX_BAD_SHARE * total) throw new ConfigError(`--input: ${bad} of ${total} cells of column ${name} are not numbers`);
  return out.slice(0, n);
}
