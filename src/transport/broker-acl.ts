// Who may publish and subscribe where on the site broker: pure functions over the UNS topic tree
// (`pdm/{site}/{line}/{machine}/{kind}`, ground truth under `truth/`), shared by the embedded
// broker's aedes hooks and mirrored by config/mosquitto/acl for Mosquitto.
import { z } from 'zod';
import { mqttTopicMatches } from './mqtt-topic.ts';

/** Roles a broker user can have. */
export const BROKER_ROLES = ['edge', 'machine', 'simulator', 'evaluator', 'admin'] as const;
export type BrokerRole = (typeof BROKER_ROLES)[number];

const segment = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'letters, digits, - and _ only');

/** One broker user; `password` (plain, for tests and development) or `passwordHash` (from hashPassword). */
export const brokerUserSchema = z
  .object({
    username: z.string().min(1).max(128).describe('MQTT CONNECT username'),
    password: z.string().min(1).optional().describe('plain password (development only; prefer passwordHash)'),
    passwordHash: z.string().startsWith('scrypt$').optional().describe('scrypt$N$r$p$salt$hash from hashPassword()'),
    role: z.enum(BROKER_ROLES).describe('edge: its site tree; machine: its own telemetry/birth; simulator: a site\'s machines and truth/; evaluator: reads truth/#; admin: everything'),
    site: segment.optional().describe('the site this user belongs to (required for edge and machine)'),
    machines: z.array(z.string().regex(/^[A-Za-z0-9_-]{1,64}\/[A-Za-z0-9_-]{1,64}$/, 'line/machine')).optional()
      .describe('machine role: the `line/machine` pairs it may speak for; absent = every machine of its site'),
  })
  .refine((u) => (u.password === undefined) !== (u.passwordHash === undefined), 'give exactly one of password or passwordHash')
  .refine((u) => !(u.role === 'edge' || u.role === 'machine') || u.site !== undefined, 'edge and machine users need a site');
export type BrokerUser = z.infer<typeof brokerUserSchema>;

/** Topic filters a user may publish to and subscribe to. */
export interface TopicGrants {
  publish: string[];
  subscribe: string[];
}

/** The MQTT patterns a user is granted; each publish topic must match one, each subscription must lie inside one. */
export function grantsFor(user: Pick<BrokerUser, 'role' | 'site' | 'machines'>): TopicGrants {
  const site = user.site ?? '+';
  switch (user.role) {
    case 'admin':
      return { publish: ['#'], subscribe: ['#'] };
    case 'edge':
      // The edge agent reads telemetry/birth and writes command/alarm/quality in its own site tree.
      return { publish: [`pdm/${site}/#`], subscribe: [`pdm/${site}/#`] };
    case 'evaluator':
      return { publish: [], subscribe: ['truth/#'] };
    case 'simulator':
      // Acts for every machine of its site (or of all sites without one) and publishes the labels.
      return {
        publish: [`pdm/${site}/+/+/telemetry`, `pdm/${site}/+/+/birth`, `truth/${site}/#`],
        subscribe: [`pdm/${site}/+/+/command`],
      };
    case 'machine': {
      const machines = user.machines ?? ['+/+'];
      return {
        publish: machines.flatMap((m) => [`pdm/${site}/${m}/telemetry`, `pdm/${site}/${m}/birth`]),
        subscribe: machines.map((m) => `pdm/${site}/${m}/command`),
      };
    }
  }
}

/** True when `user` may publish to the concrete topic `topic`. */
export function mayPublish(grants: TopicGrants, topic: string): boolean {
  return grants.publish.some((g) => mqttTopicMatches(g, topic));
}

/** True when `user` may subscribe to `filter`: every topic the filter can match lies inside one grant. */
export function maySubscribe(grants: TopicGrants, filter: string): boolean {
  return grants.subscribe.some((g) => filterWithin(filter, g));
}

/**
 * True when every topic matched by `filter` is also matched by `outer` (MQTT 3.1.1 §4.7 wildcard
 * rules): `#` in `outer` covers the rest, `+` covers one level (also a `+` in `filter`), a literal
 * covers only itself.
 */
export function filterWithin(filter: string, outer: string): boolean {
  const f = filter.split('/');
  const o = outer.split('/');
  for (let i = 0; i < o.length; i++) {
    const og = o[i]!;
    if (og === '#') return true; // covers this level and below (and the parent: `a/#` matches `a`)
    if (i >= f.length) return false;
    const fg = f[i]!;
    if (fg === '#') return false; // filter reaches deeper than `outer` allows
    if (og === '+') continue;
    if (fg !== og) return false; // includes fg === '+' against a literal
  }
  return f.length === o.length;
}
