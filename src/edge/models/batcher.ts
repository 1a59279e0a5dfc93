// Coalesces single-row requests made in the same event-loop turn into one batched call: the agent
// scores each machine's window as it arrives (one await per window), yet onnxruntime sees one
// session.run per burst of windows instead of one per window (a run has a fixed cost of tens of µs).
/** Batches `run` over items submitted before the next macrotask (or until maxBatch items are waiting). */
export function createBatcher<I, O>(run: (items: I[]) => Promise<O[]>, opts: { maxBatch?: number } = {}): (item: I) => Promise<O> {
  const maxBatch = opts.maxBatch ?? 64;
  let pending: { item: I; resolve: (o: O) => void; reject: (e: unknown) => void }[] = [];
  let scheduled = false;

  const flush = () => {
    scheduled = false;
    while (pending.length > 0) {
      const batch = pending.splice(0, maxBatch);
      run(batch.map((p) => p.item)).then(
        (out) => batch.forEach((p, i) => (i < out.length ? p.resolve(out[i]!) : p.reject(new Error(`batched run returned ${out.length} results for ${batch.length} items`)))),
        (e) => batch.forEach((p) => p.reject(e)),
      );
    }
  };

  return (item) =>
    new Promise<O>((resolve, reject) => {
      pending.push({ item, resolve, reject });
      if (pending.length >= maxBatch) flush();
      else if (!scheduled) {
        scheduled = true;
        setImmediate(flush);
      }
    });
}
