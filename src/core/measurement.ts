import type { Finding } from "./types.js";

/** What one objective's evidence came to, before judging it against tiers. */
export type Measurement =
  | { kind: "value"; value: number; samples: number; note?: string }
  /**
   * The value lies in [low, high]: a percentile pooled from per-route
   * summaries, or read from a native-histogram bucket. `basis` says which, in
   * words, and `hint` what would narrow it.
   */
  | { kind: "bounds"; low: number; high: number; samples: number; basis?: string; hint?: string }
  | {
      kind: "missing";
      outcome: "inconclusive" | "error";
      reason: string;
      value?: number | null;
      samples?: number;
    };

/** The window evaluation looked at. */
export interface WindowInfo {
  kind: "steady" | "all" | "range";
  /** Unix ms; null when the evidence does not say (summaries). */
  fromMs: number | null;
  toMs: number | null;
  /** Null when unknown (a summary's steady window). */
  seconds: number | null;
}

/** How the offered load was delivered in the window: the run-level conditions for trusting a pass. */
export interface LoadStatus {
  droppedIterations: number;
  offeredRatePerSecond: number | null;
  achievedIterationRatePerSecond: number | null;
  /** Iterations in the window; null or absent when unknown. */
  iterations?: number | null;
  /** Reasons a pass cannot be trusted (window too short, iterations dropped, load not achieved). */
  doubts: string[];
  /**
   * The subset of `doubts` saying the offered load did not reach the target
   * (iterations dropped, achieved rate below the offered share). A low
   * achieved rate then measures the load generator, not the service.
   */
  deliveryDoubts?: string[];
  /** True when the offered load was known and fully delivered. */
  deliveredAsOffered: boolean;
}

/** An objective measured by another source (Prometheus), structurally what src/sources/prometheus returns. */
export interface ExternalMeasurement {
  id: string;
  value: number | null;
  samples: number;
  status: "ok" | "inconclusive" | "error";
  reason?: string;
}

export interface WindowSelection {
  window: WindowInfo;
  findings: Finding[];
}
