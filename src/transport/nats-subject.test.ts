import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { isValidNatsSubject, natsSubjectMatches } from './nats-subject.ts';

const token = fc.stringMatching(/^[a-z0-9_-]{1,6}$/);
const tokens = fc.array(token, { minLength: 1, maxLength: 6 });

test('nats subject - wildcard examples from the NATS docs', () => {
  assert.equal(natsSubjectMatches('time.*.east', 'time.us.east'), true);
  assert.equal(natsSubjectMatches('time.*.east', 'time.us.east.atlanta'), false);
  assert.equal(natsSubjectMatches('time.us.>', 'time.us.east'), true);
  assert.equal(natsSubjectMatches('time.us.>', 'time.us.east.atlanta'), true);
  assert.equal(natsSubjectMatches('time.us.>', 'time.us'), false);
  assert.equal(natsSubjectMatches('>', 'a'), true);
  assert.equal(natsSubjectMatches('*', 'a.b'), false);
  assert.equal(natsSubjectMatches('a.>.c', 'a.b.c'), false, "'>' not last matches nothing");
});

test('nats subject - publish subject validity', () => {
  assert.equal(isValidNatsSubject('pdm.site1.esc'), true);
  for (const s of ['', 'a..b', 'a.*', 'a.>', 'a b', '.a']) assert.equal(isValidNatsSubject(s), false, s);
});

test('nats subject - every subject matches >', () => {
  fc.assert(fc.property(tokens, (ts) => natsSubjectMatches('>', ts.join('.'))));
});

test('nats subject - a filter without wildcards matches only itself', () => {
  fc.assert(
    fc.property(tokens, tokens, (f, s) => {
      assert.equal(natsSubjectMatches(f.join('.'), s.join('.')), f.join('.') === s.join('.'));
    }),
  );
});

test('nats subject - * matches exactly one token', () => {
  fc.assert(
    fc.property(tokens, fc.nat(), token, (ts, i, other) => {
      const k = i % ts.length;
      const filter = ts.map((t, j) => (j === k ? '*' : t)).join('.');
      const replaced = ts.map((t, j) => (j === k ? other : t));
      assert.equal(natsSubjectMatches(filter, replaced.join('.')), true);
      assert.equal(natsSubjectMatches(filter, [...replaced.slice(0, k), other, 'extra', ...replaced.slice(k + 1)].join('.')), false);
      // dropping the token (fewer tokens) must not match; an empty subject is not a subject
      if (ts.length > 1) assert.equal(natsSubjectMatches(filter, [...replaced.slice(0, k), ...replaced.slice(k + 1)].join('.')), false);
    }),
  );
});

test('nats subject - prefix.> matches one or more tokens below the prefix only', () => {
  fc.assert(
    fc.property(tokens, tokens, (prefix, below) => {
      const filter = `${prefix.join('.')}.>`;
      assert.equal(natsSubjectMatches(filter, [...prefix, ...below].join('.')), true);
      assert.equal(natsSubjectMatches(filter, prefix.join('.')), false);
    }),
  );
});
