import type {
  K6MetricType,
  SummaryCheck,
  SummaryEvidence,
  SummaryMetric,
  SummaryThreshold,
} from "../../core/evidence.js";
import { InputError } from "../../errors.js";

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

const METRIC_TYPES = new Set(["counter", "gauge", "rate", "trend"]);

/** Splits `http_req_duration{expected_response:true,name:/a/:id}` into metric and tags. */
export function parseMetricKey(key: string): { metric: string; tags: Record<string, string> } {
  const open = key.indexOf("{");
  if (open === -1 || !key.endsWith("}")) return { metric: key, tags: {} };
  const tags: Record<string, string> = {};
  for (const part of key.slice(open + 1, -1).split(",")) {
    const colon = part.indexOf(":");
    if (colon === -1) continue;
    tags[part.slice(0, colon).trim()] = part.slice(colon + 1).trim();
  }
  return { metric: key.slice(0, open), tags };
}

/** Stat names as slogate looks them up: `p(95)` for k6's `p95` (machine-readable summary). */
function normaliseStat(name: string): string {
  const percentile = /^p(\d+(?:\.\d+)?)$/.exec(name);
  return percentile ? `p(${percentile[1]})` : name;
}

function numericValues(source: Json): Record<string, number> {
  const values: Record<string, number> = {};
  for (const [name, value] of Object.entries(source)) {
    if (typeof value === "number" && Number.isFinite(value)) values[normaliseStat(name)] = value;
  }
  return values;
}

/** The legacy export has no types; the stats tell them apart. */
function inferType(values: Record<string, number>): K6MetricType | null {
  if ("passes" in values && "fails" in values) return "rate";
  if ("count" in values) return "counter";
  if ("p(95)" in values || "avg" in values || "med" in values) return "trend";
  if ("value" in values) return "gauge";
  return null;
}

function summaryMetric(
  key: string,
  type: K6MetricType | null,
  values: Record<string, number>,
): SummaryMetric {
  const { metric, tags } = parseMetricKey(key);
  return { key, metric, tags, type, values };
}

/** A group's members: handleSummary lists them, the legacy export keys them by name. */
function membersOf(value: unknown): Json[] {
  if (Array.isArray(value)) return value.filter(isObject);
  return isObject(value) ? Object.values(value).filter(isObject) : [];
}

/**
 * Checks by name from a summary's `root_group` (and its nested groups),
 * counts summed where a name repeats; null when the document has no groups.
 */
export function readSummaryChecks(doc: Json): SummaryCheck[] | null {
  const results = isObject(doc.results) ? doc.results : {};
  const root = isObject(doc.root_group) ? doc.root_group : results.root_group;
  if (!isObject(root)) return null;
  const byName = new Map<string, SummaryCheck>();
  const visit = (group: Json, depth: number): void => {
    for (const check of membersOf(group.checks)) {
      if (typeof check.name !== "string") continue;
      const entry = byName.get(check.name) ?? { name: check.name, passes: 0, fails: 0 };
      entry.passes += typeof check.passes === "number" ? check.passes : 0;
      entry.fails += typeof check.fails === "number" ? check.fails : 0;
      byName.set(check.name, entry);
    }
    // k6 nests groups a few levels at most; the bound keeps a crafted file from recursing deep.
    if (depth < 32) for (const child of membersOf(group.groups)) visit(child, depth + 1);
  };
  visit(root, 0);
  return [...byName.values()];
}

function readExport(file: string, doc: Json): SummaryEvidence {
  // --summary-export (legacy): metrics[key] = flat stats; for rates `passes`
  // counts non-zero samples and `value` is the rate. Its threshold booleans
  // are inverted: true means the threshold was CROSSED (failed).
  const metrics: SummaryMetric[] = [];
  const thresholds: SummaryThreshold[] = [];
  for (const [key, raw] of Object.entries(doc.metrics as Json)) {
    if (!isObject(raw)) continue;
    const values = numericValues(raw);
    const type = inferType(values);
    if (type === "rate" && "value" in values) values.rate = values.value;
    metrics.push(summaryMetric(key, type, values));
    if (isObject(raw.thresholds)) {
      for (const [expression, crossed] of Object.entries(raw.thresholds)) {
        if (typeof crossed === "boolean") thresholds.push({ key, expression, passed: !crossed });
      }
    }
  }
  const iterations = metrics.find((m) => m.key === "iterations");
  const count = iterations?.values.count;
  const rate = iterations?.values.rate;
  // The export carries no duration; a counter's count/rate gives it back.
  const durationSeconds =
    count !== undefined && rate !== undefined && rate > 0 ? count / rate : null;
  return {
    kind: "summary",
    file,
    format: "summary-export",
    metrics,
    thresholds,
    checks: readSummaryChecks(doc),
    durationSeconds,
    generatedAt: null,
    k6Version: null,
    findings: [],
  };
}

