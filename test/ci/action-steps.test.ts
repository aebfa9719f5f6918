import { spawnSync } from "node:child_process";
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { ensureK6, resolveCacheDir, type K6Binary } from "../../src/k6/provision.js";
import { startTargets, type RunningTargets } from "../../src/targets/index.js";
import { runCompositeAction, type CompositeRunResult, type StepRecord } from "./composite.js";
import { globToRegExp, jobsOf, readGitlabCi, type GitlabJob } from "./gitlab.js";

// The GitHub Action's and the GitLab template's shell, run for real: the
// action's steps in order (if:, ${{ }} and GITHUB_OUTPUT/STEP_SUMMARY as the
// runner handles them; the `uses:` steps stand in, recorded) in a temp project
// that installs slogate from this repository's `npm pack` tarball, with the
// real k6 against the reference service on loopback. TIME_SCALE 0.04 turns the
// load scenario's 2m/5m/2m into ~5s/12s/5s, enough evidence for the sample
// rules at 80 iterations/s (as in test/e2e/gate.test.ts). `npm run build`
// must have run: the tarball packs dist/.

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const PACKAGE_VERSION = (
  JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")) as { version: string }
).version;
const LOAD_INPUTS = { scenario: "load", profile: "users-api", rate: "80", "time-scale": "0.04" };
const STEP_TIMEOUT_MS = 300_000;

let k6: K6Binary;
let cacheDir = "";
let tarball = "";
let env: NodeJS.ProcessEnv = {};
let projectWithDependency = "";
let targets: RunningTargets | undefined;
/** NDJSON of the passing and the failing run, judged again by `check`. */
const ndjson: { pass?: string; fail?: string } = {};

afterEach(async () => {
  await targets?.close();
  targets = undefined;
});

/** This process's environment without the CI runner's own GITHUB_ and npm_ settings. */
function cleanEnvironment(): NodeJS.ProcessEnv {
  const clean = Object.fromEntries(
    Object.entries(process.env).filter(
      ([key]) => !/^(GITHUB_|RUNNER_|ACTIONS_|CI_|npm_)/i.test(key),
    ),
  );
  return {
    ...clean,
    NO_COLOR: "1",
    SLOGATE_CACHE_DIR: cacheDir,
    // The dependencies come from npm's cache when it has them.
    npm_config_prefer_offline: "true",
    npm_config_update_notifier: "false",
  };
}

function tempProject(packageJson: object): string {
  const dir = mkdtempSync(path.join(tmpdir(), "slogate-ci-project-"));
  writeFileSync(path.join(dir, "package.json"), `${JSON.stringify(packageJson, null, 2)}\n`);
  return dir;
}

/** Stands in for the `uses:` steps, checking what the action hands them. */
function fakeActions(name: string, inputs: Record<string, string>): Record<string, string> {
  if (name.startsWith("actions/cache@")) {
    expect(inputs.path).toBe(cacheDir);
    // One k6 build per slogate version (which pins k6) and runner.
    expect(inputs.key).toContain(PACKAGE_VERSION);
    // A miss: the next steps must then be able to build k6 (setup-go, slogate setup).
    return { "cache-hit": "false" };
  }
  if (name.startsWith("actions/setup-go@")) {
    expect(existsSync(inputs["go-version-file"] ?? ""), inputs["go-version-file"]).toBe(true);
    return {};
  }
  if (name.startsWith("actions/setup-node@") || name.startsWith("actions/upload-artifact@")) {
    return {};
  }
  throw new Error(`action.yml uses ${name}, which this test does not stand in for`);
}

function runAction(workspace: string, inputs: Record<string, string>): Promise<CompositeRunResult> {
  return runCompositeAction({
    actionPath: ROOT,
    inputs,
    workspace,
    env,
    uses: fakeActions,
    stepTimeoutMs: STEP_TIMEOUT_MS,
  });
}

function stepById(result: CompositeRunResult, id: string) {
  const step = result.steps.find((record) => record.id === id);
  if (step?.kind !== "run") throw new Error(`step ${id} did not run: ${JSON.stringify(step)}`);
  return step;
}

function usesStep(result: CompositeRunResult, prefix: string) {
  return result.steps.find(
    (record): record is Extract<StepRecord, { kind: "uses" }> =>
      record.kind === "uses" && record.uses.startsWith(prefix),
  );
}

