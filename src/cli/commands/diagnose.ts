// `edge-pdm diagnose`: a vibration verdict for one recorded waveform. Wires the edge's recording
// analysis (segment-averaged envelope spectrum, running-speed harmonics) to the cloud's verdict
// rules; the two halves meet only here and in core's Evidence contract.
import { statSync } from 'node:fs';
import { BearingGeometry, ConfigError } from '../../core/index.ts';
import { MIN_RECORDING_SAMPLES, recordingEvidence } from '../../edge/features/recording-evidence.ts';
import { vibrationVerdict, type VibrationVerdict } from '../../cloud/diagnosis/index.ts';
import { say, type Command } from './command.ts';
import { fileLines, readWaveformLines } from './waveform-csv.ts';

export const diagnose: Command = {
  summary: 'vibration verdict (bearing / shaft fault or normal) for one recorded waveform',
  help: `edge-pdm diagnose --input WAVEFORM.csv --rate-hz 12000 --rpm 1797 --bearing n=9,d=7.94,D=39.04,angle=0 [options]

Reads one vibration waveform (acceleration, any unit) and names its condition: normal, outer_race,
inner_race, rolling_element, imbalance, misalignment, looseness or unknown, with the evidence
(defect lines in dB above the envelope spectrum's floor, running-speed harmonic ratios).

  --input FILE        the waveform: one numeric column, header row optional (required)
  --rate-hz HZ        sample rate (required)
  --rpm RPM           nominal shaft speed; the true speed is estimated from the 1x line (required)
  --bearing SPEC      n=rolling elements, d=ball diameter, D=pitch diameter (mm), angle=contact
                      angle (deg, default 0) (required)
  --column NAME       the column to analyse when the file has several (default: the first numeric)
  --separator C       field separator (default: auto-detect "," or ";")
  --json              print one JSON object {"verdict", "confidence", "evidence"} on stdout`,
  options: {
    input: { type: 'string' },
    'rate-hz': { type: 'string' },
    rpm: { type: 'string' },
    bearing: { type: 'string' },
    column: { type: 'string' },
    separator: { type: 'string' },
    json: { type: 'boolean' },
  },
  async run({ values }) {
    return runDiagnose(values);
  },
};

/** Parses `n=9,d=7.94,D=39.04,angle=0` into a bearing geometry, or throws ConfigError. */
export function parseBearing(spec: string): BearingGeometry {
  const fields = new Map<string, number>();
  for (const part of spec.split(',').map((s) => s.trim()).filter((s) => s.length > 0)) {
    const m = /^([A-Za-z]+)\s*=\s*(.+)$/.exec(part);
    const value = m ? Number(m[2]) : NaN;
    if (!m || !Number.isFinite(value)) throw new ConfigError(`--bearing: "${part}" is not key=number (expected n=9,d=7.94,D=39.04,angle=0)`);
    fields.set(m[1]!, value);
  }
  for (const k of ['n', 'd', 'D']) if (!fields.has(k)) throw new ConfigError(`--bearing: missing ${k}= (expected n=9,d=7.94,D=39.04,angle=0)`);
  const unknown = [...fields.keys()].filter((k) => !['n', 'd', 'D', 'angle'].includes(k));
  if (unknown.length) throw new ConfigError(`--bearing: unknown key(s) ${unknown.join(', ')} (n, d, D, angle)`);
  const parsed = BearingGeometry.safeParse({
    designation: 'cli',
    rollingElements: fields.get('n'),
    ballDiameterMm: fields.get('d'),
    pitchDiameterMm: fields.get('D'),
    contactAngleDeg: fields.get('angle') ?? 0,
  });
  if (!parsed.success) throw new ConfigError(`--bearing: ${parsed.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; ')}`);
  if (parsed.data.ballDiameterMm >= parsed.data.pitchDiameterMm) throw new ConfigError('--bearing: d (ball diameter) must be smaller than D (pitch diameter)');
  return parsed.data;
}

/** Reads the waveform column of a CSV text (header row optional); throws ConfigError naming the problem. */
export function readWaveform(text: string, column?: string, separator?: string): Float64Array {
  return readWaveformLines(text.split('\n'), column, separator);
}

function positive(name: string, v: unknown): number {
  if (v === undefined) throw new ConfigError(`--${name}: required`);
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new ConfigError(`--${name}: "${String(v)}" must be a number > 0`);
  return n;
}

/** Verdict of a waveform held in memory (the command's core, for tests and other callers). */
export function diagnoseWaveform(x: ArrayLike<number>, opts: { rateHz: number; rpm: number; bearing: BearingGeometry }): VibrationVerdict {
  const ev = recordingEvidence(x, opts);
  if (!ev.ok) throw new ConfigError(ev.reason);
  return vibrationVerdict(ev.value);
}

/** The command's body, callable without spawning a process; throws ConfigError on bad input. */
export async function runDiagnose(values: Record<string, string | boolean | undefined>): Promise<number> {
  const input = values.input as string | undefined;
  if (!input) throw new ConfigError('--input: required (the waveform CSV)');
  const rateHz = positive('rate-hz', values['rate-hz']);
  const rpm = positive('rpm', values.rpm);
  if (typeof values.bearing !== 'string') throw new ConfigError('--bearing: required, e.g. n=9,d=7.94,D=39.04,angle=0');
  const bearing = parseBearing(values.bearing);
  const separator = values.separator as string | undefined;
  if (separator !== undefined && separator.length !== 1) throw new ConfigError(`--separator: must be one character, got "${separator}"`);
  try {
    statSync(input);
  } catch (err) {
    throw new ConfigError(`--input: cannot read "${input}": ${(err as Error).message}`, { cause: err });
  }
  const t0 = performance.now();
  const x = readWaveformLines(fileLines(input), values.column as string | undefined, separator);
  if (x.length < MIN_RECORDING_SAMPLES) throw new ConfigError(`--input: ${x.length} samples (${(x.length / rateHz).toFixed(3)} s at ${rateHz} Hz), fewer than the ${MIN_RECORDING_SAMPLES} a diagnosis needs`);
  const readS = (performance.now() - t0) / 1000;
  const v = diagnoseWaveform(x, { rateHz, rpm, bearing });
  if (values.json) {
    process.stdout.write(`${JSON.stringify({ ...v, confidence: Math.round(v.confidence * 1000) / 1000 })}\n`);
  } else {
    process.stdout.write(`verdict: ${v.verdict} (confidence ${v.confidence.toFixed(2)})\n${v.evidence.map((e) => `  - ${e.finding}`).join('\n')}\n`);
  }
  const totalS = (performance.now() - t0) / 1000;
  say(`edge-pdm diagnose: ${x.length} samples at ${rateHz} Hz (${(x.length / rateHz).toFixed(1)} s), ${rpm} rpm; read in ${readS.toFixed(1)} s, analysed in ${(totalS - readS).toFixed(1)} s`);
  return 0;
}
