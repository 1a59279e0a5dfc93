// Polling for a condition in tests that drive asynchronous parts (buses, agents, services): one
// definition, so a timeout always names what was awaited and how long it waited.

/** Resolves once `predicate` holds (polled every 5 ms); rejects after `timeoutMs` naming `what`. */
export async function waitUntil(predicate: () => boolean | Promise<boolean>, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}
