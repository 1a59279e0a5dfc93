// The durable outbox: escalations wait here until the cloud's application ack.
export { createOutbox, OutboxConfig, type Outbox, type OutboxEntry } from './outbox.ts';
export { crc32 } from './record.ts';
