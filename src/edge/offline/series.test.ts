import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseCsv } from './csv.ts';
import { toSeries, parseNumber } from './series.ts';

const table = (text: string) => {
  const t = parseCsv(text);
  assert.ok(t.ok);
  return t.value;
};

test('series - the time column defaults to one named like time, labels are left out', () => {
  const s = toSeries(table('id,value,datetime,anomaly\n1,2.5,t0,0\n2,3.5,t1,1\n'));
  assert.ok(s.ok);
  assert.equal(s.value.timeColumn, 'datetime');
  assert.deepEqual(s.value.channels, ['id', 'value']);
  assert.deepEqual(s.value.times, ['t0', 't1']);
  assert.deepEqual(s.value.rows[1], { id: 2, value: 3.5 });
});

test('series - without a time-like name the first column is time; text columns are not channels', () => {
  const s = toSeries(table('when,machine,v\n2024-01-01,pump-1,1\n2024-01-02,pump-1,2\n'));
  assert.ok(s.ok);
  assert.equal(s.value.timeColumn, 'when');
  assert.deepEqual(s.value.channels, ['v']);
});

test('series - missing cells carry the last value forward and are counted', () => {
  const s = toSeries(table('t,a,b\n0,,1\n1,5,\n2,NaN,3\n3,7,4\n'));
  assert.ok(s.ok);
  assert.deepEqual(s.value.rows, [{ b: 1 }, { a: 5, b: 1 }, { a: 5, b: 3 }, { a: 7, b: 4 }]);
  assert.equal(s.value.rowsWithMissing, 3);
});

test('series - malformed tables are failure values naming the problem', () => {
  const r1 = toSeries(table('t,name\n0,x\n1,y\n'));
  assert.ok(!r1.ok && /no numeric columns/.test(r1.reason), JSON.stringify(r1));
  const r2 = toSeries(table('t,a\n0,1\n'), { columns: ['b'] });
  assert.ok(!r2.ok && /--columns: no column named "b"/.test(r2.reason));
  const r3 = toSeries(table('t,a\n0,1\n'), { timeColumn: 'time' });
  assert.ok(!r3.ok && /--time-column/.test(r3.reason));
  const r4 = toSeries(table('t,a\n'));
  assert.ok(!r4.ok && /no data rows/.test(r4.reason));
});

test('series - a decimal comma is read in ;-separated files only', () => {
  assert.equal(parseNumber('1,5', ';'), 1.5);
  assert.ok(Number.isNaN(parseNumber('1,5', ',')));
  assert.equal(parseNumber(' -2e3 ', ','), -2000);
  assert.ok(Number.isNaN(parseNumber('Infinity', ',')));
});
