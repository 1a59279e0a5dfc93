// `edge-pdm replay FILE.csv --machine ID`: publishes a recorded CSV as one machine's telemetry on
// the site broker, so recorded or real plant data can drive the edge like the simulator does.
import { createReadStream } from 'node:fs';
import { access, readFile } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { ConfigError, MachineType } from '../../core/index.ts';
import { runReplay, type RecordedMachine, type RecordingManifest } from '../../simulator/index.ts';
import { numberOption } from '../args.ts';
import { openMqtt, Resources } from '../wiring.ts';
import { say, untilSignal, type Command } from './command.ts';

export const replay: Command = {
  summary: 'publish a recorded CSV as one machine\'s telemetry to MQTT_URL',
  help: `edge-pdm replay FILE.csv --machine ID [options]   publishes to MQTT_URL (default mqtt://127.0.0.1:1883)

  --machine ID        machine id (required)
  --site S            site (default "replay")     --line L   line (default "line-1")
  --type TYPE         ${MachineType.options.join(' | ')} (default induction-motor): rated speed and bearing
  --speed N           N times real time by the file's timestamps (default: as fast as possible; 1 = real time)
  --time-column NAME  time column, epoch ms or ISO 8601 (default "timestamp")
  --separator C       field separator (default ","; "tab" for a tab)
  --window N          rows per window (default 1 for slow data, 4096 for kHz data; a time gap also ends a window)
  --rate-hz R         sample rate (default: estimated from the time column; >= 1000 Hz goes as a waveform)
  --encoding E        binary (default) or json
Numeric columns become channels (a lone "value" column is named after the file, e.g. vib_de.csv → vib_de);
rows with a missing time or a non-numeric value are skipped and counted. A file of a recording
(\`sim --record DIR\`: DIR/{machine}/{channel}.csv) takes site, line, type, rate and unit from
DIR/machines.json unless given.`,
  options: {
    machine: { type: 'string' }, site: { type: 'string' }, line: { type: 'string' }, type: { type: 'string' }, speed: { type: 'string' },
    'time-column': { type: 'string' }, separator: { type: 'string' }, window: { type: 'string' }, 'rate-hz': { type: 'string' }, encoding: { type: 'string' },
  },
  async run({ values, positionals, env, logger }) {
    const file = positionals[0];
    if (!file || positionals.length > 1) throw new ConfigError('replay: expected exactly one CSV file');
    await access(file).catch((e: Error) => {
      throw new ConfigError(`replay: cannot read ${file}: ${e.message}`, { cause: e });
    });
    const machine = values.machine as string | undefined;
    if (!machine) throw new ConfigError('--machine: required');
    const type = values.type === undefined ? undefined : MachineType.safeParse(values.type);
    if (type && !type.success) throw new ConfigError(`--type: "${String(values.type)}" is not one of ${MachineType.options.join(', ')}`);
    const encoding = (values.encoding as string | undefined) ?? 'binary';
    if (encoding !== 'binary' && encoding !== 'json') throw new ConfigError(`--encoding: "${encoding}" is not binary or json`);
    const sepRaw = (values.separator as string | undefined) ?? ',';
    const separator = sepRaw === 'tab' || sepRaw === '\\t' ? '\t' : sepRaw;
    if (separator.length === 0) throw new ConfigError('--separator: empty');
    const speed = values.speed === undefined ? Infinity : positive('speed', values.speed as string);
    const windowRows = values.window === undefined ? undefined : numberOption('window', values.window as string, 1, { min: 1, integer: true });
    const rateHz = values['rate-hz'] === undefined ? undefined : positive('rate-hz', values['rate-hz'] as string);

    const stem = basename(file, extname(file)).replace(/[^A-Za-z0-9_-]+/g, '_');
    const recorded = await recordedMachine(file);
    const sensor = recorded?.sensors.find((x) => x.channel === stem);

    const res = new Resources(logger);
    const input = createReadStream(file);
    const lines = createInterface({ input, crlfDelay: Infinity });
    res.add('csv file', input, async () => {
      lines.close();
      input.destroy();
    });
    try {
      const url = env.MQTT_URL ?? 'mqtt://127.0.0.1:1883';
      const abort = new AbortController();
      void untilSignal().then(() => abort.abort());
      const r = await runReplay({
        lines, transport: () => openMqtt(url, `replay-${process.pid}`, res, logger), speed, encoding, signal: abort.signal,
        options: {
          machine,
          site: (values.site as string | undefined) ?? recorded?.site,
          line: (values.line as string | undefined) ?? recorded?.line,
          machineType: type?.data ?? recorded?.type,
          timeColumn: values['time-column'] as string | undefined, separator,
          windowRows,
          rateHz: rateHz ?? sensor?.rateHz,
          valueChannel: stem,
          units: sensor ? { [sensor.channel]: sensor.unit } : undefined,
        },
      });
      const { birth } = r.plan;
      say(`replay: ${birth.site}/${birth.line}/${birth.machine} → ${url}: ${r.windows} windows of ${r.plan.windowRows} row(s), ${r.rows} rows, channels ${r.plan.columns.map((c) => c.name).join(', ')} at ${r.plan.rateHz} Hz (${r.plan.kind})`);
      say(`replay: ${r.badRows} bad row(s) skipped${r.badRows ? ` (${Object.entries(r.badByReason).map(([k, v]) => `${k}: ${v}`).join(', ')})` : ''}`);
      process.stdout.write(`${JSON.stringify({ windows: r.windows, rows: r.rows, badRows: r.badRows, badByReason: r.badByReason })}\n`);
      return 0;
    } finally {
      await res.closeAll();
    }
  },
};

/** A number > 0 (a speed of 0 would never finish), or ConfigError naming the option. */
function positive(name: string, text: string): number {
  const n = numberOption(name, text, 1);
  if (!(n > 0)) throw new ConfigError(`--${name}: "${text}" must be > 0`);
  return n;
}

/** The machine a recorded channel file belongs to, from the recording's machines.json (DIR/{machine}/{channel}.csv), if any. */
async function recordedMachine(file: string): Promise<RecordedMachine | undefined> {
  try {
    const manifest = JSON.parse(await readFile(join(dirname(dirname(file)), 'machines.json'), 'utf8')) as RecordingManifest;
    return manifest.machines?.find((m) => m.id === basename(dirname(file)));
  } catch {
    return undefined; // not a recording: options and the file itself say everything
  }
}
