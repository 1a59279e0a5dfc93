// The durable outbox (LMDB): escalations wait here until the cloud's application ack.
export { createOutbox, OutboxConfig, type Outbox, type OutboxEntry, type OutboxStats, type OutboxDrop, type OutboxHooks, type Backoff } from './outbox.ts';
export { OUTBOX_CLASSES, DROP_REASONS, type OutboxClass, type DropReason } from './entry.ts';
export { crc32 } from './record.ts';
