import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { csvField, detectSeparator, parseCsv, parseCsvRecords } from './csv.ts';

test('csv - quoted fields with separators, doubled quotes and line breaks', () => {
  const r = parseCsvRecords('a,b\r\n"x, y","say ""hi"""\n"multi\nline",2\n', ',');
  assert.deepEqual(r, [
    ['a', 'b'],
    ['x, y', 'say "hi"'],
    ['multi\nline', '2'],
  ]);
});

test('csv - BOM, CRLF, blank lines and a missing final newline', () => {
  const t = parseCsv('\ufefftime;v\r\n\r\n1;2\r\n\n3;\r\n4;5');
  assert.ok(t.ok);
  assert.equal(t.value.separator, ';');
  assert.deepEqual(t.value.header, ['time', 'v']);
  assert.deepEqual(t.value.rows, [['1', '2'], ['3', ''], ['4', '5']]);
});

test('csv - empty text is a failure value naming the problem', () => {
  const r = parseCsv('\n\n');
  assert.equal(r.ok, false);
  assert.match(!r.ok ? r.reason : '', /empty/);
});

test('csv - separator detection ignores separators inside quotes', () => {
  assert.equal(detectSeparator('"a;b;c",d,e\n'), ',');
  assert.equal(detectSeparator('a;b,c;d\n'), ';');
  assert.equal(detectSeparator('\n\na;b\n'), ';');
});

const cell = fc.string({ unit: fc.constantFrom('a', 'b', ' ', ',', ';', '"', '\n', '\r', '1', '.', 'é'), maxLength: 8 });

test('csv - property: writing then parsing gives the table back (any separator, CRLF or LF)', () => {
  fc.assert(
    fc.property(
      fc.constantFrom(',', ';'),
      fc.constantFrom('\n', '\r\n'),
      fc.integer({ min: 1, max: 4 }).chain((w) => fc.array(fc.array(cell, { minLength: w, maxLength: w }), { minLength: 1, maxLength: 6 })),
      fc.boolean(),
      (sep, eol, table, bom) => {
        // A record of one empty field is indistinguishable from a blank line, which is skipped:
        // quote it so that it survives (as a writer must).
        const line = (r: string[]) => (r.length === 1 && r[0] === '' ? '""' : r.map((f) => csvField(f, sep)).join(sep));
        const text = (bom ? '\ufeff' : '') + table.map(line).join(eol) + eol;
        assert.deepEqual(parseCsvRecords(text, sep), table);
      },
    ),
    { numRuns: 300 },
  );
});

test('csv - property: never throws and never loses a non-blank line of unquoted text', () => {
  fc.assert(
    fc.property(fc.array(fc.string({ unit: fc.constantFrom('a', '1', ',', ' '), maxLength: 10 }), { maxLength: 10 }), (lines) => {
      const recs = parseCsvRecords(lines.join('\n'), ',');
      assert.equal(recs.length, lines.filter((l) => l.length > 0).length);
    }),
  );
});
