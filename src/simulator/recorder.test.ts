import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { labelOf, type RecordingManifest } from './recorder.ts';
import { MIN_MS, START_MS, recordShortRun } from './recording.test-support.ts';

function csvRows(text: string): [number, number][] {
  const lines = text.trimEnd().split('\n');
  assert.equal(lines[0], 'timestamp,value');
  return lines.slice(1).map((l) => {
    const [t, v] = l.split(',');
    return [Number(t), Number(v)];
  });
}

test('recorder - a short run writes machines.json, one CSV per channel with every sample, and labels.jsonl', async () => {
  const { dir, published, sim, summary } = await recordShortRun();
  try {
    const manifest = JSON.parse(await readFile(join(dir, 'machines.json'), 'utf8')) as RecordingManifest;
    assert.equal(manifest.startMs, START_MS);
    assert.equal(manifest.windowIntervalMs, 5 * MIN_MS);
    assert.deepEqual(manifest.machines.map((m) => m.id), ['pump-001', 'motor-002', 'fan-003']);
    for (const [i, m] of manifest.machines.entries()) {
      const b = sim.births[i]!;
      assert.deepEqual({ site: m.site, line: m.line, type: m.type, bearing: m.bearing, sensors: m.sensors }, { site: b.site, line: b.line, type: b.machineType, bearing: b.bearing, sensors: b.sensors });
    }
    assert.ok(manifest.machines[0]!.sensors.some((s) => s.channel === 'vib_de' && s.rateHz === 10240 && s.kind === 'waveform'));

    // motor-002 failed at 22 min: windows at 5..20 min only; the others every 5 min for 40 min.
    const perMachine = (id: string) => published.filter((w) => w.machine === id);
    assert.equal(perMachine('pump-001').length, 8);
    assert.equal(perMachine('motor-002').length, 4);
    assert.equal(summary.windows, published.length);

    for (const m of manifest.machines) {
      const files = (await readdir(join(dir, m.id))).sort();
      assert.deepEqual(files, m.sensors.map((s) => `${s.channel}.csv`).sort());
      const windows = perMachine(m.id);
      for (const s of m.sensors) {
        const rows = csvRows(await readFile(join(dir, m.id, `${s.channel}.csv`), 'utf8'));
        const perWindow = s.kind === 'waveform' ? 1024 : 1;
        assert.equal(rows.length, windows.length * perWindow, `${m.id}/${s.channel}: windows × samples`);
        windows.forEach((w, wi) => {
          const block = rows.slice(wi * perWindow, (wi + 1) * perWindow);
          const values = w.channels.find((c) => c.name === s.channel)!.values;
          assert.equal(block[0]![0], w.ts, 'a window starts at its ts');
          for (let k = 1; k < block.length; k++) {
            assert.ok(block[k]![0] > block[k - 1]![0], 'timestamps rise within a window');
            assert.ok(Math.abs(block[k]![0] - (w.ts + (k * 1000) / s.rateHz)) < 1e-3, 'sample k at ts + k/rate');
          }
          block.forEach(([, v], k) => assert.equal(Math.fround(v), Math.fround(values[k]!), `${m.id}/${s.channel} window ${wi} sample ${k}`));
        });
      }
    }

    const labels = (await readFile(join(dir, 'labels.jsonl'), 'utf8')).trimEnd().split('\n').map((l) => JSON.parse(l));
    assert.deepEqual(labels, sim.groundTruth().map(labelOf));
    assert.equal(labels.length, 2);
    assert.deepEqual(labels[0], {
      machine: 'motor-002', site: 'site-a', line: 'line-1', machineType: 'induction-motor', fault: 'misalignment', component: 'coupling-insert',
      onset: START_MS + 5 * MIN_MS, failure: START_MS + 22 * MIN_MS, failed: START_MS + 22 * MIN_MS, repaired: null,
    });
    assert.equal(labels[1]!.failed, null, 'fan-003 has not failed yet');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
