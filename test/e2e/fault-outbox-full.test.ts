// The edge outbox when its disk budget is full (a small maxBytes stands in for a full disk): an
// escalation is either stored durably or refused with OutboxFullError and counted, never silently
// lost; lower classes (summary, then status) are evicted for alarms and every eviction counted;
// alarms are never evicted for room; a SIGKILL at full loses nothing the outbox said it stored.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OutboxFullError } from '../../src/core/index.ts';
import { createOutbox, type OutboxDrop } from '../../src/edge/outbox/index.ts';
import { kill, startProcess, waitFor } from '../support/processes.ts';

const MAX_BYTES = 8 * 1024;
const payload = (n: number) => new Uint8Array(n).fill(1);

test('outbox full - alarms are stored until the limit, then refused with OutboxFullError and counted, never dropped', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'pdm-outbox-full-'));
  const drops: OutboxDrop[] = [];
  const outbox = await createOutbox({ dir, maxBytes: MAX_BYTES }, { onDrop: (d) => drops.push(d) });
  try {
    const stored: string[] = [];
    let refused = 0;
    for (let i = 0; i < 100; i++) {
      try {
        assert.equal(await outbox.put(`alarm-${i}`, payload(500)), 'stored');
        stored.push(`alarm-${i}`);
      } catch (err) {
        assert.ok(err instanceof OutboxFullError, `expected OutboxFullError, got ${String(err)}`);
        refused++;
      }
    }
    assert.ok(stored.length >= 10 && refused > 0, `stored ${stored.length}, refused ${refused}`);
    assert.ok(outbox.bytes <= MAX_BYTES, `${outbox.bytes} bytes pending > ${MAX_BYTES}`);
    assert.deepEqual(outbox.pending().map((e) => e.id), stored, 'every stored alarm is still pending, in order');
    assert.equal(drops.filter((d) => d.reason === 'refused').length, refused, 'every refusal is counted');
    assert.equal(drops.filter((d) => d.reason !== 'refused').length, 0, 'no alarm was evicted');
    assert.equal(outbox.stats().drops.alarm.refused, refused);
    // An ack frees room: the next alarm fits again.
    assert.equal(await outbox.delete(stored[0]!), true);
    assert.equal(await outbox.put('alarm-after-ack', payload(500)), 'stored');
  } finally {
    await outbox.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('outbox full - summaries, then statuses are evicted (counted) to make room for alarms', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'pdm-outbox-full-'));
  const drops: OutboxDrop[] = [];
  const outbox = await createOutbox({ dir, maxBytes: MAX_BYTES }, { onDrop: (d) => drops.push(d) });
  try {
    for (let i = 0; i < 6; i++) await outbox.put(`status-${i}`, payload(500), { class: 'status' });
    for (let i = 0; i < 6; i++) await outbox.put(`summary-${i}`, payload(500), { class: 'summary' });
    const alarms: string[] = [];
    for (let i = 0; ; i++) {
      try {
        await outbox.put(`alarm-${i}`, payload(500));
        alarms.push(`alarm-${i}`);
      } catch (err) {
        assert.ok(err instanceof OutboxFullError);
        break;
      }
    }
    const evicted = drops.filter((d) => d.reason === 'bytes');
    assert.ok(evicted.length >= 12, `all 12 lower-class entries should have made room, ${evicted.length} did`);
    const firstStatus = evicted.findIndex((d) => d.class === 'status');
    assert.ok(evicted.slice(0, firstStatus).every((d) => d.class === 'summary') && evicted.slice(firstStatus).every((d) => d.class === 'status'), `summaries go first: ${evicted.map((d) => d.id).join(',')}`);
    assert.ok(evicted.every((d) => d.class !== 'alarm'), 'an alarm was evicted');
    assert.deepEqual(outbox.pending().map((e) => e.id), alarms, 'only alarms remain, all of them');
    const s = outbox.stats();
    assert.equal(s.drops.summary.bytes + s.drops.status.bytes, evicted.length, 'evictions are counted by class');
  } finally {
    await outbox.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('outbox full - a SIGKILL while full loses no entry the outbox reported stored', { timeout: 60_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'pdm-outbox-full-'));
  const child = startProcess('outbox filler', process.execPath, ['--import', 'tsx', join(import.meta.dirname, '..', 'support', 'outbox-filler.ts')], { ...process.env, OUTBOX_DIR: dir, OUTBOX_MAX_BYTES: String(MAX_BYTES) });
  try {
    const full = await waitFor('outbox to fill', () => /^full (.*)$/m.exec(child.out.join(''))?.[1], 30_000, [child]);
    assert.equal(full, 'OutboxFullError');
    await kill(child);
    const stored = [...child.out.join('').matchAll(/^stored (\S+)$/gm)].map((m) => m[1]!);
    const outbox = await createOutbox({ dir, maxBytes: MAX_BYTES });
    try {
      assert.deepEqual(outbox.pending().map((e) => e.id), stored);
    } finally {
      await outbox.close();
    }
  } finally {
    await kill(child);
    rmSync(dir, { recursive: true, force: true });
  }
});
