// Signs a test client in to a dashboard through its one-time login link.
import type { Dashboard } from './server.ts';
import type { DashboardRole } from './auth.ts';

/** The Cookie header of a fresh session (follows the one-time link, keeps the cookie it sets). */
export async function signIn(dash: Dashboard, role: DashboardRole = 'viewer'): Promise<string> {
  const res = await fetch(dash.loginUrl(role), { redirect: 'manual' });
  const set = res.headers.get('set-cookie');
  if (res.status !== 303 || !set) throw new Error(`login link answered ${res.status}`);
  return set.split(';')[0]!;
}

const cookies = new WeakMap<Dashboard, Promise<string>>();

/** fetch(`path` on `dash`) as a signed-in viewer (one session per dashboard). */
export async function fetchAs(dash: Dashboard, path: string, init: RequestInit = {}): Promise<Response> {
  if (!cookies.has(dash)) cookies.set(dash, signIn(dash));
  const cookie = await cookies.get(dash)!;
  return fetch(new URL(path, dash.url), { ...init, headers: { ...(init.headers as Record<string, string> | undefined), cookie } });
}
