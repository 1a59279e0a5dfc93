// Rollout over the cloud link: one signed release per site on subjects.model(site).
import { subjects, type WorkQueue } from '../../core/index.ts';
import { ModelRelease } from '../../core/index.ts';

/** Validates and publishes a release to one site; resolves once the queue stored it durably. */
export async function publishRelease(queue: WorkQueue, site: string, release: ModelRelease): Promise<void> {
  const checked = ModelRelease.parse(release); // a malformed release is our bug: fail here, not at every edge
  await queue.publish(subjects.model(site), new TextEncoder().encode(JSON.stringify(checked)));
}
