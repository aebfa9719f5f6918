import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import type { CapacityResult } from "../../src/core/capacity/result.js";
import { DEFAULT_STEP_CRITERIA } from "../../src/core/capacity/step.js";
import type { ReportInput } from "../../src/core/types.js";
import { redactQueryValues, redactReportText } from "../../src/redact.js";
import { CAPACITY_FILE_NAMES, renderCapacityReport } from "../../src/reports/capacity-write.js";
import { REPORT_FORMATS, renderReport } from "../../src/reports/write-reports.js";
import { buildReportInput } from "../fixtures/report-inputs.js";

// Stand-in uPlot: the HTML format embeds it, its content is irrelevant here.
const UPLOT = { script: "window.uPlot = function () {};", css: ".u {}" };

describe("redactQueryValues", () => {
  it.each([
    {
      name: "every value of a path's query, names kept",
      text: "/api/v1/users?q=s3cr3t&x_custom=zzzz123",
      shown: [],
      expected: "/api/v1/users?q=[redacted]&x_custom=[redacted]",
    },
    {
      name: "an absolute URL; the fragment's parameters too",
      text: "https://h.example:8443/cb?code=abc#state=xyz",
      shown: [],
      expected: "https://h.example:8443/cb?code=[redacted]#state=[redacted]",
    },
    {
      name: "allow-listed names keep their values",
      text: "/items?page=2&limit=50&q=secret",
      shown: ["page", "limit"],
      expected: "/items?page=2&limit=50&q=[redacted]",
    },
    {
      name: "a value holding '=' and '?' is hidden whole",
      text: "/x?sig=ab==?c&y=1",
      shown: [],
      expected: "/x?sig=[redacted]&y=[redacted]",
    },
    {
      name: "URLs inside a sentence, punctuation after them kept",
      text: "no requests for /a?t=v1, /b?u=v2. Select them.",
      shown: [],
      expected: "no requests for /a?t=[redacted], /b?u=[redacted]. Select them.",
    },
    {
      name: "a check name quoting a query",
      text: "GET /api/v1/users?limit=101: status 400",
      shown: [],
      expected: "GET /api/v1/users?limit=[redacted]: status 400",
    },
    {
      name: "bare names and empty values hide nothing and stay",
      text: "/users?email&debug=",
      shown: [],
      expected: "/users?email&debug=",
    },
    {
      name: "a fragment without a query (an OAuth callback)",
      text: "https://h.example/cb#code=SECRETCODE&state=xyz",
      shown: [],
      expected: "https://h.example/cb#code=[redacted]&state=[redacted]",
    },
    {
      name: "a hash in prose is not a fragment",
      text: "see issue #12, color #fff",
      shown: [],
      expected: "see issue #12, color #fff",
    },
    {
      name: "a question mark in prose is not a query",
      text: "was the file cut at its start? (responseCallback disabled?)",
      shown: [],
      expected: "was the file cut at its start? (responseCallback disabled?)",
    },
  ])("$name", ({ text, shown, expected }) => {
    expect(redactQueryValues(text, shown)).toBe(expected);
  });

  it("is idempotent", () => {
    const once = redactQueryValues("/a?x=1&y=2#z=3");
    expect(redactQueryValues(once)).toBe(once);
  });

  it("still hides a credential-named parameter even when allow-listed", () => {
    expect(redactReportText("/a?token=abc&page=3", { showQueryValues: ["token", "page"] })).toBe(
      "/a?token=***&page=3",
    );
  });

  it("stays linear on pathological input", () => {
    const started = performance.now();
    redactQueryValues(`/a?${"b=c&".repeat(50_000)}`);
    redactQueryValues(`/a?${".".repeat(100_000)}x`);
    redactQueryValues("?a".repeat(50_000));
    expect(performance.now() - started).toBeLessThan(2_000);
  });
});

/** A random parameter name and value no report text could contain by chance. */
function randomPair(): { name: string; value: string } {
  return {
    name: `p_${randomBytes(4).toString("hex")}`,
    value: `v${randomBytes(8).toString("hex")}`,
  };
}

function inputWithQueries(allowed: string[] = []): {
  input: ReportInput;
  hidden: string[];
  shown: string[];
  names: string[];
} {
  const pairs = Array.from({ length: 6 }, randomPair);
  const [a, b, c, d, e, f] = pairs as [
    ReturnType<typeof randomPair>,
    ReturnType<typeof randomPair>,
    ReturnType<typeof randomPair>,
    ReturnType<typeof randomPair>,
    ReturnType<typeof randomPair>,
    ReturnType<typeof randomPair>,
  ];
  const page = { name: "page", value: `pg${randomBytes(4).toString("hex")}` };
  const base = buildReportInput({
    routeName: `http://127.0.0.1:8080/api/v1/search?${a.name}=${a.value}&${page.name}=${page.value}`,
    reason: `no requests for /api/v1/users; the evidence holds /api/v1/users?${b.name}=${b.value} (12)`,
    finding: `k6 said: request to https://user:pw@api.example/x?${c.name}=${c.value} failed`,
    target: `http://127.0.0.1:8080/?${d.name}=${d.value}`,
    profile: `p?${e.name}=${e.value}`,
  });
  const input: ReportInput = {
    ...base,
    verdict: {
      ...base.verdict,
      objectives: base.verdict.objectives.map((objective, index) =>
        index === 0 ? { ...objective, id: `latency_p95?${f.name}=${f.value}` } : objective,
      ),
    },
    ...(allowed.length > 0 ? { redaction: { showQueryValues: allowed } } : {}),
  };
  return {
    input,
    hidden: pairs.map((pair) => pair.value).concat(allowed.includes("page") ? [] : [page.value]),
    shown: allowed.includes("page") ? [page.value] : [],
    names: pairs.map((pair) => pair.name),
  };
}

