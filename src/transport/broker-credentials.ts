// Where broker users and TLS material come from: a users file (JSON or YAML) for the embedded
// broker, PEM files for TLS, or, for the one-process demo, generated per-role credentials so
// authentication can be on by default without anyone choosing passwords.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { ConfigError } from '../core/errors.ts';
import { brokerUserSchema, type BrokerUser } from './broker-acl.ts';

const usersFileSchema = z.object({ users: z.array(brokerUserSchema).min(1) });

/** Reads `{ users: [...] }` from a JSON or YAML file; ConfigError naming the file and the problem (never a password). */
export function loadBrokerUsers(path: string): BrokerUser[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigError(`broker users file ${path}: cannot read it (${(err as NodeJS.ErrnoException).code ?? 'error'})`, { cause: err });
  }
  let raw: unknown;
  try {
    raw = /\.json$/i.test(path) ? JSON.parse(text) : parseYaml(text);
  } catch (err) {
    throw new ConfigError(`broker users file ${path}: not valid ${/\.json$/i.test(path) ? 'JSON' : 'YAML'}`, { cause: err });
  }
  const r = usersFileSchema.safeParse(raw);
  if (!r.success) {
    // Paths and messages only: zod issues never echo the offending value here.
    const issues = r.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    throw new ConfigError(`broker users file ${path}: ${issues}`);
  }
  const names = new Set<string>();
  for (const u of r.data.users) {
    if (names.has(u.username)) throw new ConfigError(`broker users file ${path}: user ${u.username} is listed twice`);
    names.add(u.username);
  }
  return r.data.users;
}

/** MQTT login of one client. */
export interface BrokerLogin {
  username: string;
  password: string;
}

/** Generated users for an in-process demo and the login each component should use. */
export interface GeneratedBrokerUsers {
  users: BrokerUser[];
  /** Login of a site's edge agent. */
  edge(site: string): BrokerLogin;
  /** Login of the simulator acting for a site's machines (and publishing its ground truth); without a site, for every site. */
  simulator(site?: string): BrokerLogin;
  /** Login of the evaluator (reads truth/#). */
  evaluator(): BrokerLogin;
}

/** Random per-role passwords (128 bit) for the given sites; they live only in this process's memory. */
export function generateBrokerUsers(sites: string[]): GeneratedBrokerUsers {
  const secret = () => randomBytes(16).toString('base64url');
  const users: BrokerUser[] = [];
  const logins = new Map<string, BrokerLogin>();
  const add = (username: string, u: Omit<BrokerUser, 'username' | 'password'>) => {
    const password = secret();
    users.push({ username, password, ...u });
    logins.set(username, { username, password });
  };
  for (const site of new Set(sites)) {
    add(`edge-${site}`, { role: 'edge', site });
    add(`sim-${site}`, { role: 'simulator', site });
  }
  add('simulator', { role: 'simulator' }); // one connection for the whole simulated plant
  add('evaluator', { role: 'evaluator' });
  const get = (name: string) => {
    const l = logins.get(name);
    if (!l) throw new ConfigError(`no generated broker user ${name} (sites: ${sites.join(', ')})`);
    return l;
  };
  return { users, edge: (s) => get(`edge-${s}`), simulator: (s) => get(s === undefined ? 'simulator' : `sim-${s}`), evaluator: () => get('evaluator') };
}

/** PEM contents of the given files (undefined entries stay undefined); ConfigError naming a missing file. */
export function readPemFiles<K extends string>(files: Partial<Record<K, string>>): Partial<Record<K, Buffer>> {
  const out: Partial<Record<K, Buffer>> = {};
  for (const [k, path] of Object.entries(files) as [K, string | undefined][]) {
    if (path === undefined) continue;
    try {
      out[k] = readFileSync(path);
    } catch (err) {
      throw new ConfigError(`TLS ${k} file ${path}: cannot read it (${(err as NodeJS.ErrnoException).code ?? 'error'})`, { cause: err });
    }
  }
  return out;
}
