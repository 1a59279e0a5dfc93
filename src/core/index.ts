// The shared vocabulary: message schemas, codecs, ports, ids, errors. Imports nothing of ours.
export * from './errors.ts';
export * from './result.ts';
export * from './counters.ts';
export * from './deadletter.ts';
export * from './logger.ts';
export * from './vocabulary.ts';
export * from './topics.ts';
export * from './schemas/index.ts';
export * from './codec.ts';
export * from './ports.ts';
export * from './ids.ts';
export * from './duration.ts';
export * from './prng.ts';
