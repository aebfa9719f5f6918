import { formatThresholdNumber } from "../core/k6-thresholds.js";
import type { ObjectiveSpec, RequestScope, SloProfile } from "../core/profile.js";
import type { RequiredTier } from "../core/types.js";
import { ConfigError } from "../errors.js";
import {
  applyProfileSeries,
  checkSliSettings,
  DEFAULT_PROMETHEUS_SLI_SETTINGS,
  type PrometheusSliSettings,
} from "../promql/settings.js";
import {
  buildErrorRatio,
  buildLatencyQuantile,
  type PromqlContext,
} from "../promql/objective-queries.js";
import {
  buildBreachExpr,
  buildBurnRateExpr,
  buildRecordedSeries,
  buildTargetDownExpr,
} from "../promql/rule-queries.js";
import { buildEqualityMatcher } from "../promql/selectors.js";
import { planServerSlis } from "../core/server-slis.js";

export interface PrometheusRulesOptions {
  profile: SloProfile;
  /** PrometheusRule name; `<profile>-slo` by default. */
  name?: string;
  namespace?: string;
  /** Extra metadata labels, e.g. `release: prometheus` for the operator's ruleSelector. */
  ruleLabels?: Record<string, string>;
  requiredTier?: RequiredTier;
  /** Label matchers of the service's series, as `label -> value` (e.g. service: orders). */
  selector: Record<string, string>;
  settings?: PrometheusSliSettings;
  methodLabel?: string;
  /** Group evaluation interval. Default 30s, as in the seed. */
  evaluationInterval?: string;
}

export interface RuleGroup {
  name: string;
  interval?: string;
  rules: Record<string, unknown>[];
}

export interface GeneratedRules {
  /** The PrometheusRule (monitoring.coreos.com/v1) object. */
  manifest: Record<string, unknown>;
  /** The same groups as a plain Prometheus rule file (`promtool check rules`, rule_files). */
  ruleFile: { groups: RuleGroup[] };
  /** Every PromQL expression, by rule name, for checking against a live Prometheus. */
  expressions: { rule: string; expr: string }[];
}

/**
 * Multi-window, multi-burn-rate alerts (Google SRE workbook, ch. 5): a burn
 * rate b spends b × the budget's share per unit of time; both the long and
 * the short window must burn, so an alert fires fast on a big burn and
 * resets soon after it stops.
 */
export const BURN_RATE_WINDOWS = [
  { long: "1h", short: "5m", factor: 14.4, severity: "critical", for: "2m" },
  { long: "6h", short: "30m", factor: 6, severity: "critical", for: "15m" },
  { long: "1d", short: "2h", factor: 3, severity: "warning", for: "1h" },
  { long: "3d", short: "6h", factor: 1, severity: "warning", for: "3h" },
] as const;

const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const DURATION = /^\d+(s|m|h|d)$/;

function recordName(profile: string, what: string, range: string): string {
  return `slogate_${profile.replace(/-/g, "_")}:${what}:rate${range}`;
}

function pascal(id: string): string {
  return id.replace(/(^|[_-])([a-z0-9])/g, (_m, _sep, c: string) => c.toUpperCase());
}

/** The availability objective: the profile's error-ratio objective over every request of its scope. */
function findAvailability(profile: SloProfile, requiredTier: RequiredTier) {
  const plan = planServerSlis(profile, { requiredTier });
  return plan.planned.find((p) => p.sli.kind === "error_ratio" && p.spec.mandatory) ?? null;
}

/**
 * A PrometheusRule from an SLO profile: the seed's three alerts (high error
 * rate, high p95 latency, service down) at the required tier's bounds, plus
 * recording rules for the error ratio over 5m…3d and the four
 * multi-window burn-rate alerts on the availability objective's error
 * budget (budget = the tier's error-ratio bound, e.g. 1 % for Target).
 */
