/**
 * Declares the run functional: a smoke test asks "does every endpoint work?",
 * not "is p95 inside a tier?". One `slogate_functional` point, emitted from
 * setup(), tells slogate to judge the run on its checks (every one passed)
 * and its failed requests (none), and to report latency and throughput as
 * informational: a handful of requests cannot show a percentile.
 */
import { Counter } from "k6/metrics";

// k6 only accepts custom metrics created in the init context.
const functional = new Counter("slogate_functional");

/** Call once, from setup(). */
export function declareFunctional(): void {
  functional.add(1);
}
