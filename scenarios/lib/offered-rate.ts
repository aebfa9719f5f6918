/**
 * The offered load, written into the results: one `slogate_offered_rate`
 * point (iterations per second at steady state) emitted from setup(), so a
 * result file says what was asked of the service and evaluation can compare
 * the achieved `iterations` in the steady window against it.
 */
import { Gauge } from "k6/metrics";

// k6 only accepts custom metrics created in the init context.
const offeredRate = new Gauge("slogate_offered_rate");

/** Call once, from setup(). */
export function recordOfferedRate(ratePerSecond: number): void {
  offeredRate.add(ratePerSecond);
}