export function generatePrometheusRules(options: PrometheusRulesOptions): GeneratedRules {
  const { profile } = options;
  const requiredTier = options.requiredTier ?? profile.requiredTier;
  const settings =
    options.settings ?? applyProfileSeries(DEFAULT_PROMETHEUS_SLI_SETTINGS, profile.prometheus);
  checkSliSettings(settings);
  const interval = options.evaluationInterval ?? "30s";
  if (!DURATION.test(interval)) {
    throw new ConfigError(
      "RULES_OPTION_INVALID",
      `--interval ${JSON.stringify(interval)}: e.g. 30s or 1m`,
    );
  }
  const entries = Object.entries(options.selector);
  if (entries.length === 0) {
    throw new ConfigError(
      "RULES_OPTION_INVALID",
      "--selector: give at least one label=value naming the service's series, e.g. service=orders",
    );
  }
  for (const [label] of entries) {
    if (!LABEL_NAME.test(label)) {
      throw new ConfigError(
        "RULES_OPTION_INVALID",
        `--selector ${label}: not a Prometheus label name`,
      );
    }
  }
  const matchers = entries.map(([label, value]) => buildEqualityMatcher(label, value));
  const aggregateBy = entries.map(([label]) => label);
  const context = (range: string): PromqlContext => ({
    settings,
    methodLabel: options.methodLabel ?? settings.labels.method,
    matchers,
    range,
    aggregateBy,
  });
  const base = profile.name;
  const ruleLabels = { slo_profile: base, slo_tier: requiredTier };
  const recording: Record<string, unknown>[] = [];
  const alerts: Record<string, unknown>[] = [];
  const expressions: { rule: string; expr: string }[] = [];
  const addAlert = (alert: Record<string, unknown> & { alert: string; expr: string }) => {
    alerts.push(alert);
    expressions.push({ rule: alert.alert, expr: alert.expr });
  };

  // Alerts read the recorded series through the same matchers: two rule sets
  // of one profile (say prod and staging) record the same name, and an
  // unfiltered alert would fire once per rule set for each breaching service.
  const recorded = (range: string) =>
    buildRecordedSeries(recordName(base, "error_ratio", range), matchers);
  const availability = findAvailability(profile, requiredTier);
  if (availability?.sli.kind === "error_ratio") {
    const scope = availability.sli.scope;
    const budget = availability.spec.bounds[requiredTier];
    const ranges = new Set<string>(BURN_RATE_WINDOWS.flatMap((w) => [w.short, w.long]));
    for (const range of ranges) {
      const record = recordName(base, "error_ratio", range);
      const expr = buildErrorRatio(scope, context(range)).value;
      recording.push({ record, expr, labels: ruleLabels });
      expressions.push({ rule: record, expr });
    }
    addAlert(highErrorRate(availability.spec, requiredTier, recorded("5m"), ruleLabels));
    for (const window of BURN_RATE_WINDOWS) {
      addAlert({
        alert: `${pascal(base)}ErrorBudgetBurn`,
        expr: buildBurnRateExpr(
          recorded(window.long),
          recorded(window.short),
          window.factor * budget,
        ),
        for: window.for,
        labels: {
          ...ruleLabels,
          severity: window.severity,
          burn_window: `${window.long}/${window.short}`,
        },
        annotations: {
          summary: `${base}: error budget burning ${window.factor}x too fast over ${window.long} and ${window.short}`,
          description: `Error ratio above ${window.factor} x ${formatThresholdNumber(budget)} (the ${requiredTier} tier's budget) in both windows: {{ $value | humanizePercentage }} over ${window.short}.`,
        },
      });
    }
  }
  for (const planned of planServerSlis(profile, { requiredTier }).planned) {
    if (planned.sli.kind !== "latency" || !planned.spec.mandatory) continue;
    addAlert(
      highLatency(
        planned.spec,
        planned.sli.scope,
        planned.sli.quantile,
        requiredTier,
        context("5m"),
        ruleLabels,
      ),
    );
  }
  addAlert({
    alert: `${pascal(base)}ServiceDown`,
    expr: buildTargetDownExpr(matchers),
    for: "2m",
    labels: { ...ruleLabels, severity: "critical" },
    annotations: {
      summary: `${base}: target down (instance {{ $labels.instance }})`,
      description: "Prometheus has failed to scrape it for more than 2 minutes.",
    },
  });

  const groups: RuleGroup[] = [
    ...(recording.length > 0
      ? [{ name: `slogate-${base}-recording`, interval, rules: recording }]
      : []),
    { name: `slogate-${base}-alerts`, interval, rules: alerts },
  ];
  return {
    manifest: {
      apiVersion: "monitoring.coreos.com/v1",
      kind: "PrometheusRule",
      metadata: {
        name: options.name ?? `${base}-slo`,
        ...(options.namespace ? { namespace: options.namespace } : {}),
        labels: {
          "app.kubernetes.io/managed-by": "slogate",
          "slogate.dev/profile": base,
          ...options.ruleLabels,
        },
      },
      spec: { groups },
    },
    ruleFile: { groups },
    expressions,
  };
}

function highErrorRate(
  spec: ObjectiveSpec,
  tier: RequiredTier,
  ratioRecord: string,
  labels: Record<string, string>,
): Record<string, unknown> & { alert: string; expr: string } {
  const bound = formatThresholdNumber(spec.bounds[tier]);
  return {
    alert: `${pascal(labels.slo_profile ?? "")}HighErrorRate`,
    expr: buildBreachExpr(ratioRecord, spec.bounds[tier]),
    for: "5m",
    labels: { ...labels, severity: "critical", objective: spec.id },
    annotations: {
      summary: `${labels.slo_profile}: error ratio at or above the ${tier} bound (${bound})`,
      description: "Error ratio is {{ $value | humanizePercentage }} over the last 5 minutes.",
    },
  };
}

function highLatency(
  spec: ObjectiveSpec,
  scope: RequestScope,
  quantile: number,
  tier: RequiredTier,
  context: PromqlContext,
  labels: Record<string, string>,
): Record<string, unknown> & { alert: string; expr: string } {
  const bound = formatThresholdNumber(spec.bounds[tier]);
  const percentile = formatThresholdNumber(quantile * 100);
  return {
    alert: `${pascal(labels.slo_profile ?? "")}HighLatency${spec.id === "latency_p95" ? "" : pascal(spec.id)}`,
    expr: buildBreachExpr(buildLatencyQuantile(scope, quantile, context).value, spec.bounds[tier]),
    for: "10m",
    labels: { ...labels, severity: "warning", objective: spec.id },
    annotations: {
      summary: `${labels.slo_profile}: p${percentile} latency (${spec.id}) at or above the ${tier} bound (${bound} ms)`,
      description: `p${percentile} latency is {{ $value | humanize }} ms over the last 5 minutes.`,
    },
  };
}
