import { readFileSync } from "node:fs";
import path from "node:path";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { rules } from "../../src/commands/rules.js";
import { validatePrometheusRule } from "../../src/integrations/prometheus-rule-schema.js";
import { THRESHOLDS_DIR } from "../../src/sources/load-profile.js";

const tiers = (
  parse(readFileSync(path.join(THRESHOLDS_DIR, "tiers.yaml"), "utf8")) as {
    rows: Record<string, { target: number; good: number }>;
  }
).rows;

interface Rule {
  alert?: string;
  record?: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
}

function generate(require?: "good") {
  const result = rules({
    profile: "users-api",
    selector: ["service=users", "namespace=prod"],
    ruleLabel: ["release=prometheus"],
    namespace: "monitoring",
    ...(require ? { require } : {}),
  });
  const manifest = parse(result.yaml) as { spec: { groups: { rules: Rule[] }[] } };
  return { result, all: manifest.spec.groups.flatMap((g) => g.rules), manifest };
}

describe("PrometheusRule from an SLO profile", () => {
  it("the seed's three alerts, at the required tier's bounds", () => {
    const { all } = generate();
    const byName = (name: string) => all.filter((r) => r.alert === name);
    expect(byName("UsersApiHighErrorRate")[0]?.expr).toBe(
      `slogate_users_api:error_ratio:rate5m{service="users",namespace="prod"} >= ${tiers.error_rate?.target}`,
    );
    const latency = byName("UsersApiHighLatency")[0];
    expect(latency?.expr).toMatch(new RegExp(`\\* 1000 >= ${tiers.api_latency_p95?.target}$`));
    expect(latency?.expr).toContain("sum by (le, service, namespace)");
    expect(byName("UsersApiServiceDown")[0]).toMatchObject({
      expr: 'up{service="users",namespace="prod"} == 0',
      for: "2m",
    });
  });

  it("four burn-rate alerts: 14.4x 1h/5m, 6x 6h/30m, 3x 1d/2h, 1x 3d/6h of the budget", () => {
    const { all } = generate();
    const burns = all.filter((r) => r.alert === "UsersApiErrorBudgetBurn");
    const budget = tiers.error_rate?.target ?? Number.NaN;
    const expected = [
      ["1h", "5m", 14.4],
      ["6h", "30m", 6],
      ["1d", "2h", 3],
      ["3d", "6h", 1],
    ] as const;
    expect(burns).toHaveLength(expected.length);
    // Each alert reads only this selector's recorded series.
    const sel = '{service="users",namespace="prod"}';
    expected.forEach(([long, short, factor], i) => {
      const threshold = Number((factor * budget).toFixed(12));
      expect(burns[i]?.expr).toBe(
        `slogate_users_api:error_ratio:rate${long}${sel} > ${threshold}\nand\nslogate_users_api:error_ratio:rate${short}${sel} > ${threshold}`,
      );
      expect(burns[i]?.labels?.severity).toBe(factor >= 6 ? "critical" : "warning");
    });
    const records = all.filter((r) => r.record).map((r) => r.record);
    for (const window of ["5m", "30m", "1h", "2h", "6h", "1d", "3d"]) {
      expect(records).toContain(`slogate_users_api:error_ratio:rate${window}`);
    }
  });

  it("--require good uses the Good bounds and budget", () => {
    const { all } = generate("good");
    expect(all.find((r) => r.alert === "UsersApiHighErrorRate")?.expr).toMatch(
      new RegExp(`>= ${tiers.error_rate?.good}$`),
    );
  });

  it("validates as a strict PrometheusRule, and the schema rejects unknown fields", () => {
    const { manifest } = generate();
    expect(validatePrometheusRule(manifest)).toEqual([]);
    const broken = structuredClone(manifest) as unknown as {
      spec: { groups: { rules: Record<string, unknown>[] }[] };
    };
    broken.spec.groups[0]!.rules[0]!.severity = "page";
    expect(validatePrometheusRule(broken).join("\n")).toMatch(/severity: unknown field/);
  });

  it("a selector is required and must be label=value", () => {
    expect(() => rules({ profile: "users-api", selector: [] })).toThrow(/--selector/);
    expect(() => rules({ profile: "users-api", selector: ["service"] })).toThrow(/label=value/);
    expect(() => rules({ profile: "users-api", selector: ["bad-label=x"] })).toThrow(
      /not a Prometheus label name/,
    );
  });
});
