import { randomBytes } from "node:crypto";
import { readFileSync, readdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { startTargets, type RunningTargets } from "../../src/targets/index.js";
import { runK6Fixture, startLoopbackServer } from "../fixtures/k6-results.js";
import { readVerdict, reportsDirOf, runCli, tempDir } from "./cli.js";

let targets: RunningTargets | undefined;
afterEach(async () => {
  await targets?.close();
  targets = undefined;
});

const PASSWORD = "s3cretpw";

describe("credentials in the target URL never reach an output", () => {
  it("keeps user:password out of stdout, stderr and every file of the run", async () => {
    targets = await startTargets({ port: 0 });
    const url = new URL(targets.url);
    url.username = "user";
    url.password = PASSWORD;
    const cwd = tempDir();
    const result = await runCli(["run", "smoke", "--target", url.href, "--format", "json"], {
      cwd,
    });
    // The run really happened with those credentials: k6 sent requests and
    // slogate judged them (smoke is a functional run: it passes on a healthy service).
    expect(result.code, result.stderr.slice(-1500)).toBe(0);
    const dir = reportsDirOf(result);
    const verdict = readVerdict(dir);
    expect(verdict.objectives.some((o) => o.samples > 0)).toBe(true);
    expect(verdict.run?.target).toContain("127.0.0.1");
    const ndjson = readFileSync(path.join(dir, "k6.ndjson"), "utf8");
    expect(ndjson).toMatch(/"metric":"http_reqs"/);

    expect(result.stdout).not.toContain(PASSWORD);
    expect(result.stderr).not.toContain(PASSWORD);
    const files = readdirSync(dir);
    expect(files).toEqual(
      expect.arrayContaining(["k6.log", "k6.ndjson", "run.json", "verdict.json"]),
    );
    // Every file, the raw k6.ndjson included: k6 itself masks userinfo in
    // its `url` tags (****:****), and slogate redacts k6's log line by line.
    for (const file of files) {
      expect(readFileSync(path.join(dir, file), "utf8"), file).not.toContain(PASSWORD);
    }
  });

  it("keeps them out of k6's own error line, relayed, logged and quoted in the error verdict", async () => {
    // The scenario rejects a non-http BASE_URL at init with the value in its
    // message (k6 exit 107): the credentials pass through k6's log, slogate's
    // stderr and the one-line error, and each must hide them.
    targets = await startTargets({ port: 0 });
    const url = new URL(targets.url);
    url.username = "user";
    url.password = PASSWORD;
    const ftp = `ftp://user:${PASSWORD}@${url.host}`;
    const cwd = tempDir();
    const result = await runCli(["run", "smoke", "--target", url.href, "-e", `BASE_URL=${ftp}`], {
      cwd,
    });
    expect(result.code, result.stderr.slice(-1500)).toBe(3);
    expect(result.stderr).toMatch(
      /^slogate: the script threw an exception \(k6 exit 107 SCRIPT_EXCEPTION\): .*BASE_URL=ftp:\/\/\*\*\*@127\.0\.0\.1:\d+ is not an http\(s\) URL/m,
    );
    expect(result.stdout + result.stderr).not.toContain(PASSWORD);
    const [runId] = readdirSync(path.join(cwd, "reports"));
    const dir = path.join(cwd, "reports", runId ?? "");
    expect(readVerdict(dir).verdict).toBe("error");
    for (const file of readdirSync(dir)) {
      expect(readFileSync(path.join(dir, file), "utf8"), file).not.toContain(PASSWORD);
    }
    expect(readFileSync(path.join(dir, "k6.log"), "utf8")).toContain("ftp://***@127.0.0.1");
  });
});

/** A query parameter name and value made up for this run: nothing else can contain them. */
function madeUpPair(): { name: string; value: string } {
  return { name: `x_${randomBytes(3).toString("hex")}`, value: randomBytes(9).toString("hex") };
}

/** k6 NDJSON as `--out json` writes it, for requests whose `name` tag is their URL (k6's default). */
function writeNdjson(file: string, urls: string[]): void {
  const metric = (name: string, type: string, contains: string) =>
    `{"type":"Metric","data":{"name":"${name}","type":"${type}","contains":"${contains}","thresholds":[],"submetrics":null},"metric":"${name}"}`;
  const lines = [
    metric("http_reqs", "counter", "default"),
    metric("http_req_duration", "trend", "time"),
    metric("http_req_failed", "rate", "default"),
  ];
  const start = Date.parse("2026-01-01T12:00:00Z");
  for (let i = 0; i < 400; i++) {
    const url = urls[i % urls.length] ?? "";
    const tags = JSON.stringify({
      expected_response: "true",
      method: "GET",
      name: url,
      scenario: "default",
      status: "200",
      url,
    });
    const time = new Date(start + i * 50).toISOString();
    for (const [name, value] of [
      ["http_reqs", 1],
      ["http_req_duration", 5 + (i % 7)],
      ["http_req_failed", 0],
    ] as const) {
      lines.push(
        `{"metric":"${name}","type":"Point","data":{"time":"${time}","value":${value},"tags":${tags}}}`,
      );
    }
  }
  writeFileSync(file, `${lines.join("\n")}\n`);
}

/** A profile over every request; one objective names a route the evidence lacks, so its reason quotes what it holds. */
function writeProfile(file: string, showQueryValues: string[]): void {
  writeFileSync(
    file,
    [
      "version: 1",
      "name: query-values",
      "evaluation: { window: all, minWindowSeconds: 1 }",
      ...(showQueryValues.length > 0
        ? [`redaction: { showQueryValues: [${showQueryValues.join(", ")}] }`]
        : []),
      "objectives:",
      "  - id: latency_p95",
      "  - id: error_rate",
      "  - id: missing_route_errors",
      "    metric: http_req_failed",
      "    stat: rate",
      "    unit: ratio",
      "    tier: error_rate",
      "    mandatory: false",
      "    requests: { names: [/not/in/the/evidence] }",
      "",
    ].join("\n"),
  );
}

/** Every file `check --out` wrote, and what it printed. */
function readEverything(
  out: string,
  result: { stdout: string; stderr: string },
): [string, string][] {
  return [
    ...readdirSync(out).map((file): [string, string] => [
      file,
      readFileSync(path.join(out, file), "utf8"),
    ]),
    ["stdout", result.stdout],
    ["stderr", result.stderr],
  ];
}

describe("query values in URL tags never reach a report", () => {
  it("check --out: values under unlisted names are hidden in every format, an allow-listed one is shown", async () => {
    const cwd = tempDir();
    const q = { name: "q", value: randomBytes(9).toString("hex") };
    const custom = madeUpPair();
    const other = madeUpPair();
    const page = { name: "page", value: `7${randomBytes(4).toString("hex")}` };
    const ndjson = path.join(cwd, "k6.ndjson");
    writeNdjson(ndjson, [
      `http://127.0.0.1:8080/api/search?${q.name}=${q.value}&${custom.name}=${custom.value}&${page.name}=${page.value}`,
      `http://127.0.0.1:8080/api/items?${other.name}=${other.value}`,
    ]);
    const hidden = [q.value, custom.value, other.value];

    for (const allowed of [[], ["page"]]) {
      const profile = path.join(cwd, `profile-${allowed.length}.yaml`);
      writeProfile(profile, allowed);
      const out = path.join(cwd, `out-${allowed.length}`);
      const result = await runCli(
        ["check", "--k6", ndjson, "--profile", profile, "--out", out, "--format", "markdown"],
        { cwd },
      );
      expect([0, 1, 2], result.stderr.slice(-1500)).toContain(result.code);
      const everything = readEverything(out, result);
      expect(everything.map(([file]) => file)).toEqual(
        expect.arrayContaining([
          "verdict.json",
          "verdict.md",
          "junit.xml",
          "report.html",
          "verdict.txt",
        ]),
      );
      for (const [file, text] of everything) {
        for (const value of hidden)
          expect(text, `${file} (allow-list ${allowed.join()})`).not.toContain(value);
        if (allowed.length === 0) expect(text, file).not.toContain(page.value);
      }
      // The route table still tells the requests apart by their parameter names.
      const html = readFileSync(path.join(out, "report.html"), "utf8");
      expect(html).toContain(`${custom.name}=[redacted]`);
      if (allowed.length > 0) {
        expect(html).toContain(`${page.name}=${page.value}`);
        expect(readFileSync(path.join(out, "verdict.md"), "utf8")).toContain(page.value);
      }
    }
  });

  it("real k6 requests with a query string and no name tag: check --out hides their values", async () => {
    const server = await startLoopbackServer();
    try {
      const secret = madeUpPair();
      const q = randomBytes(9).toString("hex");
      const script = `
import http from "k6/http";
export const options = { vus: 1, iterations: 20 };
export default function () {
  http.get(__ENV.BASE_URL + "/search?q=${q}&${secret.name}=${secret.value}");
}
`;
      const k6 = await runK6Fixture(script, { BASE_URL: server.url });
      expect(k6.run.exit.code, k6.run.exit.name).toBe(0);
      // k6 itself writes the values into the name and url tags.
      expect(readFileSync(k6.ndjsonPath, "utf8")).toContain(secret.value);

      const cwd = tempDir();
      const profile = path.join(cwd, "profile.yaml");
      writeProfile(profile, []);
      const out = path.join(cwd, "out");
      const result = await runCli(
        ["check", "--k6", k6.ndjsonPath, "--profile", profile, "--out", out],
        {
          cwd,
        },
      );
      expect([0, 1, 2], result.stderr.slice(-1500)).toContain(result.code);
      for (const [file, text] of readEverything(out, result)) {
        expect(text, file).not.toContain(secret.value);
        expect(text, file).not.toContain(q);
      }
      expect(readFileSync(path.join(out, "report.html"), "utf8")).toContain(
        `/search?q=[redacted]&amp;${secret.name}=[redacted]`,
      );
    } finally {
      await server.close();
    }
  });
});
