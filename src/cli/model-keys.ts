// Key files of the edge-model rollout: the cloud's signing key (a PKCS#8 PEM, generated on first
// start when none is configured, mode 0600) with its public half beside it, and an edge's trusted
// public keys. Key material is never logged: only key ids and file paths are.
import { createPublicKey, randomUUID, type KeyObject } from 'node:crypto';
import { link, mkdir, readFile, unlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { ConfigError, type Logger } from '../core/index.ts';
import { generateSigningKey, keyIdOf, signingKeyFromPem, type SigningKey } from '../cloud/index.ts';
import type { Env } from './env.ts';

/** The cloud's model signing key: PDM_MODEL_SIGNING_KEY_FILE, else PDM_DATA_DIR/cloud/model-signing.pem (created when missing). */
export async function loadModelSigningKey(env: Env, logger: Logger): Promise<SigningKey> {
  const configured = env.PDM_MODEL_SIGNING_KEY_FILE;
  const path = configured ?? join(env.PDM_DATA_DIR, 'cloud', 'model-signing.pem');
  let pem: string | undefined;
  try {
    pem = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT' || configured) throw new ConfigError(`model signing key ${path}: ${(err as Error).message}`);
  }
  if (pem !== undefined) {
    try {
      const key = signingKeyFromPem(pem);
      logger.info({ keyId: key.keyId, file: path }, 'model signing key loaded');
      return key;
    } catch (err) {
      throw new ConfigError(`model signing key ${path}: not an Ed25519 private key (${(err as Error).message})`);
    }
  }
  const key = generateSigningKey();
  await mkdir(dirname(path), { recursive: true });
  // Several cloud workers started together on one data directory race to create the key: write
  // it whole to a private temporary file, then link it into place (atomic, and refused when the
  // file exists). The loser reads the winner's complete key instead of failing or seeing half a file.
  const tmp = `${path}.${process.pid}.${randomUUID()}.tmp`;
  await writeFile(tmp, key.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), { mode: 0o600 });
  try {
    await link(tmp, path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    return loadModelSigningKey(env, logger);
  } finally {
    await unlink(tmp).catch(() => undefined);
  }
  const pub = path.replace(/\.pem$/, '') + '.pub.pem';
  await writeFile(pub, key.publicKeyPem);
  logger.info({ keyId: key.keyId, file: path, publicKeyFile: pub }, 'model signing key generated; give the public key file to the edges (PDM_MODEL_TRUST)');
  return key;
}

/** Every public key in a PEM text, by key id (several keys let an edge trust the next key before a rotation). */
export function parseTrustedKeys(pemText: string, source = 'PDM_MODEL_TRUST'): Record<string, KeyObject> {
  const blocks = pemText.match(/-----BEGIN PUBLIC KEY-----[\s\S]+?-----END PUBLIC KEY-----/g) ?? [];
  if (blocks.length === 0) throw new ConfigError(`${source}: no "BEGIN PUBLIC KEY" block`);
  const keys: Record<string, KeyObject> = {};
  for (const b of blocks) {
    let k: KeyObject;
    try {
      k = createPublicKey(b);
    } catch (err) {
      throw new ConfigError(`${source}: a public key does not parse (${(err as Error).message})`);
    }
    if (k.asymmetricKeyType !== 'ed25519') throw new ConfigError(`${source}: model keys must be ed25519, got ${k.asymmetricKeyType}`);
    keys[keyIdOf(k)] = k;
  }
  return keys;
}

/** The edge's trusted model keys from PDM_MODEL_TRUST (a file), or undefined when unset (every release is then refused). */
export async function loadTrustedModelKeys(env: Env, logger: Logger): Promise<Record<string, KeyObject> | undefined> {
  if (!env.PDM_MODEL_TRUST) {
    logger.warn('PDM_MODEL_TRUST is not set: edge-model releases from the cloud will be refused (the shipped models run)');
    return undefined;
  }
  let text: string;
  try {
    text = await readFile(env.PDM_MODEL_TRUST, 'utf8');
  } catch (err) {
    throw new ConfigError(`PDM_MODEL_TRUST ${env.PDM_MODEL_TRUST}: ${(err as Error).message}`);
  }
  const keys = parseTrustedKeys(text);
  logger.info({ keyIds: Object.keys(keys) }, 'trusted model keys loaded');
  return keys;
}
