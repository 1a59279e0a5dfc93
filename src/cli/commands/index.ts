import type { Command } from './command.ts';
import { demo } from './demo.ts';
import { cloud, edge, enterprise, sim } from './services.ts';
import { detect } from './detect.ts';
import { replay } from './replay.ts';
import { diagnose } from './diagnose.ts';
import { policy } from './policy.ts';
import { audit } from './audit.ts';
import { keys } from './keys.ts';
import { evaluate } from './eval.ts';

export const COMMANDS: Record<string, Command> = { demo, sim, edge, cloud, enterprise, detect, replay, diagnose, eval: evaluate, policy, audit, keys };

/** The top-level help text. */
export function usage(): string {
  const w = Math.max(...Object.keys(COMMANDS).map((k) => k.length));
  return `usage: edge-pdm <command> [options]   (edge-pdm <command> --help for its options)

${Object.entries(COMMANDS).map(([k, c]) => `  ${k.padEnd(w)}  ${c.summary}`).join('\n')}

Environment: MQTT_URL (Mosquitto), NATS_URL (NATS JetStream), DATABASE_URL (PostgreSQL),
ENTERPRISE_URL, PDM_DATA_DIR (default ./data), LOG_LEVEL (default info); key service:
PDM_KEYS_URL, PDM_KEYS_TOKEN, PDM_KEYS_ADMIN_TOKEN, PDM_KEYS_EDGE_TOKEN, PDM_KEYS_CLOUD_TOKEN,
PDM_KEYS_MASTER_KEY.
`;
}
