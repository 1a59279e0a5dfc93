// Process configuration from the environment: which real services to use instead of the
// embedded defaults. Validated once at start, so a typo is a clear error, not a hang.
import { z } from 'zod';
import { ConfigError, describeIssues } from '../core/index.ts';

const url = (schemes: string[]) =>
  z.string().refine((s) => {
    try {
      return schemes.includes(new URL(s).protocol);
    } catch {
      return false;
    }
  }, `must be a URL with scheme ${schemes.join(' or ')}`);

export const Env = z.object({
  MQTT_URL: url(['mqtt:', 'mqtts:', 'tcp:', 'ws:']).optional().describe('site broker (Mosquitto); default: embedded aedes'),
  NATS_URL: url(['nats:', 'tls:']).optional().describe('cloud bus (NATS JetStream); default: in-process queue'),
  DATABASE_URL: url(['postgres:', 'postgresql:']).optional().describe('PostgreSQL; default: PGlite under PDM_DATA_DIR'),
  NATS_NAMESPACE: z.string().regex(/^[A-Za-z0-9_-]{1,32}$/, 'must be 1-32 of A-Z a-z 0-9 _ -').optional().describe('keeps this run\'s stream and subjects apart on a shared NATS server'),
  ENTERPRISE_URL: url(['http:', 'https:']).optional().describe('enterprise REST API, for `cloud` and `sim`'),
  ENTERPRISE_TOKEN: z.string().min(8).optional().describe('bearer token (role integration) the cloud and the plant floor present to the enterprise API; never logged'),
  ENTERPRISE_TOKENS: z.string().optional().describe('tokens the enterprise accepts, "role:token,..." (roles planner, viewer, integration); generated when unset'),
  DASHBOARD_TOKENS: z.string().optional().describe('who may sign in to the dashboard, "role:token,..." (roles viewer, planner); generated when unset; never logged'),
  DASHBOARD_TOKENS_FILE: z.string().optional().describe('a file with dashboard tokens in the DASHBOARD_TOKENS format (one a line), e.g. a container secret'),
  PDM_DATA_DIR: z.string().default('data').describe('where PGlite files and edge outboxes live'),
  PDM_MODEL_SIGNING_KEY_FILE: z.string().optional().describe('the cloud\'s Ed25519 key (PKCS#8 PEM) that signs edge-model releases; default: PDM_DATA_DIR/cloud/model-signing.pem, generated on first start'),
  PDM_MODEL_TRUST: z.string().optional().describe('a file with the public keys (SPKI PEM, one or more) whose signed edge-model releases this edge accepts; none = every release is refused'),
});
export type Env = z.infer<typeof Env>;

/** Reads and validates the environment; throws ConfigError naming the variable. */
export function readEnv(source: NodeJS.ProcessEnv = process.env): Env {
  const picked = Object.fromEntries(Object.keys(Env.shape).map((k) => [k, source[k] === '' ? undefined : source[k]]));
  const r = Env.safeParse(picked);
  if (!r.success) throw new ConfigError(`environment: ${describeIssues(r.error)}`);
  return r.data;
}
