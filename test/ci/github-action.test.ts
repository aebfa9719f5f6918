import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import { ensureActionlint, runActionlint } from "./actionlint.js";
import { readActionMetadata, type CompositeStep } from "./composite.js";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const ACTION_FILE = path.join(ROOT, "action.yml");
const INIT_WORKFLOW = path.join(ROOT, "templates/init/.github/workflows/slo.yml");
const action = readActionMetadata(ACTION_FILE);
const steps: CompositeStep[] = action.runs.steps ?? [];

/** Every `${{ … }}` in a value, recursively. */
function expressionsIn(value: unknown): string[] {
  if (typeof value === "string") {
    return [...value.matchAll(/\$\{\{([\s\S]*?)\}\}/g)].map((match) => match[1]?.trim() ?? "");
  }
  if (Array.isArray(value)) return value.flatMap(expressionsIn);
  if (value !== null && typeof value === "object")
    return Object.values(value).flatMap(expressionsIn);
  return [];
}

// The metadata rules GitHub applies to action.yml ("Metadata syntax for GitHub
// Actions"): actionlint checks workflows, not this file, so they are checked here.
describe("action.yml follows GitHub's action metadata syntax", () => {
  const ID = /^[A-Za-z_][A-Za-z0-9_-]*$/;

  it("has only the top-level keys GitHub reads, with name, description and runs", () => {
    const allowed = ["name", "author", "description", "inputs", "outputs", "runs", "branding"];
    expect(Object.keys(action).filter((key) => !allowed.includes(key))).toEqual([]);
    expect(typeof action.name).toBe("string");
    expect(action.name.length).toBeGreaterThan(0);
    expect(typeof action.description).toBe("string");
    expect(action.description.length).toBeGreaterThan(0);
    expect(action.runs.using).toBe("composite");
    expect(steps.length).toBeGreaterThan(0);
  });

  it("uses a branding icon color GitHub accepts", () => {
    const branding = action.branding as { icon?: unknown; color?: unknown } | undefined;
    expect(typeof branding?.icon).toBe("string");
    expect([
      "white",
      "black",
      "yellow",
      "blue",
      "green",
      "orange",
      "red",
      "purple",
      "gray-dark",
    ]).toContain(branding?.color);
  });

  it("describes every input and output; inputs default to strings, composite outputs have a value", () => {
    for (const [name, input] of Object.entries(action.inputs ?? {})) {
      expect(name, "input id").toMatch(ID);
      expect(typeof input.description, `inputs.${name}.description`).toBe("string");
      if (input.default !== undefined)
        expect(typeof input.default, `inputs.${name}.default`).toBe("string");
      expect(
        Object.keys(input).filter(
          (key) => !["description", "required", "default", "deprecationMessage"].includes(key),
        ),
        `inputs.${name}`,
      ).toEqual([]);
    }
    for (const [name, output] of Object.entries(action.outputs ?? {})) {
      expect(name, "output id").toMatch(ID);
      expect(typeof output.description, `outputs.${name}.description`).toBe("string");
      expect(typeof output.value, `outputs.${name}.value (required in a composite action)`).toBe(
        "string",
      );
    }
  });

  it.each(steps.map((step, index) => [index, step] as const))(
    "step %i is either run (with shell) or uses, with only the keys a composite step may have",
    (_, step) => {
      const allowed = [
        "id",
        "name",
        "if",
        "run",
        "shell",
        "uses",
        "with",
        "env",
        "working-directory",
        "continue-on-error",
      ];
      expect(Object.keys(step).filter((key) => !allowed.includes(key))).toEqual([]);
      expect((step.run === undefined) !== (step.uses === undefined)).toBe(true);
      if (step.run !== undefined) {
        // A composite's run step has no default shell: GitHub refuses the action without one.
        expect(["bash", "sh", "pwsh", "python", "cmd", "powershell"]).toContain(step.shell);
        expect(step.with).toBeUndefined();
      } else {
        expect(step.uses).toMatch(/^[\w.-]+\/[\w./-]+@[\w.-]+$/);
        expect(step.shell).toBeUndefined();
        expect(step["working-directory"]).toBeUndefined();
      }
      if (step.id !== undefined) expect(step.id).toMatch(ID);
    },
  );

  it("has unique step ids, and every steps.<id> reference names an earlier step", () => {
    const ids = steps.flatMap((step) => (step.id === undefined ? [] : [step.id]));
    expect(new Set(ids).size).toBe(ids.length);
    steps.forEach((step, index) => {
      const earlier = new Set(steps.slice(0, index).flatMap((s) => (s.id ? [s.id] : [])));
      const refs = [...expressionsIn(step), ...(step.if ? [step.if] : [])].flatMap((expression) =>
        [...expression.matchAll(/\bsteps\.([A-Za-z0-9_-]+)\./g)].map((match) => match[1]),
      );
      for (const ref of refs)
        expect(earlier.has(ref ?? ""), `step ${index} reads steps.${ref}`).toBe(true);
    });
    for (const [name, output] of Object.entries(action.outputs ?? {})) {
      for (const match of (output.value ?? "").matchAll(/\bsteps\.([A-Za-z0-9_-]+)\./g)) {
        expect(ids, `outputs.${name} reads steps.${match[1]}`).toContain(match[1]);
      }
    }
  });

  it("declares every input it reads as inputs.<name>", () => {
    const declared = Object.keys(action.inputs ?? {});
    const read = [
      ...expressionsIn(action.runs),
      ...steps.flatMap((step) => (step.if ? [step.if] : [])),
    ]
      .flatMap((expression) => [...expression.matchAll(/\binputs\.([A-Za-z0-9_-]+)/g)])
      .map((match) => match[1]);
    expect(read.length).toBeGreaterThan(0);
    for (const name of read) expect(declared, `inputs.${name}`).toContain(name);
    // And reads every input it declares: an unused input is a promise the action does not keep.
    for (const name of declared)
      expect(read, `input ${name} is declared but never read`).toContain(name);
  });

  it("passes inputs to scripts through env, never by pasting them into run: (script injection)", () => {
    for (const step of steps) {
      if (step.run === undefined) continue;
      expect(step.run, step.id ?? step.run).not.toMatch(/\$\{\{[^}]*inputs\./);
    }
  });

  it("runs scripts that exist under ci/github/ and leaves the job summary to slogate", () => {
    const scripts = steps
      .flatMap((step) => [
        ...(step.run ?? "").matchAll(/\$GITHUB_ACTION_PATH\/(ci\/github\/[\w.-]+)/g),
      ])
      .map((match) => match[1] ?? "");
    expect(scripts.length).toBeGreaterThan(0);
    for (const script of scripts) {
      expect(existsSync(path.join(ROOT, script)), script).toBe(true);
      const bash = spawnSync("bash", ["-n", path.join(ROOT, script)], { encoding: "utf8" });
      expect(bash.status, bash.stderr).toBe(0);
    }
    // slogate appends its Markdown verdict to GITHUB_STEP_SUMMARY itself
    // (src/reports/github-step-summary.ts); a step doing it too would show it twice.
    for (const step of steps) expect(step.run ?? "").not.toMatch(/GITHUB_STEP_SUMMARY/);
  });

  it("uploads the reports and sets the job's result in steps that run even after a failure", () => {
    const upload = steps.find((step) => step.uses?.startsWith("actions/upload-artifact@"));
    expect(upload?.if).toMatch(/\balways\(\)/);
    const last = steps.at(-1);
    expect(last?.if).toMatch(/\balways\(\)/);
    expect(last?.run).toMatch(/^exit /);
  });

  it("ships in the npm package with the scripts it runs", () => {
    const pkg = JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")) as {
      files: string[];
    };
    expect(pkg.files).toContain("ci");
  });
});

