// The edge's end of the rollout: consumes releases on subjects.model(site) and offers each to the
// slot of its machine type. Every release is acked, accepted or not: a rejected release (bad
// signature, replayed version) would be rejected again on every redelivery.
import { decodeJson, subjects, type WorkQueue } from '../../core/index.ts';
import type { ModelSlot } from './model-slot.ts';
import { ModelRelease } from './release-contract.ts';

/** What became of one release message. */
export type ReleaseOutcome = { ok: true; machineType: string; name: string; version: number } | { ok: false; reason: string };

/** Consumes this site's releases as durable consumer `models-{site}`; returns a stop handle. */
export async function consumeModelReleases(
  queue: WorkQueue,
  site: string,
  slotFor: (machineType: string) => ModelSlot | undefined,
  onOutcome: (o: ReleaseOutcome) => void = () => {},
): Promise<{ stop(): Promise<void> }> {
  return queue.consume(subjects.model(site), `models-${site}`, async (m) => {
    const parsed = decodeJson(ModelRelease, m.data);
    if (!parsed.ok) {
      onOutcome({ ok: false, reason: `release rejected: ${parsed.reason}` });
      return 'ack';
    }
    const type = parsed.value.manifest.machineType;
    const slot = slotFor(type);
    if (!slot) {
      onOutcome({ ok: false, reason: `release for ${type}: no machine of that type at site ${site}` });
      return 'ack';
    }
    const r = await slot.offer(parsed.value);
    onOutcome(r.ok ? { ok: true, machineType: type, ...r.value } : { ok: false, reason: r.reason });
    return 'ack';
  });
}
