import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { labelOf, type RecordedLabel, type RecordingManifest } from './recorder.ts';
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
        // Waveforms differ in block length (vib_de 1024 here, phase_current 8192): take it from the first window.
        const perWindow = s.kind === 'waveform' ? (windows[0]?.channels.find((c) => c.name === s.channel)?.values.length ?? 0) : 1;
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

    const labels = (await readFile(join(dir, 'labels.jsonl'), 'utf8')).trimEnd().split('\n').map((l) => JSON.parse(l) as RecordedLabel);
    const [l0, l1, l2] = labels as [RecordedLabel, RecordedLabel, RecordedLabel];
    assert.deepEqual(labels, sim.groundTruth().map(labelOf));
    assert.equal(labels.length, 3, 'two machine faults and one sensor fault');
    const iso = (ms: number) => new Date(ms).toISOString();
    assert.deepEqual(l0, {
      machine: 'motor-002', fault: 'misalignment', onset: iso(START_MS + 5 * MIN_MS), failure: iso(START_MS + 22 * MIN_MS), repaired: null,
      failed: iso(START_MS + 22 * MIN_MS), detectable: iso(l0.detectableMs!),
      v: 1, id: `motor-002/misalignment/${START_MS + 5 * MIN_MS}`, kind: 'machine', site: 'site-a', line: 'line-1', machineType: 'induction-motor',
      channel: null, component: 'coupling-insert', onsetMs: START_MS + 5 * MIN_MS, detectableMs: l0.detectableMs!,
      failureMs: START_MS + 22 * MIN_MS, failedAtMs: START_MS + 22 * MIN_MS, repairedAtMs: null,
    });
    assert.ok(l0.detectableMs! > START_MS + 5 * MIN_MS && l0.detectableMs! < START_MS + 22 * MIN_MS);
    assert.equal(l1.failed, null, 'fan-003 has not failed yet');
    assert.deepEqual(
      { kind: l2.kind, machine: l2.machine, channel: l2.channel, fault: l2.fault, onset: l2.onset, failure: l2.failure, detectable: l2.detectable },
      { kind: 'sensor', machine: 'pump-001', channel: 'temp_bearing', fault: 'drift', onset: iso(START_MS + 10 * MIN_MS), failure: iso(START_MS + 30 * MIN_MS), detectable: null },
      'the sensor fault is labelled too, with its channel',
    );

  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
