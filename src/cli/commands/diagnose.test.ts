import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import fc from 'fast-check';
import { ConfigError } from '../../core/index.ts';
import { BEARING_6205, faultSignal, type SyntheticFault } from '../../edge/features/fault-signals.test-support.ts';
import { VERDICTS } from '../../cloud/diagnosis/index.ts';
import { diagnoseWaveform, parseBearing, readWaveform, runDiagnose } from './diagnose.ts';
import { COMMANDS } from './index.ts';

const FAULTS: SyntheticFault[] = ['normal', 'outer_race', 'inner_race', 'rolling_element', 'imbalance', 'misalignment', 'looseness'];
const verdictOf = (fault: SyntheticFault, rateHz: number, rpm: number, o: { rpmGiven?: number; scale?: number; seed?: number } = {}) => {
  const x = faultSignal({ fault, rateHz, rpm, seconds: 3, seed: o.seed ?? 7 });
  if (o.scale) for (let i = 0; i < x.length; i++) x[i]! *= o.scale;
  return diagnoseWaveform(x, { rateHz, rpm: o.rpmGiven ?? rpm, bearing: BEARING_6205 });
};

for (const rateHz of [12_000, 48_000]) {
  for (const rpm of [1797, 1730]) {
    test(`diagnose - every synthetic fault is named at ${rateHz / 1000} kHz, ${rpm} rpm`, () => {
      for (const fault of FAULTS) {
        const v = verdictOf(fault, rateHz, rpm);
        assert.equal(v.verdict, fault, `${fault}: ${JSON.stringify(v)}`);
        assert.ok(v.confidence >= 0.5 && v.confidence <= 1, `${fault} confidence ${v.confidence}`);
        assert.ok(v.evidence.length > 0);
      }
    });
  }
}

test('diagnose - the verdict does not depend on the signal unit (×1000, ×0.001)', () => {
  for (const fault of ['outer_race', 'inner_race', 'normal'] as const) {
    const base = verdictOf(fault, 12_000, 1797, { seed: 11 });
    for (const scale of [1000, 0.001]) {
      const v = verdictOf(fault, 12_000, 1797, { seed: 11, scale });
      assert.equal(v.verdict, base.verdict, `${fault} ×${scale}`);
      assert.ok(Math.abs(v.confidence - base.confidence) < 1e-6, `${fault} ×${scale}: ${v.confidence} vs ${base.confidence}`);
    }
  }
});

test('diagnose - the same answer with the given rpm 1.5 % off', () => {
  for (const fault of ['outer_race', 'inner_race', 'rolling_element', 'normal'] as const) {
    for (const err of [0.985, 1.015]) {
      const v = verdictOf(fault, 12_000, 1797, { rpmGiven: 1797 * err, seed: 5 });
      assert.equal(v.verdict, fault, `${fault} at rpm ×${err}: ${JSON.stringify(v.evidence[0])}`);
    }
  }
});

test('diagnose - one wild segment does not change a bearing verdict', () => {
  const x = faultSignal({ fault: 'inner_race', rateHz: 12_000, rpm: 1797, seconds: 3, seed: 9 });
  for (let i = 10_000; i < 10_050; i++) x[i] = 500 * Math.sign(Math.sin(i)); // a knock far above the signal
  assert.equal(diagnoseWaveform(x, { rateHz: 12_000, rpm: 1797, bearing: BEARING_6205 }).verdict, 'inner_race');
});

test('diagnose - a periodic-free impulsive signal is unknown, not normal or a bearing', () => {
  const x = faultSignal({ fault: 'normal', rateHz: 12_000, rpm: 1797, seconds: 3, seed: 4 });
  // Knocks at random times (no bearing periodicity), ringing 3.2 kHz.
  let s = 12345;
  for (let k = 0; k < 60; k++) {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    const i0 = Math.floor((s / 2 ** 31) * (x.length - 100));
    for (let i = 0; i < 60; i++) x[i0 + i]! += 8 * Math.exp(-i / 6) * Math.sin((2 * Math.PI * 3200 * i) / 12_000);
  }
  const v = diagnoseWaveform(x, { rateHz: 12_000, rpm: 1797, bearing: BEARING_6205 });
  assert.equal(v.verdict, 'unknown', JSON.stringify(v));
  assert.ok(v.confidence < 0.5);
});

test('diagnose - never throws on arbitrary finite signals and confidence stays in [0, 1] (fast-check)', () => {
  fc.assert(
    fc.property(
      fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { minLength: 4096, maxLength: 5000 }),
      fc.constantFrom(12_000, 48_000),
      fc.double({ min: 600, max: 3600, noNaN: true }),
      (x, rateHz, rpm) => {
        const v = diagnoseWaveform(x, { rateHz, rpm, bearing: BEARING_6205 });
        assert.ok(VERDICTS.includes(v.verdict));
        assert.ok(v.confidence >= 0 && v.confidence <= 1, String(v.confidence));
        assert.doesNotThrow(() => JSON.stringify(v));
      },
    ),
    { numRuns: 6 },
  );
});

