// The reconciliation the fault tests rely on must itself catch losses, duplicates and orphans,
// else a passing fault test proves nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatTable, raisedFromLog, reconcile, type Ledger } from '../support/reconcile.ts';
import { natsFrames } from '../support/tcp-proxy.ts';

const ledger = (ids: Record<string, [diag: number, dec: number, notif: number, po: number, wo: number]>): Ledger => {
  const m = (i: number) => new Map(Object.entries(ids).filter(([, v]) => v[i]! > 0).map(([k, v]) => [k, v[i]!]));
  return { escalations: new Map(Object.keys(ids).map((k) => [k, 1])), diagnoses: m(0), decisions: m(1), notifications: m(2), purchaseOrders: m(3), workOrders: m(4) };
};
const raised = (...ids: string[]) => ids.map((id) => ({ id, timeMs: 0, instance: 'edge' }));

test('fault reconcile - a clean run has nothing lost or duplicated', () => {
  const r = reconcile('x', raised('a', 'b'), new Set(), new Set(), ledger({ a: [1, 1, 1, 1, 1], b: [1, 1, 0, 0, 0] }));
  assert.deepEqual([r.accepted, r.diagnosed, r.lost.length, r.duplicated.length, r.orphans.length], [2, 2, 0, 0, 0]);
  assert.match(formatTable([r]), /\| x +\| 2 /);
});

test('fault reconcile - an accepted escalation missing from the cloud is lost; one refused by a full outbox is not', () => {
  const r = reconcile('x', raised('a', 'b', 'c'), new Set(['c']), new Set(), ledger({ a: [1, 1, 1, 1, 1] }));
  assert.deepEqual(r.lost, ['b']);
});

test('fault reconcile - an id raised just before a SIGKILL counts only if the cloud has it', () => {
  const r = reconcile('x', raised('a', 'k'), new Set(), new Set(['k']), ledger({ a: [1, 1, 0, 0, 0] }));
  assert.deepEqual([r.lost, r.inFlightAtKill], [[], ['k']]);
  const r2 = reconcile('x', raised('a', 'k'), new Set(), new Set(['k']), ledger({ a: [1, 1, 0, 0, 0], k: [0, 0, 0, 0, 0] }));
  assert.deepEqual(r2.lost, ['k']);
});

test('fault reconcile - two purchase orders, or ERP rows nobody escalated, are caught', () => {
  const l = ledger({ a: [1, 1, 1, 2, 1] });
  l.workOrders.set('ghost', 1);
  const r = reconcile('x', raised('a'), new Set(), new Set(), l);
  assert.deepEqual([r.duplicated, r.orphans], [['a'], ['ghost']]);
});

test('fault reconcile - edge log lines give raised ids, reopened ones are not new escalations', () => {
  const log = [
    '{"level":30,"time":5,"incidentId":"s.m.1","msg":"alarm raised"}',
    '{"level":30,"time":6,"incidentId":"s.m.1","msg":"alarm reopened"}',
    'not json',
    '{"level":50,"time":7,"incidentId":"s.m.2","msg":"escalation could not be stored; the local action stands"}',
  ].join('\n');
  const r = raisedFromLog(log, 'e');
  assert.deepEqual(r.raised.map((x) => x.id), ['s.m.1']);
  assert.deepEqual([...r.notStored], ['s.m.2']);
});

test('fault reconcile - the proxy splits NATS client frames whole, however the bytes arrive', () => {
  const wire = Buffer.from('CONNECT {}\r\nPUB a.b _INBOX.1 5\r\nhello\r\nHPUB c.d 12 14\r\nNATS/1.0\r\n\r\nhi\r\nPING\r\n');
  for (const step of [1, 3, 7, wire.length]) {
    const frames: [string, string | undefined][] = [];
    const feed = natsFrames((f, subject) => frames.push([f.toString(), subject]));
    for (let i = 0; i < wire.length; i += step) feed(wire.subarray(i, i + step));
    assert.deepEqual(frames.map((f) => f[1]), [undefined, 'a.b', 'c.d', undefined]);
    assert.equal(frames.map((f) => f[0]).join(''), wire.toString());
  }
});
