import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { isValidMqttFilter, mqttTopicMatches } from './mqtt-topic.ts';

// A topic level without wildcards, separators or a leading '$' (which §4.7.2 treats specially).
const level = fc.stringMatching(/^[a-z0-9_-]{0,6}$/);
const levels = fc.array(level, { minLength: 1, maxLength: 6 });

test('mqtt topic - examples from MQTT 3.1.1 §4.7', () => {
  assert.equal(mqttTopicMatches('sport/tennis/player1/#', 'sport/tennis/player1'), true);
  assert.equal(mqttTopicMatches('sport/tennis/player1/#', 'sport/tennis/player1/ranking'), true);
  assert.equal(mqttTopicMatches('sport/tennis/player1/#', 'sport/tennis/player1/score/wimbledon'), true);
  assert.equal(mqttTopicMatches('sport/#', 'sport'), true);
  assert.equal(mqttTopicMatches('sport/tennis/+', 'sport/tennis/player1'), true);
  assert.equal(mqttTopicMatches('sport/tennis/+', 'sport/tennis/player1/ranking'), false);
  assert.equal(mqttTopicMatches('sport/+', 'sport'), false);
  assert.equal(mqttTopicMatches('sport/+', 'sport/'), true);
  assert.equal(mqttTopicMatches('+/+', '/finance'), true);
  assert.equal(mqttTopicMatches('/+', '/finance'), true);
  assert.equal(mqttTopicMatches('+', '/finance'), false);
  assert.equal(mqttTopicMatches('#', '$SYS/broker'), false);
  assert.equal(mqttTopicMatches('+/monitor/Clients', '$SYS/monitor/Clients'), false);
  assert.equal(mqttTopicMatches('$SYS/#', '$SYS/monitor/Clients'), true);
  assert.equal(mqttTopicMatches('$SYS/monitor/+', '$SYS/monitor/Clients'), true);
  assert.equal(mqttTopicMatches('a/#/b', 'a/x/b'), false, "'#' not last is invalid and matches nothing");
});

test('mqtt topic - filter validity', () => {
  for (const f of ['#', '+', 'a/+/b', 'a/#', '/', 'a//b']) assert.equal(isValidMqttFilter(f), true, f);
  for (const f of ['', 'a/#/b', 'a#', 'a/b+', 'sport+']) assert.equal(isValidMqttFilter(f), false, f);
});

test('mqtt topic - every topic matches #', () => {
  fc.assert(fc.property(levels, (ls) => mqttTopicMatches('#', ls.join('/'))));
});

test('mqtt topic - a filter without wildcards matches only itself', () => {
  fc.assert(
    fc.property(levels, levels, (f, t) => {
      const filter = f.join('/');
      const topic = t.join('/');
      assert.equal(mqttTopicMatches(filter, topic), filter === topic);
    }),
  );
});

test('mqtt topic - + matches exactly one level', () => {
  fc.assert(
    fc.property(levels, fc.nat(), level, fc.integer({ min: 0, max: 3 }), (ls, i, extra, added) => {
      const k = i % ls.length;
      const filter = ls.map((l, j) => (j === k ? '+' : l)).join('/');
      const replaced = ls.map((l, j) => (j === k ? extra : l));
      assert.equal(mqttTopicMatches(filter, replaced.join('/')), true);
      // splitting that level in two (more levels) must not match
      const split = [...replaced.slice(0, k), extra, ...Array(added + 1).fill('z'), ...replaced.slice(k + 1)];
      assert.equal(mqttTopicMatches(filter, split.join('/')), false);
    }),
  );
});

test('mqtt topic - prefix/# matches the prefix and everything below it, nothing else', () => {
  fc.assert(
    fc.property(levels, fc.array(level, { maxLength: 4 }), levels, (prefix, below, other) => {
      const filter = `${prefix.join('/')}/#`;
      assert.equal(mqttTopicMatches(filter, [...prefix, ...below].join('/')), true);
      const otherTopic = other.join('/');
      const under = other.length >= prefix.length && prefix.every((l, i) => other[i] === l);
      assert.equal(mqttTopicMatches(filter, otherTopic), under);
    }),
  );
});
