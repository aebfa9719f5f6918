import { ensureK6, type K6Binary } from "../k6/provision.js";

export interface SetupResult {
  k6: K6Binary;
}

/** Provisions everything a run needs that npm does not install: today, k6. */
export async function setup(): Promise<SetupResult> {
  return { k6: await ensureK6() };
}
