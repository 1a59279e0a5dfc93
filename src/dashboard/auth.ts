// Who may look at the dashboard: bearer tokens with a role (from DASHBOARD_TOKENS or a file, the
// CLI reads them), exchanged once for a session cookie (HttpOnly, SameSite=Strict), or a one-time
// login link the demo prints so a new user gets in with one click. Tokens, codes and session ids
// are compared by SHA-256 digest and never logged.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { ConfigError } from '../core/index.ts';

/** viewer reads everything; planner may also act (the dashboard has no actions yet, so both read). */
export const DashboardRole = z.enum(['viewer', 'planner']);
export type DashboardRole = z.infer<typeof DashboardRole>;

export interface DashboardToken {
  token: string;
  role: DashboardRole;
}

/** Name of the session cookie. */
export const SESSION_COOKIE = 'pdm_session';

/** A session lasts this long after login (ms): a working day and a half, then log in again. */
export const SESSION_TTL_MS = 12 * 3_600_000;

/** A one-time login link is good for this long (ms); the demo prints it at start. */
export const LOGIN_CODE_TTL_MS = 24 * 3_600_000;

/** Sessions kept at most; the oldest is dropped beyond (only valid logins create one). */
const MAX_SESSIONS = 10_000;

/** Shortest token accepted (characters): a guessable token is a configuration error. */
const MIN_TOKEN_CHARS = 16;

/** Parses "role:token,role:token" (commas or newlines); a bad entry is a ConfigError naming its position, never the token. */
export function parseDashboardTokens(spec: string, what = 'DASHBOARD_TOKENS'): DashboardToken[] {
  return spec.split(/[,\n]/).map((s) => s.trim()).filter((s) => s && !s.startsWith('#')).map((entry, i) => {
    const at = entry.indexOf(':');
    const role = DashboardRole.safeParse(entry.slice(0, at));
    const token = entry.slice(at + 1).trim();
    if (at < 1 || !role.success || token.length < MIN_TOKEN_CHARS || /\s/.test(token)) {
      throw new ConfigError(`${what} entry ${i + 1} must be "<viewer|planner>:<token of at least ${MIN_TOKEN_CHARS} characters, no spaces>"`);
    }
    return { token, role: role.data };
  });
}

/** Tokens from DASHBOARD_TOKENS and/or the file DASHBOARD_TOKENS_FILE names (e.g. a container secret); empty when neither is set. */
export function readDashboardTokens(src: { spec?: string | undefined; file?: string | undefined }): DashboardToken[] {
  const out: DashboardToken[] = [];
  if (src.spec) out.push(...parseDashboardTokens(src.spec));
  if (src.file) {
    let text: string;
    try {
      text = readFileSync(src.file, 'utf8');
    } catch (err) {
      throw new ConfigError(`DASHBOARD_TOKENS_FILE: cannot read ${src.file} (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
    }
    out.push(...parseDashboardTokens(text, 'DASHBOARD_TOKENS_FILE'));
  }
  return out;
}

/** One random token per role, for a dashboard started with none configured. */
export function generateDashboardTokens(): DashboardToken[] {
  return DashboardRole.options.map((role) => ({ role, token: randomBytes(24).toString('base64url') }));
}

const digest = (s: string) => createHash('sha256').update(s).digest();
const key = (s: string) => digest(s).toString('hex');

/** A logged-in browser. */
export interface Session {
  role: DashboardRole;
  expiresAtMs: number;
}

/** Tokens, one-time login codes and the sessions they open. */
export class SessionStore {
  private readonly tokens: { d: Buffer; role: DashboardRole }[];
  // Keyed by the digest of the secret, so a heap dump does not hand out live sessions.
  private readonly sessions = new Map<string, Session>();
  private readonly codes = new Map<string, { role: DashboardRole; expiresAtMs: number }>();

  constructor(tokens: DashboardToken[], private readonly now: () => number = Date.now, private readonly ttlMs = SESSION_TTL_MS) {
    if (tokens.length === 0) throw new ConfigError('dashboard: at least one token is needed (DASHBOARD_TOKENS)');
    this.tokens = tokens.map((t) => ({ d: digest(t.token), role: t.role }));
  }

  /** The role of `token`, or null; constant work whatever matches. */
  roleOf(token: string): DashboardRole | null {
    const d = digest(token);
    let role: DashboardRole | null = null;
    for (const k of this.tokens) if (timingSafeEqual(k.d, d) && role !== 'planner') role = k.role;
    return role;
  }

  /** Opens a session for `role`; returns its id (the cookie value). */
  open(role: DashboardRole): string {
    const id = randomBytes(32).toString('base64url');
    if (this.sessions.size >= MAX_SESSIONS) this.sessions.delete(this.sessions.keys().next().value!);
    this.sessions.set(key(id), { role, expiresAtMs: this.now() + this.ttlMs });
    return id;
  }

  /** The live session of a cookie value, or null (unknown or expired). */
  get(id: string | undefined): Session | null {
    if (!id) return null;
    const k = key(id);
    const s = this.sessions.get(k);
    if (!s) return null;
    if (s.expiresAtMs <= this.now()) {
      this.sessions.delete(k);
      return null;
    }
    return s;
  }

  /** Ends a session (logout). */
  close(id: string | undefined): void {
    if (id) this.sessions.delete(key(id));
  }

  /** A code that opens one session for `role`, once, within LOGIN_CODE_TTL_MS. */
  loginCode(role: DashboardRole = 'viewer', ttlMs = LOGIN_CODE_TTL_MS): string {
    const code = randomBytes(24).toString('base64url');
    this.codes.set(key(code), { role, expiresAtMs: this.now() + ttlMs });
    return code;
  }

  /** Spends a one-time code: its role, or null when unknown, used or expired. */
  redeem(code: string): DashboardRole | null {
    const k = key(code);
    const c = this.codes.get(k);
    if (!c) return null;
    this.codes.delete(k);
    return c.expiresAtMs > this.now() ? c.role : null;
  }
}

/** The value of cookie `name` in a Cookie header (RFC 6265 §5.4), or undefined. */
export function cookieValue(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/** Set-Cookie for a session: HttpOnly (no script reads it), SameSite=Strict (no cross-site request carries it). */
export function sessionCookie(id: string, maxAgeMs: number, secure: boolean): string {
  return `${SESSION_COOKIE}=${id}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${Math.floor(maxAgeMs / 1000)}${secure ? '; Secure' : ''}`;
}

/** Set-Cookie that removes the session cookie. */
export function clearedCookie(secure: boolean): string {
  return `${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0${secure ? '; Secure' : ''}`;
}
