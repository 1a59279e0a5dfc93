// The plant's key service, an edge, the cloud and the enterprise as separate processes (our own
// nats-server; embedded MQTT broker and PGlite): the edge seals with its site's key over the key
// service's HTTP API, the cloud opens under its grant and decides. After the plant revokes the
// grant the cloud refuses both new evidence and evidence it was sent before, saying which site
// revoked it. Every process logs at debug level with real tokens set, and no token appears in any
// output. Also prints the bytes that left per machine-hour.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { decodeJson, EscalationAck, silentLogger, subjects } from '../../src/core/index.ts';
import { createJetStreamQueue, namespacedQueue } from '../../src/transport/index.ts';
import { createKeyServiceClient } from '../../src/sovereignty/index.ts';
import { printed, ProcessGroup, stop, waitFor, type Child } from '../support/processes.ts';
import { needOwnServices, startOwnNats } from '../support/own-services.ts';
import { leavesSite, notSealed, readWholeBus, statusTells } from '../support/sealed-bus.ts';

const SIM_HOURS = 40;
const secret = () => randomBytes(24).toString('hex');
const output = (c: Child) => c.out.join('') + c.err.join('');

test('e2e sovereignty processes - keys, edge, cloud apart: sealed over HTTP, decided; after revocation new and stored evidence refused by name; no token in any log', { timeout: 600_000, skip: needOwnServices('nats') }, async (t) => {
  const nats = await startOwnNats();
  const work = mkdtempSync(join(tmpdir(), 'edge-pdm-sov-proc-'));
  const group = new ProcessGroup();
  t.after(async () => {
    await group.killAll();
    await nats.close();
    rmSync(work, { recursive: true, force: true });
  });
  const run = randomBytes(3).toString('hex');
  const ns = `sovp${run}`;
  const prefix = `sp${run}`;
  const site = `${prefix}-a`;
  const tokens = { admin: secret(), edge: secret(), cloud: secret(), enterprise: secret() };
  const edgeTokenFile = join(work, 'edge.token');
  writeFileSync(edgeTokenFile, `${tokens.edge}\n`, { mode: 0o600 });
  const debug = { LOG_LEVEL: 'debug' };
  const bus = { NATS_URL: nats.url, NATS_NAMESPACE: ns };

  const keys = group.cli('keys', ['keys', 'serve', '--port', '0', '--data-dir', join(work, 'keys')], {
    ...debug, PDM_KEYS_ADMIN_TOKEN: tokens.admin, PDM_KEYS_EDGE_TOKEN: tokens.edge, PDM_KEYS_CLOUD_TOKEN: tokens.cloud,
  });
  const enterprise = group.cli('enterprise', ['enterprise', '--port', '0'], { ...debug, PDM_DATA_DIR: join(work, 'ent'), ENTERPRISE_TOKENS: `integration:${tokens.enterprise}` });
  const keyUrl = await waitFor('key service URL', () => {
    const line = printed(keys, '{"keyService"');
    return line === undefined ? undefined : (JSON.parse(`{"keyService"${line}`) as { keyService: string }).keyService;
  }, 90_000, group.children);
  const entUrl = await waitFor('enterprise URL', () => printed(enterprise, 'enterprise:'), 90_000, group.children);
  const admin = createKeyServiceClient({ url: keyUrl, token: tokens.admin });
  const grant = await admin.createGrant({ site, grantee: 'cloud', purpose: 'diagnosis', expiresAt: new Date(Date.now() + 3_600_000) });
  assert.ok(grant.ok, grant.ok ? '' : grant.reason);

  const cloud = group.cli('cloud', ['cloud', '--port', '0'], {
    ...debug, ...bus, PDM_DATA_DIR: join(work, 'cloud'), ENTERPRISE_URL: entUrl, ENTERPRISE_TOKEN: tokens.enterprise, KEY_SERVICE_URL: keyUrl, KEY_SERVICE_TOKEN: tokens.cloud,
  });
  await waitFor('cloud dashboard', () => printed(cloud, 'dashboard:'), 90_000, group.children);
  const edge = group.cli('edge', ['edge', '--site', site], { ...debug, ...bus, PDM_DATA_DIR: join(work, 'edge'), KEY_SERVICE_URL: keyUrl, KEY_SERVICE_TOKEN_FILE: edgeTokenFile });
  const mqttUrl = await waitFor('edge broker', () => printed(edge, 'mqtt:'), 90_000, group.children);
  await waitFor('edge ready', () => printed(edge, `edge ${site}: ready`), 90_000, group.children);
  assert.match(edge.err.join(''), /sealing with the site's key at http/);

  // The acks the cloud sends back, as the edge receives them.
  const q = await createJetStreamQueue({ url: nats.url, logger: silentLogger(), stream: `PDM_${ns}`, subjects: [`${ns}.pdm.>`] });
  const acks: EscalationAck[] = [];
  const ackSub = await namespacedQueue(q, ns).consume(subjects.ack(site), 'test-acks', async (m) => {
    const r = decodeJson(EscalationAck, m.data);
    if (r.ok) acks.push(r.value);
    return 'ack';
  });
  const simulate = async (machine: string) => {
    const sim = group.cli(`sim ${machine}`, ['sim', '--machines', '6', '--site-prefix', prefix, '--only', machine, '--speed', '20000', '--duration', `${SIM_HOURS}h`, '--fault', `${machine}:bearing-outer-race:8h:36h`], {
      ...debug, MQTT_URL: mqttUrl, ENTERPRISE_URL: entUrl, ENTERPRISE_TOKEN: tokens.enterprise, PDM_DATA_DIR: join(work, 'sim'),
    });
    await waitFor(`sim ${machine} to finish`, () => (sim.proc.exitCode === 0 ? true : undefined), 240_000, group.children);
    return sim;
  };
  try {
    // 1. Sealed through the key service and decided.
    const sim1 = await simulate('pump-001');
    const decided = await waitFor('a decided ack', () => acks.find((a) => a.outcome === 'decided'), 90_000, group.children);
    assert.match(decided.escalationId, /pump-001/);

    // 2. The plant revokes the grant. New evidence (another machine's fault) is refused by name...
    const revoked = await admin.revokeGrant(grant.ok ? grant.value.id : '');
    assert.ok(revoked.ok);
    const sim2 = await simulate('pump-006');
    const refusedNew = await waitFor('the refusal of new evidence', () => acks.find((a) => a.outcome === 'rejected' && a.escalationId.includes('pump-006')), 90_000, group.children);
    const sentence = new RegExp(`^grant-revoked: site ${site} revoked the cloud's grant at \\S+: evidence from ${site} cannot be decrypted$`);
    assert.match(refusedNew.detail ?? '', sentence);
    // ...and so is evidence the cloud was sent before the revocation, delivered again.
    const before = (await readWholeBus(nats.url, ns)).find((m) => m.subject === subjects.escalation(site) && Buffer.from(m.data).toString('utf8').includes(decided.escalationId));
    assert.ok(before, 'the first escalation is on the bus');
    const rejectedBefore = acks.filter((a) => a.outcome === 'rejected').length;
    await namespacedQueue(q, ns).publish(subjects.escalation(site), before.data);
    const refusedStored = await waitFor('the refusal of stored evidence', () => acks.filter((a) => a.outcome === 'rejected').slice(rejectedBefore).find((a) => a.escalationId === decided.escalationId), 60_000, group.children);
    assert.match(refusedStored.detail ?? '', sentence);
    await waitFor('the cloud to log the revocation', () => (/revoked the cloud's grant/.test(output(cloud)) ? true : undefined), 30_000, group.children);

    // 3. Everything that left the site was sealed; no status readable.
    const all = await readWholeBus(nats.url, ns);
    const leaving = all.filter(leavesSite);
    assert.ok(leaving.some((m) => m.subject === subjects.status(site)), 'statuses crossed');
    assert.deepEqual(leaving.map(notSealed).filter(Boolean).slice(0, 5), []);
    for (const m of leaving.filter((x) => x.subject === subjects.status(site))) {
      for (const tell of statusTells(['pump-001', 'pump-006'])) assert.ok(!Buffer.from(m.data).toString('utf8').includes(tell), `${tell} readable on the bus`);
    }
    // Less the one message this test published again.
    const sent = leaving.reduce((s, m) => s + m.data.byteLength, 0) - before.data.byteLength;
    process.stdout.write(`# separate processes: ${leaving.length} sealed messages, ${(sent / (2 * SIM_HOURS)).toFixed(0)} B per machine-hour (2 machines × ${SIM_HOURS} h)\n`);

    await ackSub.stop();
    await q.close();
    for (const c of [sim1, sim2, edge, cloud, enterprise, keys]) {
      const code = await stop(c);
      assert.equal(code, 0, `${c.name} stopped with ${code}: ${c.err.join('').slice(-1500)}`);
    }
  } finally {
    await group.killAll();
  }
  // 4. Secrets never in logs: every line every process printed, at debug level.
  const logs = group.children.map((c) => ({ name: c.name, text: output(c) }));
  assert.ok(logs.reduce((s, l) => s + l.text.length, 0) > 2000, 'the processes logged something to search');
  for (const [name, token] of Object.entries(tokens)) {
    for (const l of logs) assert.ok(!l.text.includes(token), `the ${name} token appears in the output of ${l.name}`);
  }
});
