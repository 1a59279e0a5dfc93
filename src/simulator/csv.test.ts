import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { formatCsvLine, formatFloat32, parseCsvLine, parseNumberCell } from './csv.ts';

test('csv - parses plain, quoted and CRLF lines', () => {
  assert.deepEqual(parseCsvLine('a,b,,c'), ['a', 'b', '', 'c']);
  assert.deepEqual(parseCsvLine('"x,y","say ""hi""",3\r'), ['x,y', 'say "hi"', '3']);
  assert.deepEqual(parseCsvLine('1;2;3', ';'), ['1', '2', '3']);
  assert.deepEqual(parseCsvLine(''), ['']);
});

test('csv - property: any fields survive format then parse, for any separator', () => {
  const field = fc.string({ maxLength: 12 }).filter((s) => !s.includes('\n') && !s.includes('\r'));
  fc.assert(
    fc.property(fc.array(field, { minLength: 1, maxLength: 8 }), fc.constantFrom(',', ';', '\t', '|'), (fields, sep) => {
      assert.deepEqual(parseCsvLine(formatCsvLine(fields, sep), sep), fields);
    }),
    { numRuns: 1000 },
  );
});

test('csv - property: arbitrary text never throws and gives at least one field', () => {
  fc.assert(
    fc.property(fc.string({ maxLength: 64 }), fc.constantFrom(',', ';', '::'), (line, sep) => {
      assert.ok(parseCsvLine(line, sep).length >= 1);
    }),
    { numRuns: 1000 },
  );
});

test('csv - number cells: finite numbers or null', () => {
  assert.equal(parseNumberCell(' 1.5e3 '), 1500);
  for (const bad of ['', '  ', 'abc', 'NaN', 'Infinity', '1,5']) assert.equal(parseNumberCell(bad), null, bad);
});

test('csv - property: formatFloat32 reads back to the same float32, shorter than float64 text', () => {
  fc.assert(
    fc.property(fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e30, max: 1e30 }), (v) => {
      const s = formatFloat32(v);
      assert.equal(Math.fround(Number(s)), Math.fround(v), `${v} -> ${s}`);
      assert.ok(s.replace(/^-/, '').replace(/e.*$/, '').replace('.', '').replace(/^0+/, '').replace(/0+$/, '').length <= 9, s);
    }),
    { numRuns: 2000 },
  );
});
