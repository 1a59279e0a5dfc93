import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { detectCsv, defaultTrainRows } from './detect-csv.ts';
import { gaussian } from '../features/synthetic.test-support.ts';

/** A CSV of `n` rows: flow ≈ 50, pressure ≈ 2 + flow/100 (correlated), temperature ≈ 60; `shift` adds to flow inside [from, to). */
function synthetic(n: number, anomaly?: { from: number; to: number; shift: number }): string {
  const lines = ['timestamp;flow;pressure;temperature'];
  for (let i = 0; i < n; i++) {
    const g = gaussian(3, 31 * i + 7);
    let flow = 50 + g[0]!;
    if (anomaly && i >= anomaly.from && i < anomaly.to) flow += anomaly.shift;
    const pressure = 2 + (50 + g[0]!) / 100 + 0.002 * g[1]!; // follows the healthy flow: the shift breaks the relation
    lines.push(`2024-01-01T00:${String(Math.floor(i / 60)).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}Z;${flow};${pressure};${60 + 0.5 * g[2]!}`);
  }
  return `${lines.join('\n')}\n`;
}

test('detect - an injected anomaly segment scores clearly higher inside than outside', () => {
  const r = detectCsv(synthetic(900, { from: 600, to: 700, shift: 3 }), { trainRows: 300 });
  assert.ok(r.ok, !r.ok ? r.reason : '');
  const { scores } = r.value;
  const inside = scores.slice(610, 700);
  const outside = scores.slice(300, 600);
  const mean = (v: number[]) => v.reduce((s, x) => s + x, 0) / v.length;
  assert.ok(mean(inside) > 0.8, `inside ${mean(inside)}`);
  assert.ok(mean(outside) < 0.3, `outside ${mean(outside)}`);
  assert.ok(inside.filter((s) => s >= 0.5).length > 0.9 * inside.length, 'keeps flagging while the anomaly lasts');
  assert.ok(outside.filter((s) => s >= 0.5).length < 0.05 * outside.length, 'few false alarms');
  assert.equal(r.value.timeColumn, 'timestamp');
  assert.match(r.value.csv.split('\n')[601]!, /^2024-01-01T00:10:00Z,(0|1|0\.\d+)$/);
});

test('detect - the default training prefix is a constant 300 rows, at most the file', () => {
  assert.equal(defaultTrainRows(10_000), 300);
  assert.equal(defaultTrainRows(1_000), 300);
  assert.equal(defaultTrainRows(50), 50);
});

const numericCsv = fc
  .record({
    columns: fc.integer({ min: 1, max: 3 }),
    sep: fc.constantFrom(',', ';'),
    eol: fc.constantFrom('\n', '\r\n'),
  })
  .chain(({ columns, sep, eol }) =>
    fc
      .array(fc.array(fc.oneof({ weight: 8, arbitrary: fc.double({ noNaN: true, noDefaultInfinity: true }) }, { weight: 1, arbitrary: fc.constant(NaN) }), { minLength: columns, maxLength: columns }), { minLength: 1, maxLength: 70 })
      .map((rows) => {
        const header = ['time', ...Array.from({ length: columns }, (_, i) => `c${i}`)].join(sep);
        // Row 0 always has numbers so that every column is numeric.
        const body = rows.map((r, i) => [String(i), ...r.map((v) => (Number.isNaN(v) ? (i === 0 ? '0' : '') : String(v)))].join(sep));
        return { text: [header, ...body].join(eol) + eol, rows: rows.length };
      }),
  );

test('detect - property: never fails on a numeric CSV, one score in [0, 1] per row, in order', () => {
  fc.assert(
    fc.property(numericCsv, ({ text, rows }) => {
      const r = detectCsv(text);
      assert.ok(r.ok, !r.ok ? r.reason : '');
      assert.equal(r.value.scores.length, rows);
      assert.deepEqual(r.value.times, Array.from({ length: rows }, (_, i) => String(i)));
      for (const s of r.value.scores) assert.ok(s >= 0 && s <= 1, String(s));
      assert.equal(r.value.csv.trimEnd().split('\n').length, rows + 1);
    }),
    { numRuns: 40 },
  );
});

test('detect - property: causal, a prefix scores the same when the file is cut after it', () => {
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 430 }), fc.option(fc.integer({ min: 8, max: 120 }), { nil: undefined }), (cut, trainRows) => {
      // Also with the default training length: it must not depend on the file's length.
      const full = synthetic(440, { from: 330, to: 380, shift: 4 });
      const lines = full.trimEnd().split('\n');
      const prefix = `${lines.slice(0, cut + 1).join('\n')}\n`;
      const a = detectCsv(full, trainRows === undefined ? {} : { trainRows });
      const b = detectCsv(prefix, trainRows === undefined ? {} : { trainRows });
      assert.ok(a.ok && b.ok);
      assert.deepEqual(b.value.scores, a.value.scores.slice(0, cut));
    }),
    { numRuns: 8 },
  );
});

