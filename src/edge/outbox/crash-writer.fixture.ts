// Test fixture: puts entries in a loop and prints each id once put() has resolved, until killed.
// Used by outbox.test.ts, which SIGKILLs this process mid-write and checks what survived.
import { createOutbox } from './outbox.ts';

const dir = process.argv[2];
if (!dir) throw new Error('usage: crash-writer.fixture.ts <dir>');
const outbox = await createOutbox({ dir });
for (let i = 0; ; i++) {
  const payload = Buffer.alloc(48 * 1024, i % 251); // large enough that a kill often lands mid-write
  await outbox.put(`e-${i}`, payload);
  process.stdout.write(`e-${i}\n`);
}
