import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { buildK6Thresholds } from "../../src/core/k6-thresholds.js";
import { ConfigError } from "../../src/errors.js";
import { loadProfile, THRESHOLDS_DIR } from "../../src/sources/load-profile.js";

const TIERS = `version: 1
rows:
  api_latency_p95: { unit: ms, direction: max, target: 500, good: 200, excellent: 100 }
  error_rate: { unit: ratio, direction: max, target: 0.01, good: 0.001, excellent: 0.0001 }
  throughput: { unit: req/s, direction: min, target: 1000, good: 5000, excellent: 10000 }
`;

const BASE = `version: 1
name: sample
objectives:
  - id: latency_p95
  - id: error_rate
`;

const made: string[] = [];
afterAll(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

function makeDir(profileText: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), "slogate-profile-"));
  made.push(dir);
  mkdirSync(path.join(dir, "profiles"));
  writeFileSync(path.join(dir, "tiers.yaml"), TIERS);
  writeFileSync(path.join(dir, "profiles", "sample.yaml"), profileText);
  return dir;
}

function loadError(profileText: string): string {
  const dir = makeDir(profileText);
  try {
    loadProfile("sample", { thresholdsDir: dir });
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as ConfigError).message;
    expect(message).not.toContain("\n");
    // Every message names the file it is about.
    expect(message.startsWith(path.join(dir, "profiles", "sample.yaml"))).toBe(true);
    return message.slice(path.join(dir, "profiles", "sample.yaml").length);
  }
  throw new Error("expected a ConfigError");
}

