import type {
  K6MetricType,
  MetricSeries,
  PhaseStats,
  PointSelection,
  RequestGroup,
  StreamEvidence,
} from "./evidence.js";
import { createHistogram, toMicroseconds } from "./histogram.js";
import {
  addSeriesPoint,
  BUILT_INS,
  ROLES,
  type MetricInfo,
  type MetricRole,
  type PointTags,
} from "./k6-metrics.js";
import { TimelineBuckets } from "./timeline-buckets.js";

export type { MetricInfo, MetricRole, PointTags } from "./k6-metrics.js";
import type { Finding } from "./types.js";

export interface K6AccumulatorOptions {
  selection?: PointSelection;
  /** Built-in metrics to aggregate as series too (all custom metrics always are). */
  trackMetrics?: readonly string[];
  /** Distinct route names kept apart; more collapse into "(other)" to bound memory. 300 by default. */
  maxRouteNames?: number;
}

/**
 * Request groups (phase × route × method × status class × expectedness) kept
 * apart; past this, new combinations count under route "(other)". Each group
 * holds a histogram of at most ~32 KB for latencies up to a minute, so this
 * bounds group memory near 64 MB whatever the file's size or tags.
 */
const MAX_GROUPS = 2000;

const OTHER_ROUTES = "(other)";

/** Distinct failing check names kept per phase; more count under "(other checks)". */
const MAX_CHECK_NAMES = 200;
const OTHER_CHECKS = "(other checks)";

/** A phase before any point of it is seen. */
export function createPhaseStats(phase: string): PhaseStats {
  return {
    phase,
    firstMs: null,
    lastMs: null,
    iterations: 0,
    droppedIterations: 0,
    checksPassed: 0,
    checksFailed: 0,
    failedChecks: new Map(),
  };
}

export function classifyStatus(status: string | null): string {
  if (!status || status === "0") return "error";
  return `${status[0]}xx`;
}

/**
 * Folds k6 points into bounded aggregates: histograms and exact counts per
 * request group and phase, a coarse timeline, and per-phase series for other
 * metrics. Feed it every file of a run (files merge exactly), then `finish()`.
 */
export class K6Accumulator {
  private readonly selection: PointSelection;
  private readonly track: ReadonlySet<string>;
  private readonly maxRouteNames: number;
  private readonly infos = new Map<string, MetricInfo>();
  private readonly groups = new Map<string, RequestGroup>();
  private readonly phases = new Map<string, PhaseStats>();
  private readonly series = new Map<string, MetricSeries>();
  private readonly droppedByScenario = new Map<string, number>();
  private readonly phaseOfScenario = new Map<string, string>();
  private readonly routeNames = new Set<string>();
  private readonly timeline = new TimelineBuckets();
  private readonly files: string[] = [];
  private offeredRate: { value: number; timeMs: number } | null = null;
  private functional = false;
  private hasPhaseTags = false;
  private collapsedRoutes = 0;
  private undeclared = new Map<string, number>();
  private lastGroup: {
    phase: string;
    tags: Pick<PointTags, "name" | "method" | "status" | "expected">;
    group: RequestGroup;
  } | null = null;
  points = 0;
  lines = 0;

  constructor(options: K6AccumulatorOptions = {}) {
    this.selection = options.selection ?? { kind: "phases" };
    this.track = new Set(options.trackMetrics ?? []);
    this.maxRouteNames = options.maxRouteNames ?? 300;
  }

  addFile(file: string): void {
    this.files.push(file);
  }

  /** Records a Metric line; returns how points of that metric are handled. */
  declareMetric(name: string, type: K6MetricType, contains: string): MetricInfo {
    const role = ROLES[name] ?? (name in BUILT_INS && !this.track.has(name) ? "skip" : "series");
    const info: MetricInfo = { name, type, contains, role };
    this.infos.set(name, info);
    return info;
  }

