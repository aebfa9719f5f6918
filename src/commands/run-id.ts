import { randomBytes } from "node:crypto";

/** `YYYYMMDD-HHMMSS-<scenario>-<4 hex>`: sorts by time, unique across parallel runs. */
export function createRunId(scenario: string, now: Date): string {
  const stamp = now.toISOString().replace(/[-:]/g, "").replace("T", "-").slice(0, 15);
  const safe = scenario.replace(/[^a-zA-Z0-9_-]/g, "_");
  return `${stamp}-${safe}-${randomBytes(2).toString("hex")}`;
}