describe("loadProfile validation", () => {
  it.each([
    {
      name: "a missing tier row",
      text: BASE.replace("- id: error_rate", "- id: error_rate\n    tier: error_budget"),
      message: ': objectives[1].tier: no tier row "error_budget" in ' /* tiers path follows */,
      allowed: "; allowed: api_latency_p95, error_rate, throughput",
    },
    {
      name: "an unknown objective",
      text: BASE.replace("latency_p95", "latency_p96"),
      message: ': objectives[0].id: unknown objective "latency_p96"',
      allowed: "allowed: latency_p95, error_rate, throughput, db_latency_p95, cpu, memory",
    },
    {
      name: "a bad number",
      text: BASE.replace("objectives:", "evaluation:\n  minWindowSeconds: -5\nobjectives:"),
      message: ": evaluation.minWindowSeconds: too small: expected number to be >=0",
      allowed: "",
    },
    {
      name: "a number given as text",
      text: BASE.replace("- id: error_rate", "- id: error_rate\n    abortAt: lots"),
      message: ": objectives[1].abortAt: expected a number in the objective's unit, or false",
      allowed: "",
    },
    {
      name: "an unknown required tier",
      text: BASE.replace("name: sample", "name: sample\nrequiredTier: gold"),
      message: ": requiredTier: not an accepted value",
      allowed: 'allowed: "target", "good", "excellent"',
    },
    {
      name: "an unknown top-level field",
      text: BASE + "colour: blue\n",
      message: ': (top level): unknown field "colour"',
      allowed:
        "allowed: version, name, description, requiredTier, tiers, requests, evaluation, k6, prometheus, redaction, regression, objectives",
    },
    {
      name: "an unknown HTTP method",
      text: BASE.replace("objectives:", "requests: { methods: [FETCH] }\nobjectives:"),
      message: ": requests.methods[0]: not an accepted value",
      allowed: '"GET"',
    },
    {
      name: "tier and bounds together",
      text: BASE.replace(
        "- id: error_rate",
        "- id: error_rate\n    tier: error_rate\n    bounds: { target: 1, good: 0.5, excellent: 0.1 }",
      ),
      message: ": objectives[1]: give either tier or bounds, not both",
      allowed: "",
    },
    {
      name: "own bounds in the wrong order",
      text:
        BASE +
        "  - id: slow\n    metric: my_trend\n    stat: p(95)\n    unit: ms\n    bounds: { target: 10, good: 20, excellent: 5 }\n",
      message: ": objectives[2].bounds: bounds must satisfy excellent <= good <= target",
      allowed: "",
    },
    {
      name: "a tier row in another unit",
      text:
        BASE +
        "  - id: slow\n    metric: my_trend\n    stat: p(95)\n    unit: ms\n    tier: error_rate\n",
      message: ': objectives[2].tier: tier row "error_rate" is in ratio but the objective is in ms',
      allowed: "",
    },
    {
      name: "a duplicate id",
      text: BASE + "  - id: latency_p95\n",
      message: ': objectives[2].id: "latency_p95" appears twice',
      allowed: "",
    },
    {
      name: "no mandatory objective",
      text: BASE.replace("- id: latency_p95", "- id: latency_p95\n    mandatory: false").replace(
        "- id: error_rate",
        "- id: error_rate\n    mandatory: false",
      ),
      message: ": objectives: no mandatory objective",
      allowed: "",
    },
    {
      name: "a bad stat",
      text:
        BASE +
        "  - id: slow\n    metric: my_trend\n    stat: p95\n    unit: ms\n    bounds: { target: 10, good: 5, excellent: 1 }\n",
      message:
        ": objectives[2].stat: stat is p(N), avg, min, max, med, rate, count, perSecond or value",
      allowed: "",
    },
    {
      name: "requests on a custom metric",
      text:
        BASE +
        "  - id: slow\n    metric: my_trend\n    stat: p(95)\n    unit: ms\n    bounds: { target: 10, good: 5, excellent: 1 }\n    requests: { names: [/a] }\n",
      message: ": objectives[2].requests: applies to http_req_* metrics only, not my_trend",
      allowed: "",
    },
    {
      name: "a route name with a comma",
      text: BASE.replace("objectives:", "requests: { names: ['/a,b'] }\nobjectives:"),
      message: ": requests.names[0]: route names cannot contain ','",
      allowed: "",
    },
    {
      name: "a metric name with a dash",
      text: BASE.replace(
        "objectives:",
        "prometheus:\n  metrics:\n    requestsTotal: http-requests\nobjectives:",
      ),
      message: ": prometheus.metrics.requestsTotal: not a Prometheus metric name",
      allowed: "",
    },
    {
      name: "an unknown metric key",
      text: BASE.replace("objectives:", "prometheus:\n  metrics:\n    latency: x\nobjectives:"),
      message: ': prometheus.metrics: unknown field "latency"',
      allowed:
        "allowed: requestsTotal, requestDuration, dbQueryDuration, cpuSecondsTotal, residentMemoryBytes",
    },
    {
      name: "a label name with a dot",
      text: BASE.replace(
        "objectives:",
        "prometheus:\n  labels: { route: http.route }\nobjectives:",
      ),
      message: ": prometheus.labels.route: not a Prometheus label name",
      allowed: "",
    },
    {
      name: "a selector in braces",
      text: BASE.replace("objectives:", "prometheus:\n  selector: '{job=\"api\"}'\nobjectives:"),
      message: ": prometheus.selector: give label matchers without braces",
      allowed: "",
    },
    {
      name: "a broken error status regex",
      text: BASE.replace("objectives:", "prometheus:\n  errorStatusRegex: '5(..'\nobjectives:"),
      message: ": prometheus.errorStatusRegex: not a valid regular expression",
      allowed: "",
    },
    {
      name: "a memory limit of zero",
      text: BASE.replace("objectives:", "prometheus:\n  memoryLimitBytes: 0\nobjectives:"),
      message: ": prometheus.memoryLimitBytes: too small",
      allowed: "",
    },
    {
      name: "a memory limit as text",
      text: BASE.replace("objectives:", "prometheus:\n  memoryLimitBytes: 512Mi\nobjectives:"),
      message: ": prometheus.memoryLimitBytes: expected number, got string",
      allowed: "",
    },
    {
      name: "a built-in objective re-targeted",
      text: BASE.replace("- id: latency_p95", "- id: latency_p95\n    stat: p(99)"),
      message: ': objectives[0]: "latency_p95" is built in',
      allowed: "",
    },
  ])("$name", ({ text, message, allowed }) => {
    const got = loadError(text);
    expect(got).toContain(message);
    expect(got).toContain(allowed);
  });

  it("names the missing profile and lists the known ones", () => {
    const dir = makeDir(BASE);
    expect(() => loadProfile("nope", { thresholdsDir: dir })).toThrow(
      new RegExp(`no profile "nope" \\(looked for .*nope\\.yaml\\); known profiles: sample`),
    );
  });

  it("keeps a prometheus section as written, and memory needs no query of its own", () => {
    const dir = makeDir(
      BASE.replace(
        "objectives:",
        [
          "prometheus:",
          "  selector: 'job=\"shop\"'",
          "  metrics: { requestsTotal: shop_requests_total }",
          "  labels: { route: path }",
          "  memoryLimitBytes: 268435456",
          "objectives:",
        ].join("\n"),
      ) +
        "  - id: memory\n    mandatory: false\n    bounds: { target: 0.9, good: 0.8, excellent: 0.7 }\n",
    );
    const { profile } = loadProfile("sample", { thresholdsDir: dir });
    expect(profile.prometheus).toEqual({
      selector: 'job="shop"',
      metrics: { requestsTotal: "shop_requests_total" },
      labels: { route: "path" },
      memoryLimitBytes: 268435456,
    });
    const memory = profile.objectives.find((o) => o.id === "memory");
    expect(memory?.measure).toEqual({ kind: "prometheus", query: null });
  });

  it("loads by path, with tiers relative to the profile", () => {
    const dir = makeDir(BASE);
    const other = path.join(dir, "elsewhere");
    mkdirSync(other);
    writeFileSync(
      path.join(other, "mine.yaml"),
      BASE.replace("name: sample", "name: mine\ntiers: ../tiers.yaml"),
    );
    const { profile, tiers } = loadProfile(path.join(other, "mine.yaml"));
    expect(profile.name).toBe("mine");
    expect(tiers.file).toBe(path.join(dir, "tiers.yaml"));
  });
});

