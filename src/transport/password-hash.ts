// Password hashing for broker users: scrypt (RFC 7914) from node:crypto, stored as
// `scrypt$N$r$p$salt$hash` (base64), so the parameters travel with the hash.
import { createHash, randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

// N = 2^14, r = 8, p = 1: the interactive-login parameters recommended in RFC 7914 §2 / OWASP
// (about 16 MiB and a few tens of ms per check), enough for broker CONNECTs.
const DEFAULT = { N: 16384, r: 8, p: 1 } as const;
const KEY_BYTES = 32;
const SALT_BYTES = 16;

function derive(password: string, salt: Buffer, opts: ScryptOptions, keyBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(password, salt, keyBytes, { ...opts, maxmem: 128 * (opts.N ?? 16384) * (opts.r ?? 8) * 2 }, (err, key) => (err ? reject(err) : resolve(key))),
  );
}

/** Hashes a password into `scrypt$N$r$p$salt$hash` for a broker user's `passwordHash`. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const key = await derive(password, salt, DEFAULT, KEY_BYTES);
  return `scrypt$${DEFAULT.N}$${DEFAULT.r}$${DEFAULT.p}$${salt.toString('base64')}$${key.toString('base64')}`;
}

/** True when `password` matches `stored` (from hashPassword); false for a malformed hash. Constant-time compare. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [N, r, p] = parts.slice(1, 4).map(Number) as [number, number, number];
  if (![N, r, p].every((x) => Number.isInteger(x) && x > 0) || N > 1 << 20) return false;
  const salt = Buffer.from(parts[4]!, 'base64');
  const expected = Buffer.from(parts[5]!, 'base64');
  if (expected.length === 0) return false;
  try {
    const key = await derive(password, salt, { N, r, p }, expected.length);
    return timingSafeEqual(key, expected);
  } catch {
    return false;
  }
}

/** Constant-time equality of two plain secrets (development `password` entries). */
export function secretsEqual(a: string, b: string): boolean {
  // Compare fixed-length digests so the time reveals neither the length nor where they differ.
  return timingSafeEqual(createHash('sha256').update(a).digest(), createHash('sha256').update(b).digest());
}
