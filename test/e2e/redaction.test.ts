import { readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { startTargets, type RunningTargets } from "../../src/targets/index.js";
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
    // slogate judged them (smoke is usually inconclusive: too few samples).
    expect([0, 1, 2], result.stderr.slice(-1500)).toContain(result.code);
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
