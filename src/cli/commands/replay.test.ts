import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, MachineBirth, decodeJson, decodeWindow, silentLogger, type TelemetryWindow } from '../../core/index.ts';
import { createMqttTransport, startEmbeddedBroker } from '../../transport/index.ts';
import { readEnv } from '../env.ts';
import { replay } from './replay.ts';

const BIN = join(import.meta.dirname, '..', '..', '..', 'bin', 'edge-pdm.js');

test('record - sim --record without MQTT_URL needs no broker and writes the recording', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'pdm-cli-rec-'));
  try {
    const r = spawnSync(process.execPath, [BIN, 'sim', '--plant', 'examples/plant-small.yaml', '--only', 'pump-001,motor-002', '--fault', 'motor-002:misalignment:5m:10h', '--duration', '20m', '--speed', 'max', '--record', dir], {
      encoding: 'utf8', cwd: join(import.meta.dirname, '..', '..', '..'), env: { ...process.env, MQTT_URL: '', ENTERPRISE_URL: '', LOG_LEVEL: 'silent' }, timeout: 60_000,
    });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /recorded 8 windows/);
    assert.deepEqual((await readdir(dir)).sort(), ['labels.jsonl', 'machines.json', 'motor-002', 'pump-001']);
    const vib = (await readFile(join(dir, 'pump-001', 'vib_de.csv'), 'utf8')).trimEnd().split('\n');
    assert.equal(vib.length, 1 + 4 * 4096, 'header + four 4096-sample windows');
    const labels = (await readFile(join(dir, 'labels.jsonl'), 'utf8')).trimEnd().split('\n').map((l) => JSON.parse(l));
    assert.deepEqual(labels.map((l) => [l.machine, l.fault, Date.parse(l.failure) - Date.parse(l.onset), l.failureMs - l.onsetMs]), [['motor-002', 'misalignment', 10 * 3_600_000, 10 * 3_600_000]]);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('replay - command: a CSV with no numeric column is a ConfigError before any broker is needed', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'pdm-cli-rep-'));
  try {
    const file = join(dir, 'status.csv');
    await writeFile(file, 'timestamp,state\n1700000000000,run\n1700000001000,stop\n');
    await assert.rejects(
      replay.run({ values: { machine: 'm-1' }, positionals: [file], env: readEnv({ MQTT_URL: 'mqtt://127.0.0.1:1' }), logger: silentLogger() }),
      (e: unknown) => e instanceof ConfigError && /no numeric column/.test(e.message),
    );
    await assert.rejects(replay.run({ values: {}, positionals: [file], env: readEnv({}), logger: silentLogger() }), /--machine: required/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('replay - command publishes a CSV on a real MQTT broker; bad rows are skipped and counted', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'pdm-cli-rep-'));
  const broker = await startEmbeddedBroker({ host: '127.0.0.1', port: 0 });
  const sub = await createMqttTransport({ url: broker.url });
  try {
    const file = join(dir, 'plant.csv');
    const rows = Array.from({ length: 10 }, (_, i) => `${1_700_000_000_000 + 1000 * i};${50 + i};${i % 4 === 3 ? 'n/a' : 20 + i}`);
    await writeFile(file, `timestamp;temp_bearing;current\n${rows.join('\n')}\n`);
    const births: MachineBirth[] = [];
    const windows: TelemetryWindow[] = [];
    await sub.subscribe('pdm/+/+/+/#', (topic, payload) => {
      if (topic.endsWith('/birth')) {
        const b = decodeJson(MachineBirth, payload);
        if (b.ok) births.push(b.value);
      } else {
        const w = decodeWindow(payload);
        if (w.ok) windows.push(w.value);
      }
    });
    const out: string[] = [];
    const write = process.stdout.write;
    process.stdout.write = ((s: string) => (out.push(String(s)), true)) as typeof process.stdout.write;
    let code: number;
    try {
      code = await replay.run({ values: { machine: 'motor-9', site: 'site-x', separator: ';', window: '2', type: 'induction-motor' }, positionals: [file], env: readEnv({ MQTT_URL: broker.url }), logger: silentLogger() });
    } finally {
      process.stdout.write = write;
    }
    assert.equal(code, 0);
    const summary = JSON.parse(out.join(''));
    // A skipped row leaves a hole in time; samples of a window are evenly spaced, so the window ends there.
    assert.deepEqual(summary, { windows: 5, rows: 8, badRows: 2, badByReason: { value: 2 } });
    for (let i = 0; i < 50 && windows.length < 5; i++) await new Promise((r) => setTimeout(r, 20));
    assert.equal(births.length, 1);
    assert.equal(births[0]!.site, 'site-x');
    assert.deepEqual(windows.map((w) => w.channels[1]!.values), [[20, 21], [22], [24, 25], [26], [28, 29]]);
  } finally {
    await sub.close();
    await broker.close();
    await rm(dir, { recursive: true, force: true });
  }
});
