import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, createServer, type TLSSocket } from 'node:tls';

const SCRIPT = new URL('../../scripts/dev-ca.sh', import.meta.url).pathname;
const hasOpenssl = spawnSync('openssl', ['version']).status === 0;
const run = (cmd: string, args: string[]) => spawnSync(cmd, args, { encoding: 'utf8' });

test('dev-ca - creates a CA whose server and client certificates verify for their purposes', { skip: !hasOpenssl && 'openssl not installed' }, (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'dev-ca-'));
  const other = mkdtempSync(join(tmpdir(), 'dev-ca-other-'));
  t.after(() => {
    rmSync(dir, { recursive: true, force: true });
    rmSync(other, { recursive: true, force: true });
  });
  const r = run('bash', [SCRIPT, dir, 'broker.local']);
  assert.equal(r.status, 0, r.stderr);
  const verify = (purpose: string, cert: string, ca = join(dir, 'ca.crt')) => run('openssl', ['verify', '-CAfile', ca, '-purpose', purpose, join(dir, cert)]);
  assert.equal(verify('sslserver', 'server.crt').status, 0);
  assert.equal(verify('sslclient', 'client.crt').status, 0);
  assert.notEqual(verify('sslserver', 'client.crt').status, 0, 'a client certificate is not a server certificate');
  assert.match(run('openssl', ['x509', '-in', join(dir, 'server.crt'), '-noout', '-ext', 'subjectAltName']).stdout, /DNS:localhost.*IP Address:127\.0\.0\.1.*DNS:broker\.local/s);
  // A second CA does not vouch for the first one's certificates.
  assert.equal(run('bash', [SCRIPT, other]).status, 0);
  assert.notEqual(verify('sslserver', 'server.crt', join(other, 'ca.crt')).status, 0);
});

test('dev-ca - the certificates carry a mutual-TLS handshake on localhost', { skip: !hasOpenssl && 'openssl not installed' }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'dev-ca-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  assert.equal(run('bash', [SCRIPT, dir]).status, 0);
  const f = (n: string) => readFileSync(join(dir, n));
  const server = createServer({ key: f('server.key'), cert: f('server.crt'), ca: f('ca.crt'), requestCert: true, rejectUnauthorized: true }, (s: TLSSocket) => {
    s.end(`hello ${s.getPeerCertificate().subject.CN}`);
  });
  await new Promise<void>((res) => server.listen(0, '127.0.0.1', res));
  t.after(() => server.close());
  const port = (server.address() as { port: number }).port;
  const reply = await new Promise<string>((resolve, reject) => {
    const c = connect({ host: '127.0.0.1', port, servername: 'localhost', ca: f('ca.crt'), key: f('client.key'), cert: f('client.crt') }, () => {
      let data = '';
      c.on('data', (d) => (data += d)).on('end', () => resolve(data));
    });
    c.on('error', reject);
  });
  assert.equal(reply, 'hello edge-pdm-client');
});