describe("the reference profiles", () => {
  it.each(["users-api", "products-api", "orders-api"])(
    "%s loads and decides on latency and errors",
    (name) => {
      const { profile } = loadProfile(name);
      expect(profile.name).toBe(name);
      const mandatory = profile.objectives.filter((o) => o.mandatory).map((o) => o.id);
      expect(mandatory).toContain("latency_p95");
      expect(mandatory).toContain("error_rate");
      // A 2-core CI box cannot offer production throughput: informational only.
      expect(profile.objectives.find((o) => o.id === "throughput")?.mandatory).toBe(false);
      const thresholds = buildK6Thresholds(profile);
      expect(Object.keys(thresholds).length).toBeGreaterThan(0);
    },
  );
});

const SLOGATE_ROOT = path.dirname(THRESHOLDS_DIR);
const GENERIC_FILE = path.join(THRESHOLDS_DIR, "profiles", "generic.yaml");
const INIT_TEMPLATE = path.join(SLOGATE_ROOT, "templates", "init", "slo.yaml");

/** A user's project folder: maybe a slo.yaml, maybe profiles of its own under thresholds/profiles. */
function makeProject(files: Record<string, string | undefined>): string {
  const dir = mkdtempSync(path.join(tmpdir(), "slogate-project-"));
  made.push(dir);
  for (const [file, text] of Object.entries(files)) {
    if (text === undefined) continue;
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    writeFileSync(path.join(dir, file), text);
  }
  return dir;
}