  /** How points of `name` are handled; built-ins are known without a Metric line. */
  lookupMetric(name: string): MetricInfo {
    const known = this.infos.get(name);
    if (known) return known;
    const builtIn = BUILT_INS[name];
    if (builtIn) return this.declareMetric(name, builtIn, builtIn === "trend" ? "time" : "default");
    return { name, type: "counter", contains: "default", role: "undeclared" };
  }

  /** Whether the role needs the point's time, value and tags (skip: no). */
  static needsPoint(info: MetricInfo): boolean {
    return info.role !== "skip";
  }

  private phaseKey(timeMs: number, tags: PointTags): string | null {
    if (tags.phase !== null) this.hasPhaseTags = true;
    if (this.selection.kind === "range") {
      return timeMs >= this.selection.fromMs && timeMs <= this.selection.toMs ? "range" : null;
    }
    return tags.phase ?? "";
  }

  private phaseStats(phase: string): PhaseStats {
    let stats = this.phases.get(phase);
    if (!stats) {
      stats = createPhaseStats(phase);
      this.phases.set(phase, stats);
    }
    return stats;
  }

  private extend(stats: PhaseStats, timeMs: number): void {
    if (stats.firstMs === null || timeMs < stats.firstMs) stats.firstMs = timeMs;
    if (stats.lastMs === null || timeMs > stats.lastMs) stats.lastMs = timeMs;
  }

  private group(phase: string, tags: PointTags): RequestGroup {
    // k6 writes a request's http_reqs, http_req_duration and http_req_failed
    // points with the same tags, one after another: reuse the last group.
    const last = this.lastGroup;
    if (
      last !== null &&
      phase === last.phase &&
      tags.name === last.tags.name &&
      tags.method === last.tags.method &&
      tags.status === last.tags.status &&
      tags.expected === last.tags.expected
    ) {
      return last.group;
    }
    const group = this.findGroup(phase, tags);
    this.lastGroup = {
      phase,
      tags: { name: tags.name, method: tags.method, status: tags.status, expected: tags.expected },
      group,
    };
    return group;
  }

  private findGroup(phase: string, tags: PointTags): RequestGroup {
    const method = tags.method ?? "";
    const statusClass = classifyStatus(tags.status);
    const keyOf = (name: string) =>
      `${phase}\u0000${name}\u0000${method}\u0000${statusClass}\u0000${tags.expected}`;
    let name = tags.name ?? "";
    let group = this.groups.get(keyOf(name));
    if (group) return group;
    const newName = !this.routeNames.has(name);
    if ((newName && this.routeNames.size >= this.maxRouteNames) || this.groups.size >= MAX_GROUPS) {
      this.collapsedRoutes++;
      name = OTHER_ROUTES;
      group = this.groups.get(keyOf(name));
      if (group) return group;
    } else if (newName) {
      this.routeNames.add(name);
    }
    group = {
      phase,
      name,
      method,
      statusClass,
      expected: tags.expected === null ? null : tags.expected === "true",
      requests: 0,
      failed: 0,
      failedSamples: 0,
      durations: createHistogram(),
    };
    this.groups.set(keyOf(name), group);
    return group;
  }

