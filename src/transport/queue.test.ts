import { queueContract } from './queue.contract.ts';
import { createMemoryQueue } from './memory-queue.ts';

queueContract('memory', async () => {
  const q = createMemoryQueue({ ackWaitMs: 800 });
  return { q, close: () => q.close() };
}, { ackWaitMs: 800 });
