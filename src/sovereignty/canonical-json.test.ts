import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { canonicalJson } from './canonical-json.ts';

const shuffleKeys = (v: unknown, seed: number): unknown => {
  if (Array.isArray(v)) return v.map((x) => shuffleKeys(x, seed));
  if (v === null || typeof v !== 'object') return v;
  const entries = Object.entries(v as Record<string, unknown>);
  entries.sort((a, b) => ((a[0].length * 31 + seed) % 7) - ((b[0].length * 31 + seed) % 7) || (seed % 2 ? 1 : -1));
  return Object.fromEntries(entries.map(([k, x]) => [k, shuffleKeys(x, seed + 1)]));
};

test('canonical json - property: key order does not matter and the text parses back to the value', () => {
  fc.assert(
    fc.property(fc.jsonValue(), fc.nat(100), (value, seed) => {
      const c = canonicalJson(value);
      assert.equal(canonicalJson(shuffleKeys(value, seed)), c);
      assert.equal(canonicalJson(JSON.parse(c)), c, 'a stored canonical text re-hashes identically');
    }),
    { numRuns: 300 },
  );
  assert.equal(canonicalJson({ b: 1, a: [true, null, { d: 'x', c: 2 }], u: undefined }), '{"a":[true,null,{"c":2,"d":"x"}],"b":1}');
  assert.throws(() => canonicalJson({ x: Number.NaN }), /not a finite number/);
});
