// Model versions per model name, monotonic across restarts when kept in a file: the edge refuses a
// version it has already seen or passed (replay protection), so a cloud that restarted and counted
// from 2 again would have every release refused until it caught up.
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

/** The models shipped in the repository are version 1 (models/manifest.json): the cloud's first release of a name is 2. */
export const FIRST_CLOUD_VERSION = 2;

export interface VersionLedger {
  /** Allocates the next version of `name` (never one handed out before). */
  next(name: string): Promise<number>;
}

/** Versions in memory (one process lifetime). */
export function memoryVersionLedger(): VersionLedger {
  const last = new Map<string, number>();
  return {
    async next(name) {
      const v = Math.max(FIRST_CLOUD_VERSION, (last.get(name) ?? 0) + 1);
      last.set(name, v);
      return v;
    },
  };
}

/** Versions in a JSON file ({ name: lastVersion }), written (via rename) before the version is used. */
export function fileVersionLedger(path: string): VersionLedger {
  let tail: Promise<unknown> = Promise.resolve();
  const allocate = async (name: string): Promise<number> => {
    let last: Record<string, number> = {};
    try {
      last = JSON.parse(await readFile(path, 'utf8')) as Record<string, number>;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    const prev = Number.isInteger(last[name]) ? last[name]! : 0;
    const v = Math.max(FIRST_CLOUD_VERSION, prev + 1);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(`${path}.tmp`, JSON.stringify({ ...last, [name]: v }, null, 2));
    await rename(`${path}.tmp`, path);
    return v;
  };
  return {
    next(name) {
      const p = tail.then(() => allocate(name));
      tail = p.catch(() => undefined);
      return p;
    },
  };
}