describe("the workflow `slogate init` writes", () => {
  const workflow = parse(readFileSync(INIT_WORKFLOW, "utf8")) as {
    jobs: Record<string, { steps: { uses?: string; with?: Record<string, string | number> }[] }>;
  };
  const slogateSteps = Object.values(workflow.jobs).flatMap((job) =>
    job.steps.filter((step) => /^slogate\/slogate@v\d+$/.test(step.uses ?? "")),
  );

  it("runs a smoke and a load test with this action, each with a scenario init writes beside it", () => {
    expect(slogateSteps.length).toBeGreaterThanOrEqual(2);
    for (const step of slogateSteps) {
      const scenario = String(step.with?.scenario ?? "");
      expect(existsSync(path.join(ROOT, "templates/init", scenario)), scenario).toBe(true);
      expect(step.with?.target).toBeDefined();
    }
  });
});

describe("actionlint on the workflows", () => {
  let actionlint = "";
  beforeAll(async () => {
    actionlint = await ensureActionlint();
  }, 900_000);

  /** A git work tree holding action.yml (as `uses: ./`) and the given workflows. */
  function repoWith(workflows: Record<string, string>): string {
    const dir = mkdtempSync(path.join(tmpdir(), "slogate-actionlint-"));
    spawnSync("git", ["init", "-q", dir]);
    cpSync(ACTION_FILE, path.join(dir, "action.yml"));
    mkdirSync(path.join(dir, ".github/workflows"), { recursive: true });
    for (const [name, text] of Object.entries(workflows)) {
      writeFileSync(path.join(dir, ".github/workflows", name), text);
    }
    return dir;
  }

  it("finds no problem in the init workflow as shipped", () => {
    const result = runActionlint(actionlint, ROOT, [INIT_WORKFLOW]);
    expect(result.output).toBe("");
    expect(result.code).toBe(0);
  });

  it("finds no problem with the init workflow's inputs checked against this action.yml", () => {
    // As `uses: ./`, actionlint reads the local action.yml and checks each `with:` key against its inputs.
    const workflow = readFileSync(INIT_WORKFLOW, "utf8").replaceAll(/slogate\/slogate@v\d+/g, "./");
    expect(workflow).toContain("uses: ./");
    const dir = repoWith({ "slo.yml": workflow });
    const result = runActionlint(actionlint, dir);
    expect(result.output).toBe("");
    expect(result.code).toBe(0);
  });

  it("reports an input the action does not declare (the check above has teeth)", () => {
    const workflow = readFileSync(INIT_WORKFLOW, "utf8")
      .replaceAll(/slogate\/slogate@v\d+/g, "./")
      .replace("time-scale:", "timescale:");
    const result = runActionlint(actionlint, repoWith({ "slo.yml": workflow }));
    expect(result.code).toBe(1);
    expect(result.output).toMatch(/input "timescale" is not defined in action/);
  });

  /**
   * The action's steps as the job of a reusable workflow with the same inputs:
   * actionlint then type-checks every expression, the inputs.* and steps.* they
   * read, and the inputs given to actions/setup-node, cache, setup-go and
   * upload-artifact.
   */
  function stepsAsWorkflow(stepList: CompositeStep[]): string {
    const inputs = Object.fromEntries(
      Object.entries(action.inputs ?? {}).map(([name, input]) => [
        name,
        {
          description: input.description,
          required: false,
          type: "string",
          default: input.default ?? "",
        },
      ]),
    );
    return stringify({
      name: "action steps",
      on: { workflow_call: { inputs } },
      jobs: { action: { "runs-on": "ubuntu-latest", steps: stepList } },
    });
  }

  it("finds no problem in the action's steps run as a reusable workflow's job", () => {
    const result = runActionlint(
      actionlint,
      repoWith({ "action-steps.yml": stepsAsWorkflow(steps) }),
    );
    expect(result.output).toBe("");
    expect(result.code).toBe(0);
  });

  it("reports a misspelt input, step output or action input in those steps (the check above has teeth)", () => {
    const broken = parse(
      stringify(steps)
        .replace("inputs.working-directory", "inputs.workdir")
        .replace("steps.install.outputs.cache-dir", "steps.instal.outputs.cache-dir")
        .replace("go-version-file:", "go-version-fil:"),
    ) as CompositeStep[];
    const result = runActionlint(
      actionlint,
      repoWith({ "action-steps.yml": stepsAsWorkflow(broken) }),
    );
    expect(result.code).toBe(1);
    expect(result.output).toMatch(/property "workdir" is not defined/);
    expect(result.output).toMatch(/property "instal" is not defined/);
    expect(result.output).toMatch(
      /input "go-version-fil" is not defined in action "actions\/setup-go/,
    );
  });
});
