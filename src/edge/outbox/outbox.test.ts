import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm, stat, truncate, appendFile, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { OutboxFullError } from '../../core/index.ts';
import { createOutbox } from './outbox.ts';
import { crc32 } from './record.ts';

async function tempDir(t: { after(fn: () => Promise<void>): void }): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'pdm-outbox-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}
const bytes = (s: string) => Buffer.from(s, 'utf8');
const text = (b: Uint8Array) => Buffer.from(b).toString('utf8');

test('outbox - crc32 matches the IEEE check value', () => {
  assert.equal(crc32(bytes('123456789')), 0xcbf43926);
});

test('outbox - put, delete and pending survive reopen', async (t) => {
  const dir = await tempDir(t);
  const a = await createOutbox({ dir });
  assert.equal(await a.put('x', bytes('one')), 'stored');
  assert.equal(await a.put('y', bytes('two')), 'stored');
  assert.equal(await a.put('z', bytes('three')), 'stored');
  assert.equal(await a.delete('y'), true);
  assert.equal(await a.delete('nope'), false);
  await a.close();
  const b = await createOutbox({ dir });
  t.after(() => b.close());
  assert.deepEqual(b.pending().map((e) => [e.id, text(e.payload), e.attempts]), [['x', 'one', 0], ['z', 'three', 0]]);
  assert.equal(b.size, 2);
  assert.equal(b.recoveredTornBytes, 0);
});

test('outbox - a duplicate id is refused and nothing is written', async (t) => {
  const dir = await tempDir(t);
  const o = await createOutbox({ dir });
  t.after(() => o.close());
  await o.put('x', bytes('first'));
  const before = (await stat(join(dir, 'outbox.log'))).size;
  const [r1, r2] = await Promise.all([o.put('x', bytes('second')), o.put('x', bytes('third'))]);
  assert.deepEqual([r1, r2], ['duplicate', 'duplicate']);
  assert.equal((await stat(join(dir, 'outbox.log'))).size, before);
  assert.equal(text(o.pending()[0]!.payload), 'first');
});

test('outbox - over maxBytes throws OutboxFullError and writes nothing', async (t) => {
  const dir = await tempDir(t);
  const o = await createOutbox({ dir, maxBytes: 200 });
  t.after(() => o.close());
  assert.equal(await o.put('a', Buffer.alloc(100)), 'stored');
  const before = (await stat(join(dir, 'outbox.log'))).size;
  await assert.rejects(o.put('b', Buffer.alloc(100)), OutboxFullError);
  assert.equal((await stat(join(dir, 'outbox.log'))).size, before);
  assert.deepEqual(o.pending().map((e) => e.id), ['a']);
  await o.delete('a');
  assert.equal(await o.put('b', Buffer.alloc(100)), 'stored', 'room again once acked');
});

test('outbox - a torn tail is ignored and cut off on open', async (t) => {
  const dir = await tempDir(t);
  const o = await createOutbox({ dir });
  await o.put('keep', bytes('safe'));
  await o.put('torn', Buffer.alloc(500, 7));
  await o.close();
  const log = join(dir, 'outbox.log');
  const full = (await stat(log)).size;
  await truncate(log, full - 100); // the crash hit mid-record
  const r = await createOutbox({ dir });
  assert.deepEqual(r.pending().map((e) => e.id), ['keep']);
  assert.ok(r.recoveredTornBytes > 0);
  assert.equal(await r.put('after', bytes('new')), 'stored');
  await r.close();
  // Garbage appended after a valid record (a torn header) is cut off too.
  await appendFile(log, Buffer.from([1, 2, 3]));
  const g = await createOutbox({ dir });
  t.after(() => g.close());
  assert.deepEqual(g.pending().map((e) => [e.id, text(e.payload)]), [['keep', 'safe'], ['after', 'new']]);
});

test('outbox - a corrupted record (bad CRC) ends the valid log', async (t) => {
  const dir = await tempDir(t);
  const o = await createOutbox({ dir });
  await o.put('a', bytes('aaaa'));
  await o.put('b', bytes('bbbb'));
  await o.close();
  const log = join(dir, 'outbox.log');
  const buf = await readFile(log);
  buf[buf.length - 1] = buf[buf.length - 1]! ^ 0xff; // flip a payload byte of the last record
  await writeFile(log, buf);
  const r = await createOutbox({ dir });
  t.after(() => r.close());
  assert.deepEqual(r.pending().map((e) => e.id), ['a']);
});

test('outbox - compaction on open keeps live entries and shrinks the file', async (t) => {
  const dir = await tempDir(t);
  const o = await createOutbox({ dir });
  for (let i = 0; i < 50; i++) await o.put(`e${i}`, Buffer.alloc(1000, i));
  for (let i = 0; i < 48; i++) await o.delete(`e${i}`);
  await o.close();
  const before = (await stat(join(dir, 'outbox.log'))).size;
  const r = await createOutbox({ dir });
  t.after(() => r.close());
  const after = (await stat(join(dir, 'outbox.log'))).size;
  assert.ok(after < before / 10, `${before} -> ${after}`);
  assert.deepEqual(r.pending().map((e) => [e.id, e.payload[0]]), [['e48', 48], ['e49', 49]]);
});

test('outbox - runtime compaction after many acks keeps working', async (t) => {
  const dir = await tempDir(t);
  const o = await createOutbox({ dir, compactMinDeadBytes: 10_000 });
  for (let i = 0; i < 40; i++) {
    await o.put(`e${i}`, Buffer.alloc(1000, i));
    if (i >= 2) await o.delete(`e${i - 2}`);
  }
  assert.ok((await stat(join(dir, 'outbox.log'))).size < 15_000);
  await o.close();
  const r = await createOutbox({ dir });
  t.after(() => r.close());
  assert.deepEqual(r.pending().map((e) => e.id), ['e38', 'e39']);
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
  // Anything beyond the printed ids is at most the put that completed as the kill arrived.
  assert.ok(ids.length <= printed.length + 1, `${ids.length} entries, ${printed.length} printed`);
});
