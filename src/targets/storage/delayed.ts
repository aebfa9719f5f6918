import type { TargetStorage } from "./storage.js";

/** Where a storage delay comes from: the fault injector, read at every call. */
export interface StorageDelaySource {
  storageDelayMs(): number;
  sleep(ms: number): Promise<void>;
}

const OPERATIONS = [
  "ping",
  "getUser",
  "listUsers",
  "createUser",
  "replaceUser",
  "updateUser",
  "deleteUser",
  "getProduct",
  "getProducts",
  "listProducts",
  "createOrder",
  "getOrder",
  "markOrderPaid",
] as const satisfies readonly (keyof TargetStorage)[];

type Operation = (typeof OPERATIONS)[number];
type AnyCall = (...args: unknown[]) => Promise<unknown>;

/**
 * Wraps a store so each call first waits the injected database latency (the
 * `db=` fault). It sits inside the metrics wrapper, so the delay shows in
 * db_query_duration_seconds as a slow database would. With no delay the
 * inner call is returned as is: no extra promise on the hot path.
 */
export function delayStorage(
  inner: TargetStorage,
  source: () => StorageDelaySource | undefined,
): TargetStorage {
  const wrapped: Partial<Record<Operation, AnyCall>> = {};
  for (const operation of OPERATIONS) {
    const call = (inner[operation] as AnyCall).bind(inner);
    wrapped[operation] = (...args: unknown[]) => {
      const faults = source();
      const delayMs = faults === undefined ? 0 : faults.storageDelayMs();
      if (faults === undefined || delayMs <= 0) return call(...args);
      return faults.sleep(delayMs).then(() => call(...args));
    };
  }
  return {
    ...(wrapped as Pick<TargetStorage, Operation>),
    kind: inner.kind,
    close: () => inner.close(),
  };
}
