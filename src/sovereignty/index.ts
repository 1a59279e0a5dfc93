// Sovereignty: what may leave a site (policy), sealed with keys the plant holds (envelope + key
// service), where data may reside (jurisdiction), and a tamper-evident record of it all (audit).
// Serves edge/, cloud/, enterprise/ and dashboard/; imports only core/ and store/.
export * from './outcome.ts';
export * from './canonical-json.ts';
export * from './jurisdiction.ts';
export * from './policy/schema.ts';
export * from './policy/default-policy.ts';
export * from './policy/paths.ts';
export * from './policy/evaluate.ts';
export * from './policy/enforcer.ts';
export * from './envelope/schema.ts';
export * from './envelope/envelope.ts';
export { gcmEncrypt, gcmDecrypt } from './envelope/aes-gcm.ts';
export * from './audit/record.ts';
export * from './audit/signer.ts';
export * from './audit/migrations.ts';
export * from './audit/log.ts';
export * from './audit/verify.ts';
export * from './keys/migrations.ts';
export * from './keys/service.ts';
export * from './keys/http.ts';
export * from './keys/client.ts';
export * from './keys/server.ts';
export * from './keys/local.ts';
export * from './boundary.ts';
export * from './stored-evidence.ts';