const dir = mkdtempSync(join(tmpdir(), 'pdm-diagnose-'));
const file = (name: string, text: string) => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};
const base = { 'rate-hz': '12000', rpm: '1797', bearing: 'n=9,d=7.94,D=39.04,angle=0' };

test('diagnose command - --json prints exactly one JSON object with verdict, confidence, evidence', async () => {
  const x = faultSignal({ fault: 'outer_race', rateHz: 12_000, rpm: 1797, seconds: 2, seed: 3 });
  const path = file('or.csv', `DE_time\n${Array.from(x, (v) => v.toFixed(5)).join('\n')}\n`);
  const chunks: string[] = [];
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((s: string) => (chunks.push(s), true)) as typeof process.stdout.write;
  try {
    assert.equal(await runDiagnose({ ...base, input: path, json: true }), 0);
  } finally {
    process.stdout.write = write;
  }
  const out = chunks.join('').trim();
  assert.equal(out.split('\n').length, 1);
  const parsed = JSON.parse(out) as { verdict: string; confidence: number; evidence: unknown[] };
  assert.deepEqual(Object.keys(parsed).sort(), ['confidence', 'evidence', 'verdict']);
  assert.equal(parsed.verdict, 'outer_race');
  assert.ok(parsed.evidence.length > 0);
});

test('diagnose command - bad input is a ConfigError naming the problem', async () => {
  const good = file('g.csv', Array.from({ length: 5000 }, (_, i) => Math.sin(i)).join('\n'));
  const cases: [Record<string, string>, RegExp][] = [
    [{ ...base }, /--input: required/],
    [{ ...base, input: join(dir, 'missing.csv') }, /cannot read/],
    [{ ...base, input: file('t.csv', 'name\nx\ny\n') }, /no numeric column/],
    [{ ...base, input: file('short.csv', 'v\n1\n2\n3\n') }, /fewer than/],
    [{ ...base, input: good, bearing: 'n=9,d=7.94' }, /--bearing: missing D/],
    [{ ...base, input: good, bearing: 'n=9;d=7.94' }, /--bearing/],
    [{ ...base, input: good, bearing: 'n=9,d=40,D=39.04' }, /--bearing: d/],
    [{ ...base, input: good, rpm: '0' }, /--rpm/],
    [{ ...base, input: good, rpm: '-5' }, /--rpm/],
    [{ ...base, input: good, 'rate-hz': 'abc' }, /--rate-hz/],
    [{ ...base, input: good, column: 'zz' }, /--column/],
  ];
  for (const [values, pattern] of cases) {
    await assert.rejects(runDiagnose(values), (err: unknown) => err instanceof ConfigError && pattern.test(err.message), JSON.stringify(values));
  }
  assert.deepEqual(Array.from(readWaveform('time,accel\n0,1.5\n1,-2\n')), [1.5, -2]);
  assert.deepEqual(Array.from(readWaveform('0.5\n-1e-3\n2\n')), [0.5, -0.001, 2]);
  assert.deepEqual(Array.from(readWaveform('a;b\n1,5;2\n3;4\n', 'b')), [2, 4]);
  assert.deepEqual(parseBearing('n=9, d=7.94, D=39.04'), { designation: 'cli', rollingElements: 9, ballDiameterMm: 7.94, pitchDiameterMm: 39.04, contactAngleDeg: 0 });
});

test('diagnose command - CLI: exit 0 with one JSON line, exit 2 on bad input', { skip: COMMANDS.diagnose ? false : 'diagnose is not registered in commands/index.ts yet' }, () => {
  const x = faultSignal({ fault: 'inner_race', rateHz: 12_000, rpm: 1797, seconds: 2, seed: 3 });
  const path = file('ir.csv', Array.from(x, (v) => v.toFixed(5)).join('\n'));
  const ok = spawnSync(process.execPath, ['bin/edge-pdm.js', 'diagnose', '--input', path, '--rate-hz', '12000', '--rpm', '1797', '--bearing', base.bearing, '--json'], { encoding: 'utf8' });
  assert.equal(ok.status, 0, ok.stderr);
  assert.equal(JSON.parse(ok.stdout).verdict, 'inner_race');
  const bad = spawnSync(process.execPath, ['bin/edge-pdm.js', 'diagnose', '--input', path, '--rate-hz', '12000', '--rpm', '0', '--bearing', base.bearing], { encoding: 'utf8' });
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /--rpm/);
});