describe("which profile is used", () => {
  const mine = BASE.replace("name: sample", "name: mine");
  const theirs = BASE.replace("name: sample", "name: shadow");

  it.each([
    {
      name: "no --profile and no slo.yaml: the generic profile",
      files: {},
      profile: undefined,
      expected: { name: "generic", file: GENERIC_FILE, chosenBy: "fallback" },
    },
    {
      name: "no --profile: the project's ./slo.yaml",
      files: { "slo.yaml": mine },
      profile: undefined,
      expected: { name: "mine", file: "slo.yaml", chosenBy: "project" },
    },
    {
      name: "--profile wins over ./slo.yaml",
      files: { "slo.yaml": mine },
      profile: "users-api",
      expected: {
        name: "users-api",
        file: path.join(THRESHOLDS_DIR, "profiles", "users-api.yaml"),
        chosenBy: "named",
      },
    },
    {
      name: "a name in the project's thresholds/profiles/ wins over slogate's",
      files: { "thresholds/profiles/users-api.yaml": theirs },
      profile: "users-api",
      expected: { name: "shadow", file: "thresholds/profiles/users-api.yaml", chosenBy: "named" },
    },
    {
      name: "a name only the project has",
      files: { "thresholds/profiles/checkout.yaml": mine },
      profile: "checkout",
      expected: { name: "mine", file: "thresholds/profiles/checkout.yaml", chosenBy: "named" },
    },
    {
      name: "a path, relative to the project",
      files: { "ci/slo-strict.yaml": mine },
      profile: "ci/slo-strict.yaml",
      expected: { name: "mine", file: "ci/slo-strict.yaml", chosenBy: "named" },
    },
  ])("$name", ({ files, profile, expected }) => {
    const cwd = makeProject(files);
    const loaded = loadProfile(profile, { cwd });
    expect({ name: loaded.profile.name, file: loaded.file, chosenBy: loaded.chosenBy }).toEqual({
      ...expected,
      file: path.resolve(cwd, expected.file),
    });
    // Without a tiers: field, every profile is judged on slogate's tiers (the seed's table).
    expect(loaded.tiers.file).toBe(path.join(THRESHOLDS_DIR, "tiers.yaml"));
  });

  it("a fallback (capacity's products-api) applies only when there is no ./slo.yaml", () => {
    const bare = loadProfile(undefined, { cwd: makeProject({}), fallback: "products-api" });
    expect(bare.profile.name).toBe("products-api");
    expect(bare.chosenBy).toBe("fallback");
    const withOwn = loadProfile(undefined, {
      cwd: makeProject({ "slo.yaml": mine }),
      fallback: "products-api",
    });
    expect(withOwn.profile.name).toBe("mine");
  });

  it("an unknown name lists both folders it looked in and every profile they hold", () => {
    const cwd = makeProject({ "thresholds/profiles/checkout.yaml": mine });
    let message = "";
    try {
      loadProfile("nope", { cwd });
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).code).toBe("PROFILE_NOT_FOUND");
      message = (error as ConfigError).message;
    }
    expect(message).toContain(path.join(cwd, "thresholds", "profiles", "nope.yaml"));
    expect(message).toContain(path.join(THRESHOLDS_DIR, "profiles", "nope.yaml"));
    expect(message).toMatch(/known profiles: .*checkout.*generic.*users-api/);
    expect(message).not.toContain("\n");
  });

  it("an invalid ./slo.yaml is one line naming the file and field, not a silent fall-back", () => {
    const cwd = makeProject({ "slo.yaml": mine.replace("version: 1", "version: 2") });
    expect(() => loadProfile(undefined, { cwd })).toThrow(
      new RegExp(
        `^${path.join(cwd, "slo.yaml").replaceAll(/[.*+?^${}()|[\]\\/]/g, "\\$&")}: version`,
      ),
    );
  });
});

describe("the generic profile", () => {
  it("judges every request on the seed's p95 and error-rate tiers; throughput is informational", () => {
    const { profile } = loadProfile("generic");
    const byId = Object.fromEntries(profile.objectives.map((o) => [o.id, o]));
    // The seed's Performance Targets: p95 <500/<200/<100 ms, errors <1%/<0.1%/<0.01%.
    expect(byId.latency_p95?.bounds).toMatchObject({ target: 500, good: 200, excellent: 100 });
    expect(byId.error_rate?.bounds).toMatchObject({
      target: 0.01,
      good: 0.001,
      excellent: 0.0001,
    });
    expect(byId.latency_p95?.mandatory).toBe(true);
    expect(byId.error_rate?.mandatory).toBe(true);
    expect(byId.throughput?.mandatory).toBe(false);
    // Every request: no route or method scope.
    for (const objective of profile.objectives) {
      expect(objective.measure).toMatchObject({
        kind: "k6",
        scope: { names: null, methods: null },
      });
    }
    expect(profile.requiredTier).toBe("target");
  });

  it("is what `slogate init` writes to slo.yaml, but for its name and description", () => {
    const generic = loadProfile("generic").profile;
    const template = loadProfile(INIT_TEMPLATE).profile;
    const judged = (profile: typeof generic) => ({
      requiredTier: profile.requiredTier,
      evaluation: profile.evaluation,
      k6: profile.k6,
      objectives: profile.objectives,
      prometheus: profile.prometheus,
      redaction: profile.redaction,
    });
    expect(judged(template)).toEqual(judged(generic));
    expect(template.name).not.toBe("generic");
  });

  it("explains every field of the template with a comment", () => {
    const lines = readFileSync(INIT_TEMPLATE, "utf8").split("\n");
    const fields = lines.flatMap((line, index) =>
      /^\s*(?:- )?[a-zA-Z]\w*:/.test(line) ? [index] : [],
    );
    expect(fields.length).toBeGreaterThan(10);
    for (const index of fields) {
      // A comment on the field's own line or on the line above it.
      const line = lines[index] ?? "";
      const above = lines[index - 1] ?? "";
      expect(line.includes("#") || above.trim().startsWith("#"), line).toBe(true);
    }
  });
});
