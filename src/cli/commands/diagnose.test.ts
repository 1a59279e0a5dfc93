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

test('diagnose - arbitrary finite signals give a verdict with confidence in [0, 1], or a clear error when under 10 revolutions (fast-check)', () => {
  fc.assert(
    fc.property(
      fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { minLength: 4096, maxLength: 5000 }),
      fc.constantFrom(12_000, 48_000),
      fc.double({ min: 600, max: 3600, noNaN: true }),
      (x, rateHz, rpm) => {
        if ((x.length / rateHz) * (rpm / 60) < 10) {
          assert.throws(() => diagnoseWaveform(x, { rateHz, rpm, bearing: BEARING_6205 }), (e: unknown) => e instanceof ConfigError && /revolutions/.test(e.message));
          return;
        }
        const v = diagnoseWaveform(x, { rateHz, rpm, bearing: BEARING_6205 });
        assert.ok(VERDICTS.includes(v.verdict));
        assert.ok(v.confidence >= 0 && v.confidence <= 1, String(v.confidence));
        assert.doesNotThrow(() => JSON.stringify(v));
      },
    ),
    { numRuns: 8 },
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

test('diagnose command - waveform CSV: header or not, --column, blank and NaN rows, whitespace, a time column without header', () => {
  assert.deepEqual(Array.from(readWaveform('DE_time,FE_time\n1,10\n\n2,20\r\nNaN,30\n3,40\n' + '4,50\n'.repeat(20), 'FE_time')).slice(0, 4), [10, 20, 30, 40]);
  // Blank lines are skipped, not counted; a few NaN cells are dropped.
  const withGaps = readWaveform(`v\n${Array.from({ length: 100 }, (_, i) => (i % 25 === 3 ? 'NaN' : i % 10 === 5 ? '' : String(i))).join('\n')}\n\n`);
  assert.equal(withGaps.length, 100 - 4 - 10);
  assert.ok(withGaps.every(Number.isFinite));
  // Whitespace-separated, no header, an evenly spaced time column first: the waveform is the second column.
  assert.deepEqual(Array.from(readWaveform('0.000 0.5\n0.001 -0.25\n0.002 0.125\n0.003 1\n')), [0.5, -0.25, 0.125, 1]);
  assert.deepEqual(Array.from(readWaveform('\uFEFF"x"\n"1.5"\n"-2"\n')), [1.5, -2]);
  assert.throws(() => readWaveform('a,b\n1,2\n', 'c'), (e: unknown) => e instanceof ConfigError && /no column named "c" \(columns: a, b\)/.test(e.message));
  assert.throws(() => readWaveform('1\n2\n', 'v'), (e: unknown) => e instanceof ConfigError && /no header row/.test(e.message));
  assert.throws(() => readWaveform(`v\n${'NaN\n'.repeat(30)}${'1\n'.repeat(70)}`), (e: unknown) => e instanceof ConfigError && /30 of 100 cells/.test(e.message));
  assert.throws(() => readWaveform('\n\n'), (e: unknown) => e instanceof ConfigError && /empty/.test(e.message));
});

test('diagnose command - too short a recording and a malformed --bearing are clear errors', async () => {
  const x = faultSignal({ fault: 'normal', rateHz: 48_000, rpm: 600, seconds: 0.2, seed: 1 });
  // 9,600 samples pass the sample floor but hold 2 revolutions at 600 rpm.
  await assert.rejects(runDiagnose({ ...base, 'rate-hz': '48000', rpm: '600', input: file('rev.csv', Array.from(x, (v) => v.toFixed(4)).join('\n')) }), (e: unknown) => e instanceof ConfigError && /2\.0 shaft revolutions.*at least 10/.test(e.message));
  await assert.rejects(runDiagnose({ ...base, input: file('few.csv', 'v\n' + '0.1\n'.repeat(500)) }), (e: unknown) => e instanceof ConfigError && /500 samples \(0\.042 s at 12000 Hz\), fewer than the 4096/.test(e.message));
  const good = file('g2.csv', Array.from({ length: 5000 }, (_, i) => Math.sin(i)).join('\n'));
  for (const [spec, pattern] of [['9,7.94,39.04', /"9" is not key=number/], ['n=9,d=7.94,D=39.04,angle=x', /"angle=x"/], ['n=9,d=7.94,D=39.04,z=1', /unknown key\(s\) z/], ['', /missing n=/]] as const) {
    await assert.rejects(runDiagnose({ ...base, input: good, bearing: spec }), (e: unknown) => e instanceof ConfigError && pattern.test(e.message), spec);
  }
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
