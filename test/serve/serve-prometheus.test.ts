// The verdict paths of `slogate serve` (pass, fail, no data) against a real
// Prometheus scraping the real reference service under real k6 traffic: one
// healthy service, one answering 10 % of API requests with 503, and a canary
// nobody scrapes (the shared live stack, test/fixtures/live-stack.ts).
// serve.test.ts covers parameters, auth and Prometheus failures with a
// loopback stand-in; nothing here is stubbed.
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { check } from "../../src/commands/check.js";
import { serve } from "../../src/commands/serve.js";
import { renderJson } from "../../src/reports/json.js";
import type { RunningServe } from "../../src/serve/server.js";
import { hostOf, LIVE_ERROR_RATIO, LIVE_PROFILE } from "../fixtures/live-stack.js";

const PROFILE = LIVE_PROFILE;
const ERROR_RATIO = LIVE_ERROR_RATIO;
const stack = inject("liveStack");

interface Answer {
  verdict: string;
  achievedTier: string | null;
  objectives: Record<string, unknown>[];
  [key: string]: unknown;
}

let server: RunningServe;

async function analyse(canary: string): Promise<Answer> {
  const response = await fetch(
    `${server.url}/v1/analysis/${PROFILE}?window=2m&service=slogate-targets&canary=${canary}`,
  );
  expect(response.status).toBe(200);
  return (await response.json()) as Answer;
}

function explain(answer: Answer): string {
  return answer.objectives.map((o) => `${String(o.id)}: ${String(o.reason)}`).join("\n");
}

beforeAll(async () => {
  server = await serve({
    port: 0,
    prometheus: stack.prometheusUrl,
    // The reference service's series carry job and instance; instance picks the canary.
    serviceLabel: "job",
    namespaceLabel: "none",
    canaryLabel: "instance",
    log: () => undefined,
  });
});

afterAll(async () => {
  await server?.close();
});

describe("slogate serve against a real Prometheus and the reference service", () => {
  it("healthy service: pass at the Target tier or better", async () => {
    const answer = await analyse(hostOf(stack.healthyUrl));
    expect(answer.verdict, explain(answer)).toBe("pass");
    expect(answer.achievedTier).not.toBeNull();
    const errors = answer.objectives.find((o) => o.id === "error_rate");
    expect(errors).toMatchObject({ verdict: "pass", source: "prometheus" });
    expect(errors?.samples).toBeGreaterThan(100);
  });

  it("injected 10 % errors: fail on error_rate, with the ratio the service was told to inject", async () => {
    const answer = await analyse(hostOf(stack.faultyUrl));
    expect(answer.verdict, explain(answer)).toBe("fail");
    const errors = answer.objectives.find((o) => o.id === "error_rate");
    expect(errors?.verdict).toBe("fail");
    console.log(
      `serve: faulty error_rate ${String(errors?.value)} over ${String(errors?.samples)} requests`,
    );
    expect(errors?.value).toBeGreaterThan(ERROR_RATIO / 2);
    expect(errors?.value).toBeLessThan(ERROR_RATIO * 2);
  });

  it("no data (a canary nobody scrapes): inconclusive, no tier, no objective passes", async () => {
    const answer = await analyse("127.0.0.1:1");
    expect(answer.verdict, explain(answer)).toBe("inconclusive");
    expect(answer.achievedTier).toBeNull();
    for (const objective of answer.objectives) expect(objective.verdict).not.toBe("pass");
  });

  it("answers the CI verdict's schema: same top-level and objective keys as `check` on the same run", async () => {
    const ci = JSON.parse(
      renderJson(await check({ k6Paths: [stack.healthyNdjson], profile: PROFILE })),
    ) as Answer;
    const answer = await analyse(hostOf(stack.healthyUrl));
    // `prometheus` (server beside client figures) exists only when check queried Prometheus.
    expect(Object.keys(answer).sort()).toEqual(
      Object.keys(ci)
        .filter((key) => key !== "prometheus")
        .sort(),
    );
    expect(answer.objectives.map((o) => o.id)).toEqual(ci.objectives.map((o) => o.id));
    answer.objectives.forEach((objective, i) => {
      const expected = ci.objectives[i] ?? {};
      expect(Object.keys(objective).sort(), String(objective.id)).toEqual(
        Object.keys(expected).sort(),
      );
      expect(Object.keys(objective.bounds as object).sort()).toEqual(
        Object.keys(expected.bounds as object).sort(),
      );
    });
    expect(answer.schemaVersion).toBe(ci.schemaVersion);
  });
});
