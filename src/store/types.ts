// What the store hands to a transaction's callback: the port's executor plus multi-statement exec.
import type { SqlExecutor } from '../core/index.ts';

/** A transaction handle; `exec` runs several statements without parameters (migrations). */
export interface SqlTransaction extends SqlExecutor {
  exec(sql: string): Promise<void>;
}
