// Child process for the outbox full-disk test: fills an outbox of OUTBOX_MAX_BYTES in OUTBOX_DIR
// with alarm entries, printing "stored <id>" once each put resolved (durable), then "full <error
// name>" when the outbox refuses, and waits to be SIGKILLed.
import { createOutbox } from '../../src/edge/outbox/index.ts';

const outbox = await createOutbox({ dir: process.env.OUTBOX_DIR!, maxBytes: Number(process.env.OUTBOX_MAX_BYTES) });
const payload = new Uint8Array(400).fill(7);
for (let i = 0; ; i++) {
  try {
    await outbox.put(`crash-${i}`, payload);
    process.stdout.write(`stored crash-${i}\n`);
  } catch (err) {
    process.stdout.write(`full ${(err as Error).name}\n`);
    break;
  }
}
setInterval(() => {}, 1000);