  /** Adds one point; `tags` may be reused by the caller afterwards. */
  addPoint(info: MetricInfo, timeMs: number, value: number, tags: PointTags): void {
    this.points++;
    if (info.role === "iterations" && tags.scenario !== null && tags.phase !== null) {
      this.phaseOfScenario.set(tags.scenario, tags.phase);
    }
    switch (info.role) {
      case "skip":
        return;
      case "undeclared":
        this.undeclared.set(info.name, (this.undeclared.get(info.name) ?? 0) + 1);
        return;
      case "offered_rate":
        if (!this.offeredRate || timeMs >= this.offeredRate.timeMs)
          this.offeredRate = { value, timeMs };
        return;
      case "functional":
        // A property of the script, not of a moment: counted whatever the selection.
        if (value > 0) this.functional = true;
        return;
      case "http_reqs":
      case "http_req_duration":
      case "http_req_failed":
        this.addHttpPoint(info.role, timeMs, value, tags);
        return;
      default:
        break;
    }
    if (info.role === "dropped_iterations" && tags.phase === null && tags.scenario !== null) {
      // k6 tags dropped_iterations with the scenario only; its phase is learned from other points.
      if (this.selection.kind === "range" && this.phaseKey(timeMs, tags) === null) return;
      this.droppedByScenario.set(
        tags.scenario,
        (this.droppedByScenario.get(tags.scenario) ?? 0) + value,
      );
      return;
    }
    const phase = this.phaseKey(timeMs, tags);
    if (phase === null) return;
    switch (info.role) {
      case "iterations": {
        const stats = this.phaseStats(phase);
        stats.iterations += value;
        this.extend(stats, timeMs);
        return;
      }
      case "dropped_iterations":
        this.phaseStats(phase).droppedIterations += value;
        return;
      case "checks": {
        const stats = this.phaseStats(phase);
        if (value !== 0) stats.checksPassed++;
        else {
          stats.checksFailed++;
          const failed = stats.failedChecks;
          let name = tags.check ?? "";
          if (!failed.has(name) && failed.size >= MAX_CHECK_NAMES) name = OTHER_CHECKS;
          failed.set(name, (failed.get(name) ?? 0) + 1);
        }
        return;
      }
      default:
        addSeriesPoint(this.series, info, phase, timeMs, value);
    }
  }

  private addHttpPoint(role: MetricRole, timeMs: number, value: number, tags: PointTags): void {
    const bucket = this.timeline.bucketAt(timeMs);
    if (role === "http_reqs") bucket.requests += value;
    else if (role === "http_req_failed") bucket.failed += value;
    else if (tags.expected !== "false")
      bucket.durations.recordValue(toMicroseconds(Math.max(0, value)));
    const phase = this.phaseKey(timeMs, tags);
    if (phase === null) return;
    const group = this.group(phase, tags);
    if (role === "http_reqs") {
      group.requests += value;
      this.extend(this.phaseStats(phase), timeMs);
    } else if (role === "http_req_failed") {
      group.failed += value;
      group.failedSamples++;
    } else {
      group.durations.recordValue(toMicroseconds(Math.max(0, value)));
    }
  }

  /** The aggregates; the accumulator must not be fed afterwards. */
  finish(): StreamEvidence {
    let unattributed = 0;
    for (const [scenario, dropped] of this.droppedByScenario) {
      const phase = this.selection.kind === "range" ? "range" : this.phaseOfScenario.get(scenario);
      if (phase === undefined) unattributed += dropped;
      else this.phaseStats(phase).droppedIterations += dropped;
    }
    const findings: Finding[] = [];
    if (this.undeclared.size > 0) {
      const total = [...this.undeclared.values()].reduce((a, b) => a + b, 0);
      findings.push({
        severity: "info",
        code: "UNDECLARED_METRICS",
        message: `ignored ${total} points of metrics with no Metric line (${[...this.undeclared.keys()].slice(0, 5).join(", ")}); was the file cut at its start?`,
      });
    }
    if (this.collapsedRoutes > 0) {
      findings.push({
        severity: "warning",
        code: "TOO_MANY_ROUTE_NAMES",
        message: `more than ${this.maxRouteNames} distinct name tags (or ${MAX_GROUPS} request groups); ${this.collapsedRoutes} points were counted as route "${OTHER_ROUTES}": tag requests with { name: <route template> }`,
      });
    }
    return {
      kind: "stream",
      files: [...this.files],
      selection: this.selection,
      groups: [...this.groups.values()],
      phases: this.phases,
      metrics: [...this.series.values()],
      metricTypes: new Map(
        [...this.infos].map(([name, info]) => [name, { type: info.type, contains: info.contains }]),
      ),
      offeredRatePerSecond: this.offeredRate?.value ?? null,
      functional: this.functional,
      unattributedDroppedIterations: unattributed,
      hasPhaseTags: this.hasPhaseTags,
      timeline: this.timeline.list(),
      timelineBucketSeconds: this.timeline.bucketSeconds,
      points: this.points,
      lines: this.lines,
      findings,
    };
  }
}