test('detect - malformed input is a failure value, not a throw', () => {
  for (const [text, pattern] of [
    ['', /empty/],
    ['time,name\n1,x\n', /no numeric columns/],
    ['time,a\n', /no data rows/],
  ] as const) {
    const r = detectCsv(text);
    assert.ok(!r.ok && pattern.test(r.reason), `${JSON.stringify(text)} → ${JSON.stringify(r)}`);
  }
  const r = detectCsv('time,a\n1,2\n', { trainRows: 3 });
  assert.ok(!r.ok && /--train/.test(r.reason));
});

test('detect - property: causal with every member engaged, appending rows never changes an earlier score', () => {
  fc.assert(
    fc.property(
      fc.array(fc.oneof({ weight: 20, arbitrary: fc.double({ min: -5, max: 5, noNaN: true }) }, { weight: 1, arbitrary: fc.constantFrom(NaN, 1e9, -1e9) }), { minLength: 200, maxLength: 320 }),
      fc.integer({ min: 1, max: 150 }),
      (noise, extra) => {
        // A seasonal series with random noise, spikes and gaps; the discord and the residual start after 64 rows.
        const lines = ['t,v', ...noise.map((e, i) => `${i},${Number.isNaN(e) ? '' : 10 * Math.sin(i / 4) + e}`)];
        const full = `${lines.join('\n')}\n`;
        const cut = lines.length - extra;
        const stack = { periodRows: 64 };
        const a = detectCsv(full, { trainRows: 40, stack });
        const b = detectCsv(`${lines.slice(0, cut).join('\n')}\n`, { trainRows: 40, stack });
        assert.ok(a.ok && b.ok);
        assert.deepEqual(b.value.scores, a.value.scores.slice(0, cut - 1));
        for (const s of a.value.scores) assert.ok(s >= 0 && s <= 1 && Number.isFinite(s), String(s));
      },
    ),
    { numRuns: 15 },
  );
});

test('detect - a file of bare numbers (no header, no time column) is scored with row numbers as times', () => {
  const text = `${Array.from({ length: 300 }, (_, i) => (i === 250 ? 40 : Math.sin(i / 5) + ((i * 37) % 11) / 20).toFixed(3)).join('\n')}\n`;
  const r = detectCsv(text);
  assert.ok(r.ok, !r.ok ? r.reason : '');
  assert.equal(r.value.headerless, true);
  assert.equal(r.value.timeColumn, '');
  assert.equal(r.value.scores.length, 300);
  assert.equal(r.value.csv.split('\n')[1], `0,${r.value.scores[0]}`);
  assert.equal(r.value.scores.indexOf(Math.max(...r.value.scores)), 250, 'the spike is the top score');
});

test('detect - a numeric first column that is not increasing is a channel, not the time', () => {
  const r = detectCsv('a,b\n3,1\n1,2\n2,3\n5,4\n');
  assert.ok(r.ok);
  assert.equal(r.value.timeColumn, '');
  assert.deepEqual(r.value.channels, ['a', 'b']);
  assert.deepEqual(r.value.times, ['0', '1', '2', '3']);
  const idx = detectCsv('epoch,b\n1,1\n2,2\n3,3\n');
  assert.ok(idx.ok && idx.value.timeColumn === 'epoch');
});

test('detect - constant, empty and text columns, unsorted and repeated times: documented handling, never a throw', () => {
  const lines = ['time,const,empty,name,v'];
  for (let i = 0; i < 400; i++) lines.push(`${i === 100 ? 50 : i === 200 ? 199 : i},7,,x${i},${Math.sin(i / 3) + (i === 350 ? 30 : 0)}`);
  const r = detectCsv(`${lines.join('\n')}\n`);
  assert.ok(r.ok, !r.ok ? r.reason : '');
  assert.deepEqual(r.value.channels, ['const', 'v'], 'the empty and the text column are not channels');
  assert.deepEqual(r.value.timeIssues, { unsorted: 1, duplicates: 1 });
  assert.equal(r.value.scores.length, 400);
  assert.equal(r.value.scores.indexOf(Math.max(...r.value.scores)), 350, 'the constant channel does not drown the spike');
  const named = detectCsv(`${lines.join('\n')}\n`, { columns: ['empty', 'v'] });
  assert.ok(named.ok, 'an all-empty column asked for by name is tolerated');
  assert.equal(named.value.scores.length, 400);
});
