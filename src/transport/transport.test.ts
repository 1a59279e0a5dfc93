import { transportContract } from './transport.contract.ts';
import { createMemoryBroker } from './memory-transport.ts';

transportContract('memory', async () => {
  const broker = createMemoryBroker();
  const a = broker.connect();
  const b = broker.connect();
  return { a, b, close: async () => { await a.close(); await b.close(); } };
});