/** Everything a step printed, for assertion messages. */
function logOf(result: CompositeRunResult): string {
  return result.steps
    .map((step) =>
      step.kind === "run"
        ? `--- step ${step.index} (${step.id ?? ""}) exit ${step.exitCode}\n${step.stdout.slice(-1500)}\n${step.stderr.slice(-2500)}`
        : `--- step ${step.index} ${step.kind}`,
    )
    .join("\n");
}

/** Copies a run's NDJSON out of its project, where later tests move reports/ away. */
function keep(file: string, name: string): string {
  const copy = path.join(mkdtempSync(path.join(tmpdir(), "slogate-ci-ndjson-")), `${name}.ndjson`);
  copyFileSync(file, copy);
  return copy;
}

function headingsIn(summary: string): number {
  return summary.match(/^### slogate: /gm)?.length ?? 0;
}

/** The Markdown verdict slogate wrote beside the other reports, as the summary should hold it. */
function verdictMarkdown(reportDir: string): string {
  return readFileSync(path.join(reportDir, "verdict.md"), "utf8").trim();
}

function verdictOf(reportDir: string): string {
  return (
    JSON.parse(readFileSync(path.join(reportDir, "verdict.json"), "utf8")) as { verdict: string }
  ).verdict;
}

beforeAll(async () => {
  // The k6 the action's `slogate setup` finds through SLOGATE_CACHE_DIR, provisioned by slogate itself.
  k6 = await ensureK6();
  cacheDir = resolveCacheDir().dir;
  env = cleanEnvironment();
  expect(existsSync(path.join(ROOT, "dist/cli/main.js")), "run `npm run build` first").toBe(true);
  const packDir = mkdtempSync(path.join(tmpdir(), "slogate-pack-"));
  const pack = spawnSync("npm", ["pack", "--silent", "--pack-destination", packDir], {
    cwd: ROOT,
    env,
    encoding: "utf8",
    timeout: 180_000,
  });
  expect(pack.status, pack.stderr).toBe(0);
  tarball = path.join(packDir, pack.stdout.trim().split("\n").at(-1) ?? "");
  expect(existsSync(tarball), tarball).toBe(true);
  projectWithDependency = tempProject({
    name: "my-service",
    private: true,
    devDependencies: { slogate: `file:${tarball}` },
  });
}, 900_000);

describe("the GitHub Action's steps in a project that depends on slogate", () => {
  it(
    "passes a healthy service: exit 0, slogate's verdict once in the summary, the run's reports uploaded",
    async () => {
      targets = await startTargets({ port: 0, faults: "none" });
      const result = await runAction(projectWithDependency, {
        ...LOAD_INPUTS,
        target: targets.url,
      });
      expect(result.failed, logOf(result)).toBe(false);
      expect(result.exitCode).toBe(0);

      const install = stepById(result, "install");
      expect(install.outputs).toEqual({
        version: PACKAGE_VERSION,
        "package-dir": path.join(projectWithDependency, "node_modules", "slogate"),
        "cache-dir": cacheDir,
      });
      // `slogate setup` found the k6 slogate provisions, through the folder the action caches.
      const setup = result.steps.find(
        (step) => step.kind === "run" && step.step.run?.includes("slogate setup"),
      );
      expect(setup?.kind === "run" ? setup.stdout : "").toContain(k6.path);

      expect(result.outputs["exit-code"]).toBe("0");
      expect(result.outputs.verdict).toBe("pass");
      const reportDir = result.outputs["report-dir"] ?? "";
      expect(path.dirname(reportDir)).toBe(path.join(projectWithDependency, "reports"));
      expect(verdictOf(reportDir)).toBe("pass");
      expect(existsSync(path.join(reportDir, "junit.xml"))).toBe(true);

      const upload = usesStep(result, "actions/upload-artifact@");
      expect(upload?.with.path).toBe(reportDir);
      expect(upload?.with.name).toBe(`slogate-${path.basename(reportDir)}`);

      // slogate appends the verdict itself; the action adds nothing beside it.
      expect(headingsIn(result.summary)).toBe(1);
      expect(result.summary).toContain(verdictMarkdown(reportDir));
      ndjson.pass = keep(path.join(reportDir, "k6.ndjson"), "pass");
    },
    STEP_TIMEOUT_MS * 2,
  );

  it(
    "fails when 2% of requests get a 5xx: the reports are still uploaded, then the job exits 1",
    async () => {
      targets = await startTargets({ port: 0, faults: "error=0.02,seed=11" });
      const result = await runAction(projectWithDependency, {
        ...LOAD_INPUTS,
        target: targets.url,
      });
      expect(result.failed, logOf(result)).toBe(true);
      expect(result.exitCode).toBe(1);
      expect(stepById(result, "install").stdout).toContain("using the project's installed slogate");
      // The step that runs slogate keeps the code; the last step, after the upload, exits with it.
      expect(stepById(result, "slogate").exitCode).toBe(0);
      expect(result.outputs).toMatchObject({ "exit-code": "1", verdict: "fail" });
      const reportDir = result.outputs["report-dir"] ?? "";
      expect(verdictOf(reportDir)).toBe("fail");
      expect(usesStep(result, "actions/upload-artifact@")?.with.path).toBe(reportDir);
      const last = result.steps.at(-1);
      expect(last?.kind === "run" ? last.exitCode : null).toBe(1);
      expect(headingsIn(result.summary)).toBe(1);
      expect(result.summary).toContain(verdictMarkdown(reportDir));
      ndjson.fail = keep(path.join(reportDir, "k6.ndjson"), "fail");
    },
    STEP_TIMEOUT_MS * 2,
  );

  it("names the missing input in one line and exits 3 without running k6", async () => {
    const result = await runAction(projectWithDependency, { scenario: "load" });
    expect(result.exitCode, logOf(result)).toBe(3);
    expect(result.outputs).toMatchObject({ "exit-code": "3", verdict: "error", "report-dir": "" });
    expect(stepById(result, "slogate").stderr).toMatch(
      /^::error title=slogate::input target is empty/m,
    );
    expect(result.summary).toMatch(/^### slogate: error \(exit 3\)\n\ninput target is empty/m);
    // Nothing to upload.
    expect(usesStep(result, "actions/upload-artifact@")).toBeUndefined();
  });
});

describe("the GitHub Action's steps in a project without slogate", () => {
  it(
    "installs slogate without saving it and judges k6 results given by a glob (check), exit 0",
    async () => {
      expect(ndjson.pass, "needs the NDJSON of the passing run above").toBeDefined();
      const project = tempProject({ name: "results-only", private: true });
      const packageJson = readFileSync(path.join(project, "package.json"), "utf8");
      mkdirSync(path.join(project, "results"));
      copyFileSync(ndjson.pass ?? "", path.join(project, "results", "runner-1.ndjson"));

      const result = await runAction(project, {
        "k6-results": "results/runner-*.ndjson",
        profile: "users-api",
        version: `file:${tarball}`,
      });
      expect(result.exitCode, logOf(result)).toBe(0);
      expect(readFileSync(path.join(project, "package.json"), "utf8")).toBe(packageJson);
      expect(stepById(result, "install").outputs.version).toBe(PACKAGE_VERSION);
      const reportDir = result.outputs["report-dir"] ?? "";
      expect(path.dirname(reportDir)).toBe(path.join(project, "reports"));
      expect(path.basename(reportDir)).toMatch(/-check-/);
      expect(verdictOf(reportDir)).toBe("pass");
      expect(result.outputs.verdict).toBe("pass");
      expect(headingsIn(result.summary)).toBe(1);
      expect(result.summary).toContain(verdictMarkdown(reportDir));
    },
    STEP_TIMEOUT_MS * 2,
  );
});

describe("the GitHub Action's baseline input", () => {
  it(
    "passes baseline (a glob) to slogate: the verdict's comparison names it and never calls 2 % errors unchanged",
    async () => {
      expect(ndjson.pass, "needs the NDJSON of the passing run above").toBeDefined();
      expect(ndjson.fail, "needs the NDJSON of the failing run above").toBeDefined();
      const project = tempProject({ name: "baseline-input", private: true });
      mkdirSync(path.join(project, "main"));
      copyFileSync(ndjson.pass ?? "", path.join(project, "main", "runner-1.ndjson"));
      copyFileSync(ndjson.fail ?? "", path.join(project, "pr.ndjson"));

      const result = await runAction(project, {
        "k6-results": "pr.ndjson",
        baseline: "main/runner-*.ndjson",
        profile: "users-api",
        version: `file:${tarball}`,
      });
      expect(result.exitCode, logOf(result)).toBe(1);
      const reportDir = result.outputs["report-dir"] ?? "";
      const verdict = JSON.parse(readFileSync(path.join(reportDir, "verdict.json"), "utf8")) as {
        comparison?: {
          baseline: { files: string[] };
          objectives: { id: string; verdict: string }[];
        };
      };
      expect(verdict.comparison?.baseline.files).toEqual(["main/runner-1.ndjson"]);
      // The 12 s steady window holds 6 slices, fewer than a decided comparison needs:
      // 2 % errors against none is never "unchanged" (the tiers fail the run anyway).
      const errorRate = verdict.comparison?.objectives.find((o) => o.id === "error_rate");
      expect(["regressed", "inconclusive"]).toContain(errorRate?.verdict);
      // check --out keeps the candidate's evidence beside its reports, for the next comparison.
      expect(existsSync(path.join(reportDir, "evidence.json"))).toBe(true);
    },
    STEP_TIMEOUT_MS * 2,
  );

  it("names baseline-advisory without baseline in one line and exits 3", async () => {
    const result = await runAction(projectWithDependency, {
      "k6-results": "pr.ndjson",
      "baseline-advisory": "true",
    });
    expect(result.exitCode, logOf(result)).toBe(3);
    expect(stepById(result, "slogate").stderr).toMatch(
      /^::error title=slogate::input baseline-advisory is true but baseline is empty/m,
    );
  });
});

describe("the GitLab template's script", () => {
  const template = jobsOf(readGitlabCi(path.join(ROOT, "ci/gitlab/slogate.gitlab-ci.yml")));
  const job: GitlabJob = template[".slogate"] ?? {};

  /** Every file under dir, relative, with `/`. */
  function filesUnder(dir: string, prefix = ""): string[] {
    if (!existsSync(dir)) return [];
    return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
      const relative = prefix ? `${prefix}/${entry.name}` : entry.name;
      return entry.isDirectory() ? filesUnder(path.join(dir, entry.name), relative) : [relative];
    });
  }

  it.each([
    ["pass", 0, "pass"],
    ["fail", 1, "fail"],
  ] as const)(
    "judges the %s run's NDJSON: exit %i, with junit.xml where artifacts:reports:junit looks",
    (which, expectedCode, expectedVerdict) => {
      const results = ndjson[which];
      expect(results, `needs the NDJSON of the ${which}ing run above`).toBeDefined();
      const project = projectWithDependency;
      copyFileSync(results ?? "", path.join(project, `${which}.ndjson`));
      // Only this job's reports under reports/, as on a fresh GitLab checkout.
      if (existsSync(path.join(project, "reports"))) {
        renameSync(path.join(project, "reports"), path.join(project, `reports-before-${which}`));
      }
      const variables = {
        ...job.variables,
        SLOGATE_K6_RESULTS: `${which}.ndjson`,
        SLOGATE_PROFILE: "users-api",
        // What GitLab would expand $CI_PROJECT_DIR/.cache/slogate to, pointed at the provisioned k6.
        SLOGATE_CACHE_DIR: cacheDir,
      };
      // The runner's bash: every script line in one session, stopping at the first failure.
      const run = spawnSync("bash", ["--noprofile", "--norc", "-eo", "pipefail"], {
        cwd: project,
        input: (job.script ?? []).join("\n"),
        env: { ...env, ...variables, CI_PROJECT_DIR: project, GITLAB_CI: "true" },
        encoding: "utf8",
        timeout: STEP_TIMEOUT_MS,
      });
      expect(run.status, `${run.stdout.slice(-1500)}\n${run.stderr.slice(-2500)}`).toBe(
        expectedCode,
      );

      const junitGlobs = [job.artifacts?.reports?.junit ?? []].flat();
      const junitFiles = filesUnder(path.join(project, "reports"))
        .map((file) => `reports/${file}`)
        .filter((file) => junitGlobs.some((glob) => globToRegExp(glob).test(file)));
      expect(junitFiles).toHaveLength(1);
      const reportDir = path.join(project, path.dirname(junitFiles[0] ?? ""));
      expect(verdictOf(reportDir)).toBe(expectedVerdict);
      const junit = readFileSync(path.join(project, junitFiles[0] ?? ""), "utf8");
      expect(junit.includes("<failure")).toBe(expectedVerdict === "fail");
    },
    STEP_TIMEOUT_MS,
  );
});
