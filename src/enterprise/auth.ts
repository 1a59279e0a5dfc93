// Bearer-token roles of the REST API. viewer reads; integration is the cloud and the plant floor
// (maintenance requests, plant registration and sync); planner takes manual ERP/MES actions.
// Tokens come from configuration or ENTERPRISE_TOKENS ("role:token,role:token"); they are never
// logged, and are compared by SHA-256 digest in constant time.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { ConfigError } from '../core/index.ts';

export const Role = z.enum(['planner', 'viewer', 'integration']);
export type Role = z.infer<typeof Role>;

/** Every role may read. */
export const READ_ROLES: Role[] = ['viewer', 'planner', 'integration'];

export interface ApiToken {
  token: string;
  role: Role;
}

/** Parses "role:token,role:token" (ENTERPRISE_TOKENS); a malformed entry is a ConfigError that names the entry's position, never the token. */
export function parseTokens(spec: string): ApiToken[] {
  return spec.split(',').map((s) => s.trim()).filter(Boolean).map((entry, i) => {
    const at = entry.indexOf(':');
    const role = Role.safeParse(entry.slice(0, at));
    const token = entry.slice(at + 1);
    if (at < 1 || !role.success || token.length < 8) {
      throw new ConfigError(`ENTERPRISE_TOKENS entry ${i + 1} must be "<planner|viewer|integration>:<token of at least 8 characters>"`);
    }
    return { token, role: role.data };
  });
}

/** One random token per role, for an in-process demo with nothing configured. */
export function generateTokens(): ApiToken[] {
  return Role.options.map((role) => ({ role, token: randomBytes(24).toString('base64url') }));
}

const digest = (s: string) => createHash('sha256').update(s).digest();

/** Returns a lookup from an Authorization header to the caller's role (null: unknown or missing). */
export function createTokenLookup(tokens: ApiToken[]): (authorization: string | undefined) => Role | null {
  const known = tokens.map((t) => ({ d: digest(t.token), role: t.role }));
  return (authorization) => {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
    if (!m) return null;
    const d = digest(m[1]!);
    let role: Role | null = null;
    for (const k of known) if (timingSafeEqual(k.d, d)) role = k.role; // no early exit: constant work
    return role;
  };
}