const ROUTE_FORMATS = new Set<string>(["markdown", "html"]);

describe("no report format shows a query value", () => {
  it.each(REPORT_FORMATS)("%s: values hidden, names kept, userinfo gone", (format) => {
    const { input, hidden, names } = inputWithQueries();
    const rendered = renderReport(format, input, { uplot: UPLOT });
    for (const value of hidden) expect(rendered, value).not.toContain(value);
    // Route rows are listed in Markdown and HTML only; the text, JUnit and JSON verdicts leave them out.
    const expectedNames = ROUTE_FORMATS.has(format) ? names : names.slice(1);
    // Markdown escapes `_` and brackets; read it as its reader would.
    const plain = format === "markdown" ? rendered.replace(/\\(?=[_[\]*])/g, "") : rendered;
    for (const name of expectedNames) expect(plain, name).toContain(`${name}=[redacted]`);
    expect(rendered).not.toContain("user:pw");
  });

  it.each(REPORT_FORMATS)("%s: an allow-listed parameter shows its value", (format) => {
    const { input, hidden, shown } = inputWithQueries(["page"]);
    const rendered = renderReport(format, input, { uplot: UPLOT });
    for (const value of hidden) expect(rendered, value).not.toContain(value);
    // The allow-listed value sits in a route name.
    if (ROUTE_FORMATS.has(format)) {
      for (const value of shown) expect(rendered, value).toContain(`page=${value}`);
    }
  });
});

function capacityResult(secret: string): CapacityResult {
  const withQuery = `/api/v1/products?q_${secret}=${secret}`;
  return {
    schemaVersion: 1,
    kind: "found",
    capacityRatePerSecond: 100,
    firstFailingRatePerSecond: 200,
    generatorLimitRatePerSecond: null,
    atLeast: false,
    bracketRatio: 1,
    throughputTier: "none",
    statement: "capacity 100 req/s (first failing 200 req/s)",
    target: `http://127.0.0.1:1/?tenant=${secret}`,
    profile: "products-api",
    scenario: "capacity",
    requiredTier: "target",
    latencyBoundMs: 500,
    latencyBounds: { direction: "max", target: 500, good: 200, excellent: 100 },
    throughputBounds: { direction: "min", target: 1000, good: 5000, excellent: 10000 },
    stoppedBy: "precision",
    settings: {
      startRatePerSecond: 100,
      minRatePerSecond: 100,
      maxRatePerSecond: 1000,
      growthFactor: 2,
      precisionRatio: 0.05,
      maxSteps: 5,
      warmUpSeconds: 1,
      steadySeconds: 3,
      budgetSeconds: 60,
      criteria: DEFAULT_STEP_CRITERIA,
    },
    steps: [
      {
        index: 1,
        ratePerSecond: 200,
        reason: "start",
        repeated: false,
        outcome: "fail",
        limitedBy: "service",
        reasons: [`error_rate breached on ${withQuery}`],
        achievedRatePerSecond: 190,
        completedRatio: 0.95,
        requests: 600,
        failedRequests: 30,
        errorRate: 0.05,
        p50Ms: 10,
        p95Ms: 40,
        p99Ms: 60,
        completedIterations: 570,
        droppedIterations: 0,
        meanIterationMs: 10,
        vuDemand: 2,
        preAllocatedVUs: 10,
        maxVUs: 10,
        k6CpuCores: 0.2,
        hostBusyRatio: 0.3,
        hostCores: 2,
        objectives: [
          {
            id: "error_rate",
            value: 0.05,
            unit: "ratio",
            samples: 600,
            tier: "none",
            verdict: "fail",
            reason: `5% failed, most on ${withQuery}`,
          },
        ],
        warmUpSeconds: 1,
        steadySeconds: 3,
        startedAt: "2026-01-01T00:00:00.000Z",
        wallSeconds: 5,
        k6ExitCode: 0,
        dir: "steps/01-200rps",
      },
    ],
    highestAchievedRatePerSecond: 190,
    findings: [{ severity: "warning", code: "X", message: `saw ${withQuery}` }],
    k6: { version: "v1.0.0" },
    startedAt: "2026-01-01T00:00:00.000Z",
    endedAt: "2026-01-01T00:00:10.000Z",
    wallSeconds: 10,
    runId: "20260101-000000-capacity-abcd",
  };
}

describe("capacity reports hide query values too", () => {
  it.each(Object.keys(CAPACITY_FILE_NAMES) as (keyof typeof CAPACITY_FILE_NAMES)[])(
    "%s",
    (format) => {
      const secret = randomBytes(6).toString("hex");
      const rendered = renderCapacityReport(format, capacityResult(secret), UPLOT);
      // The parameter's name carries the secret too in this fixture, so count
      // only `=<secret>`: names stay, values go.
      expect(rendered).not.toContain(`=${secret}`);
      expect(rendered).toContain("tenant=[redacted]");
    },
  );
});
