import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { copyFile, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { Counters, OutboxFullError } from '../../core/index.ts';
import { createOutbox } from './outbox.ts';
import { crc32, encodeRecord, RECORD_DELETE, RECORD_PUT } from './record.ts';
import { entryBytes, type OutboxClass } from './entry.ts';

async function tempDir(t: { after(fn: () => Promise<void>): void }): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'pdm-outbox-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}
const bytes = (s: string) => Buffer.from(s, 'utf8');
const text = (b: Uint8Array) => Buffer.from(b).toString('utf8');
const exists = (p: string) => stat(p).then(() => true, () => false);

test('outbox - crc32 of the legacy log matches the IEEE check value', () => {
  assert.equal(crc32(bytes('123456789')), 0xcbf43926);
});

test('outbox - put, delete and pending survive reopen in arrival order', async (t) => {
  const dir = await tempDir(t);
  const a = await createOutbox({ dir });
  assert.equal(await a.put('x', bytes('one')), 'stored');
  assert.equal(await a.put('y', bytes('two'), { class: 'status' }), 'stored');
  assert.equal(await a.put('z', bytes('three')), 'stored');
  assert.equal(await a.delete('y'), true);
  assert.equal(await a.delete('nope'), false);
  await a.close();
  const b = await createOutbox({ dir });
  t.after(() => b.close());
  assert.deepEqual(b.pending().map((e) => [e.id, text(e.payload), e.class, e.attempts]), [['x', 'one', 'alarm', 0], ['z', 'three', 'alarm', 0]]);
  assert.equal(b.size, 2);
  assert.equal(b.bytes, entryBytes(1, 3) + entryBytes(1, 5));
  assert.equal(await b.put('w', bytes('four')), 'stored');
  assert.deepEqual(b.pending().map((e) => e.id), ['x', 'z', 'w'], 'new entries go after the reopened ones');
});

test('outbox - a duplicate id is refused, also when puts race', async (t) => {
  const dir = await tempDir(t);
  const o = await createOutbox({ dir });
  t.after(() => o.close());
  await o.put('x', bytes('first'));
  const [r1, r2] = await Promise.all([o.put('x', bytes('second')), o.put('x', bytes('third'))]);
  assert.deepEqual([r1, r2], ['duplicate', 'duplicate']);
  const [s1, s2] = await Promise.all([o.put('y', bytes('a')), o.put('y', bytes('b'))]);
  assert.deepEqual([s1, s2], ['stored', 'duplicate']);
  assert.deepEqual(o.pending().map((e) => [e.id, text(e.payload)]), [['x', 'first'], ['y', 'a']]);
});

test('outbox - when full, lower classes are dropped first, oldest first, and every drop is counted', async (t) => {
  const dir = await tempDir(t);
  const counters = new Counters();
  const one = entryBytes(2, 100);
  const o = await createOutbox({ dir, maxBytes: 4 * one }, { counters });
  t.after(() => o.close());
  await o.put('s1', Buffer.alloc(100), { class: 'status' });
  await o.put('m1', Buffer.alloc(100), { class: 'summary' });
  await o.put('s2', Buffer.alloc(100), { class: 'status' });
  await o.put('m2', Buffer.alloc(100), { class: 'summary' });
  await o.put('a1', Buffer.alloc(100)); // evicts the oldest summary
  assert.deepEqual(o.pending().map((e) => e.id), ['s1', 's2', 'm2', 'a1']);
  await o.put('a2', Buffer.alloc(100)); // the other summary
  await o.put('a3', Buffer.alloc(100)); // then the oldest status
  assert.deepEqual(o.pending().map((e) => e.id), ['s2', 'a1', 'a2', 'a3']);
  // A status may evict an older status (it supersedes it), never an alarm.
  await o.put('s3', Buffer.alloc(100), { class: 'status' });
  assert.deepEqual(o.pending().map((e) => e.id), ['a1', 'a2', 'a3', 's3']);
  await o.put('a4', Buffer.alloc(100));
  assert.deepEqual(o.pending().map((e) => e.id), ['a1', 'a2', 'a3', 'a4']);
  // Now only alarms remain: a summary is refused, and so is an alarm (alarms never evict alarms).
  await assert.rejects(o.put('m3', Buffer.alloc(100), { class: 'summary' }), OutboxFullError);
  await assert.rejects(o.put('a5', Buffer.alloc(100)), OutboxFullError);
  assert.deepEqual(o.pending().map((e) => e.id), ['a1', 'a2', 'a3', 'a4']);
  const s = o.stats();
  assert.deepEqual(s.drops.summary, { bytes: 2, age: 0, refused: 1 });
  assert.deepEqual(s.drops.status, { bytes: 3, age: 0, refused: 0 });
  assert.deepEqual(s.drops.alarm, { bytes: 0, age: 0, refused: 1 });
  assert.deepEqual(s.byClass.alarm, { entries: 4, bytes: 4 * one });
  assert.equal(counters.get('edge.outbox_dropped.status.bytes'), 3);
  assert.equal(counters.get('edge.outbox_dropped.alarm.refused'), 1);
  await o.delete('a1');
  assert.equal(await o.put('a5', Buffer.alloc(100)), 'stored', 'room again once acked');
  await o.close();
  const r = await createOutbox({ dir, maxBytes: 4 * one });
  t.after(() => r.close());
  assert.deepEqual(r.pending().map((e) => e.id), ['a2', 'a3', 'a4', 'a5'], 'evictions were durable');
});

test('outbox - entries older than their class age bound are dropped, alarms kept longer', async (t) => {
  const dir = await tempDir(t);
  const drops: string[] = [];
  const o = await createOutbox({ dir, maxAgeMs: { alarm: 10_000, status: 1_000, summary: 1_000 } }, { onDrop: (d) => drops.push(`${d.id}:${d.reason}`) });
  t.after(() => o.close());
  await o.put('a', bytes('alarm'));
  await o.put('s', bytes('status'), { class: 'status' });
  const now = Date.now();
  assert.equal(await o.expire(now + 500), 0);
  assert.equal(await o.expire(now + 2_000), 1);
  assert.deepEqual(o.pending().map((e) => e.id), ['a']);
  assert.equal(await o.expire(now + 20_000), 1);
  assert.equal(o.size, 0);
  assert.deepEqual(drops, ['s:age', 'a:age']);
  assert.equal(o.stats().drops.alarm.age, 1);
});

test('outbox - due() drains in arrival order with exponential backoff per entry', async (t) => {
  const dir = await tempDir(t);
  const o = await createOutbox({ dir });
  t.after(() => o.close());
  for (const id of ['a', 'b', 'c']) await o.put(id, bytes(id));
  const backoff = { baseMs: 1000, maxMs: 4000 };
  assert.deepEqual(o.due(0, backoff).map((e) => e.id), ['a', 'b', 'c']);
  o.markAttempt('a', 0);
  o.markAttempt('b', 0);
  o.markAttempt('b', 1000); // second attempt: wait 2 s
  assert.deepEqual(o.due(999, backoff).map((e) => e.id), ['c']);
  assert.deepEqual(o.due(1000, backoff).map((e) => e.id), ['a', 'c']);
  assert.deepEqual(o.due(3000, backoff).map((e) => e.id), ['a', 'b', 'c']);
  for (let i = 0; i < 10; i++) o.markAttempt('c', 10_000);
  assert.deepEqual(o.due(14_000, backoff).map((e) => e.id), ['a', 'b', 'c'], 'backoff capped at maxMs');
});

test('outbox - a legacy outbox.log is imported once, torn tail ignored, no duplicates after a crash mid-import', async (t) => {
  const dir = await tempDir(t);
  const rec = (kind: 1 | 2, id: string, payload = '') => encodeRecord({ kind, id, storedAtMs: 1000, payload: bytes(payload) });
  const torn = rec(RECORD_PUT, 'torn', 'x'.repeat(50)).subarray(0, 30);
  await writeFile(join(dir, 'outbox.log'), Buffer.concat([rec(RECORD_PUT, 'e1', 'one'), rec(RECORD_PUT, 'e2', 'two'), rec(RECORD_DELETE, 'e1'), rec(RECORD_PUT, 'e3', 'three'), torn]));
  const a = await createOutbox({ dir });
  assert.equal(a.importedLegacy, 2);
  assert.equal(a.recoveredTornBytes, 30);
  assert.deepEqual(a.pending().map((e) => [e.id, text(e.payload), e.class, e.storedAtMs]), [['e2', 'two', 'alarm', 1000], ['e3', 'three', 'alarm', 1000]]);
  await a.close();
  assert.equal(await exists(join(dir, 'outbox.log')), false);
  assert.equal(await exists(join(dir, 'outbox.log.imported')), true);
  // As if the process died after the import committed but before the rename.
  await copyFile(join(dir, 'outbox.log.imported'), join(dir, 'outbox.log'));
  const b = await createOutbox({ dir });
  t.after(() => b.close());
  assert.equal(b.importedLegacy, 0);
  assert.deepEqual(b.pending().map((e) => e.id), ['e2', 'e3']);
});

test('outbox - property: bytes stay within maxBytes, alarms leave only by ack, order is kept', async (t) => {
  const dir = await tempDir(t);
  let run = 0;
  const op = fc.oneof(
    fc.record({ kind: fc.constant('put' as const), cls: fc.constantFrom<OutboxClass>('alarm', 'status', 'summary'), size: fc.integer({ min: 0, max: 300 }) }),
    fc.record({ kind: fc.constant('ack' as const), pick: fc.nat() }),
  );
  await fc.assert(
    fc.asyncProperty(fc.array(op, { maxLength: 25 }), async (ops) => {
      const o = await createOutbox({ dir: join(dir, String(run++)), maxBytes: 1000 });
      try {
        const alarms: string[] = [];
        let i = 0;
        for (const x of ops) {
          if (x.kind === 'put') {
            const id = `${x.cls}-${i++}`;
            try {
              await o.put(id, Buffer.alloc(x.size), { class: x.cls });
              if (x.cls === 'alarm') alarms.push(id);
            } catch (e) {
              assert.ok(e instanceof OutboxFullError);
              // Refused only when lower classes could not make room.
              const rank = { summary: 0, status: 1, alarm: 2 };
              const lower = o.pending().filter((p) => rank[p.class] < rank[x.cls] || (x.cls !== 'alarm' && p.class === x.cls));
              const freeable = lower.reduce((s, p) => s + entryBytes(p.id.length, p.payload.length), 0);
              assert.ok(o.bytes - freeable + entryBytes(id.length, x.size) > 1000);
            }
          } else {
            const p = o.pending();
            if (p.length === 0) continue;
            const victim = p[x.pick % p.length]!;
            assert.equal(await o.delete(victim.id), true);
            const k = alarms.indexOf(victim.id);
            if (k >= 0) alarms.splice(k, 1);
          }
          assert.ok(o.bytes <= 1000);
          const ids = o.pending().map((e) => e.id);
          assert.deepEqual(ids.filter((id) => id.startsWith('alarm')), alarms, 'every accepted alarm pending, in order');
          const seqs = ids.map((id) => Number(id.split('-')[1]));
          assert.deepEqual(seqs, [...seqs].sort((a, b) => a - b), 'arrival order');
        }
      } finally {
        await o.close();
      }
    }),
    { numRuns: 25 },
  );
});

test('outbox - SIGKILL mid-write loses no acknowledged entry and duplicates none', async (t) => {
  const dir = await tempDir(t);
  const script = fileURLToPath(new URL('./crash-writer.fixture.ts', import.meta.url));
  const child = spawn(process.execPath, ['--import', 'tsx', script, dir], { stdio: ['ignore', 'pipe', 'pipe'] });
  t.after(() => { if (child.exitCode === null) child.kill('SIGKILL'); });
  const printed: string[] = [];
  let buf = '';
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => {
      buf += d.toString();
      const lines = buf.split('\n');
      buf = lines.pop()!;
      printed.push(...lines);
      if (printed.length >= 40 && child.exitCode === null) child.kill('SIGKILL');
    });
    child.on('exit', (_code, signal) => (signal === 'SIGKILL' ? resolve() : reject(new Error(`writer exited without SIGKILL: ${stderr}`))));
  });
  assert.ok(printed.length >= 40);
  const o = await createOutbox({ dir });
  t.after(() => o.close());
  const ids = o.pending().map((e) => e.id);
  assert.equal(new Set(ids).size, ids.length, 'no duplicates');
  for (const id of printed) assert.ok(ids.includes(id), `acknowledged ${id} was lost`);
  for (const e of o.pending()) {
    const i = Number(e.id.slice(2));
    assert.equal(e.payload.length, 48 * 1024);
    assert.ok(e.payload.every((b) => b === i % 251), `payload of ${e.id} intact`);
  }
  // Anything beyond the printed ids was committed as the kill arrived: at most the puts in flight.
  assert.ok(ids.length <= printed.length + 2, `${ids.length} entries, ${printed.length} printed`);
  assert.equal(await o.put('after', bytes('restart')), 'stored', 'writable after the crash');
});
