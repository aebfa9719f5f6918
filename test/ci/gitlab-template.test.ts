import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { createRunId } from "../../src/commands/run-id.js";
import { REPORT_FILE_NAMES } from "../../src/reports/write-reports.js";
import { globToRegExp, jobsOf, readGitlabCi, resolveJob, type GitlabJob } from "./gitlab.js";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const TEMPLATE_FILE = path.join(ROOT, "ci/gitlab/slogate.gitlab-ci.yml");
const INIT_FILE = path.join(ROOT, "templates/init/.gitlab-ci.yml");
const template = readGitlabCi(TEMPLATE_FILE);
const init = readGitlabCi(INIT_FILE);
const packageVersion = (
  JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")) as { version: string }
).version;

/** Every `$NAME` / `${NAME}` a script reads. */
function variablesRead(lines: string[]): string[] {
  return [...lines.join("\n").matchAll(/\$\{?([A-Z][A-Z0-9_]*)/g)].map((match) => match[1] ?? "");
}

/** The shell a job runs: before_script then script, in one session, as the runner does. */
function shellOf(job: GitlabJob): string {
  return [...(job.before_script ?? []), ...(job.script ?? [])].join("\n");
}

describe("the GitLab CI template (ci/gitlab/slogate.gitlab-ci.yml)", () => {
  const jobs = jobsOf(template);
  const slogate = jobs[".slogate"];

  it("adds only hidden jobs and no global keys, so an include changes nothing by itself", () => {
    expect(Object.keys(template)).toEqual([".slogate"]);
    expect(slogate).toBeDefined();
  });

  it("is a job GitLab can run: an image, a script of strings, no before_script to collide with the user's", () => {
    expect(slogate?.image).toMatch(/^node:(2\d|[3-9]\d)\b/);
    expect(Array.isArray(slogate?.script)).toBe(true);
    for (const line of slogate?.script ?? []) expect(typeof line).toBe("string");
    expect(slogate?.before_script).toBeUndefined();
  });

  it("keeps reports/ as an artifact even when the job fails, with the JUnit file slogate writes as the test report", () => {
    const artifacts = slogate?.artifacts;
    expect(artifacts?.when).toBe("always");
    expect(artifacts?.paths).toContain("reports/");
    const junit = [artifacts?.reports?.junit ?? []].flat();
    expect(junit.length).toBeGreaterThan(0);
    // Where `run --reports-dir reports` and `check --out reports/<stamp>-check` put it.
    const written = [
      path.posix.join("reports", createRunId("load", new Date()), REPORT_FILE_NAMES.junit),
      path.posix.join("reports", "20261205-101500-check", REPORT_FILE_NAMES.junit),
    ];
    for (const file of written) {
      expect(
        junit.some((glob) => globToRegExp(glob).test(file)),
        `${junit.join(", ")} ~ ${file}`,
      ).toBe(true);
    }
    const script = (slogate?.script ?? []).join("\n");
    expect(script).toMatch(/--reports-dir reports\b/);
    expect(script).toMatch(/--out "reports\//);
  });

  it("caches the k6 build folder it points SLOGATE_CACHE_DIR at, inside the project as GitLab requires", () => {
    const cacheDir = slogate?.variables?.SLOGATE_CACHE_DIR ?? "";
    expect(cacheDir.startsWith("$CI_PROJECT_DIR/")).toBe(true);
    const relative = `${cacheDir.slice("$CI_PROJECT_DIR/".length)}/`;
    expect(slogate?.cache?.paths).toContain(relative);
    // A cache key may not contain '/' nor be '.' or '..'.
    expect(String(slogate?.cache?.key)).toMatch(/^[^/]+$/);
  });

  it("declares every SLOGATE_ variable its script reads, and installs this package's version", () => {
    const declared = Object.keys(slogate?.variables ?? {});
    const read = variablesRead(slogate?.script ?? []).filter((name) => name.startsWith("SLOGATE_"));
    expect(read.length).toBeGreaterThan(0);
    for (const name of read) expect(declared, name).toContain(name);
    expect(slogate?.variables?.SLOGATE_VERSION).toBe(packageVersion);
  });

  it.each(["bash", "sh"])("has a script %s can parse", (shell) => {
    const result = spawnSync(shell, ["-n"], { input: shellOf(slogate ?? {}), encoding: "utf8" });
    expect(result.status, result.stderr).toBe(0);
  });
});

describe("the GitLab pipeline `slogate init` writes (templates/init/.gitlab-ci.yml)", () => {
  const jobs = jobsOf(init);
  const visible = Object.keys(jobs).filter((name) => !name.startsWith("."));
  const stages = init.stages;

  it("has stages and at least a smoke and a load job in them", () => {
    expect(Array.isArray(stages)).toBe(true);
    expect(visible.length).toBeGreaterThanOrEqual(2);
    for (const name of visible) expect(stages, `${name}.stage`).toContain(jobs[name]?.stage);
  });

  it("extends only jobs that exist, and carries slogate's template job unchanged", () => {
    for (const [name, job] of Object.entries(jobs)) {
      for (const parent of job.extends === undefined ? [] : [job.extends].flat()) {
        expect(Object.keys(jobs), `${name} extends ${parent}`).toContain(parent);
      }
    }
    // The copy must not drift from the template users can include instead.
    expect(jobs[".slogate"]).toEqual(jobsOf(template)[".slogate"]);
  });

  it.each(visible)(
    "job %s resolves to a script of strings that runs a scenario, with the JUnit report",
    (name) => {
      const job = resolveJob(jobs, name);
      expect(Array.isArray(job.script)).toBe(true);
      for (const line of [...(job.before_script ?? []), ...(job.script ?? [])]) {
        expect(typeof line).toBe("string");
      }
      expect(job.variables?.SLOGATE_SCENARIO).toMatch(/\S/);
      expect(job.variables?.SLOGATE_TARGET).toMatch(/^https?:\/\//);
      expect(job.artifacts?.reports?.junit).toBeDefined();
      expect(job.artifacts?.when).toBe("always");
      for (const need of job.needs ?? []) {
        expect(visible).toContain(typeof need === "string" ? need : need.job);
      }
      const result = spawnSync("bash", ["-n"], { input: shellOf(job), encoding: "utf8" });
      expect(result.status, result.stderr).toBe(0);
    },
  );

  it("runs the scenarios slogate init writes beside it", () => {
    const scenarios = visible.map(
      (name) => resolveJob(jobs, name).variables?.SLOGATE_SCENARIO ?? "",
    );
    for (const scenario of scenarios) {
      expect(existsSync(path.join(ROOT, "templates/init", scenario)), scenario).toBe(true);
    }
  });
});
