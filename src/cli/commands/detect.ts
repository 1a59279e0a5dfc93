// `edge-pdm detect`: scores every row of a recorded CSV with the edge detector stack and writes
// `timestamp,anomaly_score` (score in [0, 1], ≥ 0.5 = flagged), computed causally.
import { readFileSync, writeFileSync } from 'node:fs';
import { ConfigError } from '../../core/index.ts';
import { detectCsv, DETECTOR_NAMES, type DetectorName } from '../../edge/offline/index.ts';
import { numberOption } from '../args.ts';
import { say, type Command } from './command.ts';

export const detect: Command = {
  summary: 'score a recorded CSV file row by row with the edge detectors',
  help: `edge-pdm detect --input FILE.csv --output SCORES.csv [options]

Reads a CSV with a header row (or bare numbers, one column per value) and one or more numeric
columns (any scale, gaps allowed), runs the detector stack and writes "timestamp,anomaly_score" for
every input row, in input order. The stack: EWMA pre-filter → robust baseline, CUSUM, Half-Space
Trees, PCA T²+Q → calibrated ensemble; beside it, on the raw values of each channel, a
forecasting residual (spikes, misplaced seasonal peaks) and a streaming nearest-neighbour window
distance (changed or distorted cycles, stuck stretches). Each is damped by its own recent level, a
row is flagged when one reaches its calibrated threshold, and the score is 0.5 there: below it the
largest calibrated score, above it the rarest member score (rank fusion), never a flat 1. A row's
score uses only that row and the rows before it. Flagged rows are learned only one in 16, so a
lasting benign change fades slowly while an anomaly of a few hundred rows stays high.

  --input FILE          the recorded CSV (required)
  --output FILE         where to write the scores (required; "-" for stdout)
  --time-column NAME    time column (default: first column named timestamp/time/datetime, else
                        the first column unless it holds numbers that are not increasing, i.e. a
                        measurement: then there is none and row numbers are written); copied to
                        the output as-is. Rows are scored in file order: unsorted or repeated
                        times are reported, not reordered
  --columns a,b         channels to use (default: every numeric column except the time column and
                        label-like columns such as anomaly, label, changepoint)
  --separator C         field separator (default: auto-detect "," or ";")
  --train N             rows learned unconditionally before the stack stops learning rows it
                        flags (default: 300, whatever the file's length, so a row's score never
                        depends on the rows after it)
  --detectors a,b       subset of ${DETECTOR_NAMES.join(', ')} (default: all)

Missing or non-numeric cells carry the channel's last value forward and are counted; a column
with no number at all is not a channel; a constant column contributes nothing until it changes.`,
  options: {
    input: { type: 'string' },
    output: { type: 'string' },
    'time-column': { type: 'string' },
    columns: { type: 'string' },
    separator: { type: 'string' },
    train: { type: 'string' },
    detectors: { type: 'string' },
  },
  async run({ values }) {
    return runDetect(values);
  },
};

/** The command's body, callable without spawning a process; throws ConfigError on bad input. */
export async function runDetect(values: Record<string, string | boolean | undefined>): Promise<number> {
  const input = values.input as string | undefined;
  const output = values.output as string | undefined;
  if (!input) throw new ConfigError('--input: required (the CSV file to score)');
  if (!output) throw new ConfigError('--output: required (where to write timestamp,anomaly_score)');
  let text: string;
  try {
    text = readFileSync(input, 'utf8');
  } catch (err) {
    throw new ConfigError(`--input: cannot read "${input}": ${(err as Error).message}`, { cause: err });
  }
  const list = (v: unknown) => (typeof v === 'string' ? v.split(',').map((s) => s.trim()).filter((s) => s.length > 0) : undefined);
  const detectors = list(values.detectors);
  for (const d of detectors ?? []) {
    if (!(DETECTOR_NAMES as readonly string[]).includes(d)) throw new ConfigError(`--detectors: unknown detector "${d}" (one of ${DETECTOR_NAMES.join(', ')})`);
  }
  const separator = values.separator as string | undefined;
  if (separator !== undefined && separator.length !== 1) throw new ConfigError(`--separator: must be one character, got "${separator}"`);
  const trainRows = values.train === undefined ? undefined : numberOption('train', values.train as string, 400, { min: 8, integer: true });
  const started = Date.now();
  let lastReport = started;
  if (text.length > 5_000_000) say(`edge-pdm detect: reading ${input} (${(text.length / 1e6).toFixed(0)} MB); progress every few seconds`);
  const result = detectCsv(text, {
    separator,
    timeColumn: values['time-column'] as string | undefined,
    columns: list(values.columns),
    trainRows,
    stack: detectors ? { detectors: detectors as DetectorName[] } : {},
    progressEvery: 5000,
    onProgress: (done, total) => {
      // Progress for long files only, at most every 2 s.
      if (done < total && Date.now() - lastReport > 2000) {
        lastReport = Date.now();
        say(`  ${done} / ${total} rows (${Math.round((100 * done) / total)}%)`);
      }
    },
  });
  if (!result.ok) throw new ConfigError(`${input}: ${result.reason}`);
  const r = result.value;
  if (output === '-') process.stdout.write(r.csv);
  else writeFileSync(output, r.csv);
  const time = r.timeColumn === '' ? 'no time column (row numbers written)' : `time column "${r.timeColumn}"`;
  if (r.timeIssues.unsorted + r.timeIssues.duplicates > 0) {
    say(`  note: ${r.timeIssues.unsorted} row(s) earlier than the row before and ${r.timeIssues.duplicates} repeated time(s); rows are scored in file order`);
  }
  say(
    `edge-pdm detect: ${r.scores.length} rows, ${r.channels.length} channel(s) [${r.channels.join(', ')}]${r.headerless ? ' (no header row)' : ''}, ${time}, ` +
      `${r.trainRows} training rows, ${r.rowsWithMissing} row(s) with missing values, ${r.flaggedRows} flagged; ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
  return 0;
}