function readHandleSummary(file: string, doc: Json): SummaryEvidence {
  // handleSummary(data): metrics[key] = {type, contains, values, thresholds: {expr: {ok}}}.
  const metrics: SummaryMetric[] = [];
  const thresholds: SummaryThreshold[] = [];
  for (const [key, raw] of Object.entries(doc.metrics as Json)) {
    if (!isObject(raw) || !isObject(raw.values)) continue;
    const type =
      typeof raw.type === "string" && METRIC_TYPES.has(raw.type)
        ? (raw.type as K6MetricType)
        : null;
    metrics.push(summaryMetric(key, type, numericValues(raw.values)));
    if (isObject(raw.thresholds)) {
      for (const [expression, result] of Object.entries(raw.thresholds)) {
        if (isObject(result) && typeof result.ok === "boolean")
          thresholds.push({ key, expression, passed: result.ok });
      }
    }
  }
  const state = isObject(doc.state) ? doc.state : {};
  const durationMs = typeof state.testRunDurationMs === "number" ? state.testRunDurationMs : null;
  return {
    kind: "summary",
    file,
    format: "handle-summary",
    metrics,
    thresholds,
    checks: readSummaryChecks(doc),
    durationSeconds: durationMs === null ? null : durationMs / 1000,
    generatedAt: null,
    k6Version: null,
    findings: [],
  };
}

function readMachineReadable(file: string, doc: Json): SummaryEvidence {
  // --new-machine-readable-summary (schema 1.0.0): results.metrics is a list;
  // rates carry matches/total; threshold results are not part of the schema.
  const results = doc.results as Json;
  const metrics: SummaryMetric[] = [];
  for (const raw of results.metrics as unknown[]) {
    if (!isObject(raw) || typeof raw.name !== "string" || !isObject(raw.values)) continue;
    const type =
      typeof raw.type === "string" && METRIC_TYPES.has(raw.type)
        ? (raw.type as K6MetricType)
        : null;
    const values = numericValues(raw.values);
    if (type === "rate" && values.matches !== undefined && values.total !== undefined) {
      values.passes = values.matches;
      values.fails = values.total - values.matches;
    }
    metrics.push(summaryMetric(raw.name, type, values));
  }
  const config = isObject(doc.config) ? doc.config : {};
  const metadata = isObject(doc.metadata) ? doc.metadata : {};
  return {
    kind: "summary",
    file,
    format: "machine-readable",
    metrics,
    thresholds: null,
    checks: readSummaryChecks(doc),
    durationSeconds: typeof config.duration === "number" ? config.duration : null,
    generatedAt: typeof metadata.generated_at === "string" ? metadata.generated_at : null,
    k6Version:
      typeof metadata.k6_version === "string" ? `v${metadata.k6_version.replace(/^v/, "")}` : null,
    findings: [
      {
        severity: "info",
        code: "SUMMARY_WITHOUT_THRESHOLDS",
        message:
          "the machine-readable summary does not record k6's threshold results; pass k6's exit code to compare",
      },
    ],
  };
}

/**
 * Reads a k6 end-of-test summary, detecting which of the three shapes it is:
 * the legacy `--summary-export` file, the `handleSummary()` data object, or
 * the `--new-machine-readable-summary` document. Returns null when the JSON is
 * none of them (the caller reports an unknown format).
 */
export function parseK6Summary(file: string, doc: unknown): SummaryEvidence | null {
  if (!isObject(doc)) return null;
  if (
    typeof doc.version === "string" &&
    isObject(doc.results) &&
    Array.isArray(doc.results.metrics)
  ) {
    return readMachineReadable(file, doc);
  }
  if (!isObject(doc.metrics)) return null;
  const entries = Object.values(doc.metrics).filter(isObject);
  if (entries.length === 0) return null;
  if (entries.every((entry) => isObject(entry.values))) return readHandleSummary(file, doc);
  if (entries.every((entry) => !("values" in entry))) return readExport(file, doc);
  return null;
}

/** parseK6Summary, or an InputError naming the file when it is not a k6 summary. */
export function readK6SummaryText(file: string, text: string): SummaryEvidence {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (cause) {
    const message = (cause as Error).message;
    throw new InputError(
      "K6_SUMMARY_INVALID",
      `${file}: not valid JSON (${message}); is the file complete?`,
      {
        cause,
      },
    );
  }
  const summary = parseK6Summary(file, doc);
  if (!summary) {
    throw new InputError(
      "K6_FORMAT_UNKNOWN",
      `${file}: not a k6 result this version reads; expected --out json NDJSON, a --summary-export file, handleSummary() data or the --new-machine-readable-summary document`,
    );
  }
  return summary;
}
