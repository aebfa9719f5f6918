import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { parse } from "yaml";
import { evaluateCondition, interpolate, type Contexts, type JobStatus } from "./expressions.js";

/** action.yml, as far as these tests read it. */
export interface ActionMetadata {
  name: string;
  description: string;
  inputs?: Record<string, { description: string; required?: boolean; default?: string }>;
  outputs?: Record<string, { description: string; value?: string }>;
  runs: { using: string; steps?: CompositeStep[] };
  [key: string]: unknown;
}

export interface CompositeStep {
  id?: string;
  name?: string;
  if?: string;
  run?: string;
  shell?: string;
  uses?: string;
  with?: Record<string, string | number | boolean>;
  env?: Record<string, string | number | boolean>;
  "working-directory"?: string;
  [key: string]: unknown;
}

export function readActionMetadata(file: string): ActionMetadata {
  return parse(readFileSync(file, "utf8")) as ActionMetadata;
}

/** What one step did. */
export type StepRecord =
  | { index: number; id?: string; kind: "skipped"; step: CompositeStep }
  | {
      index: number;
      id?: string;
      kind: "uses";
      uses: string;
      with: Record<string, string>;
      step: CompositeStep;
    }
  | {
      index: number;
      id?: string;
      kind: "run";
      exitCode: number;
      stdout: string;
      stderr: string;
      outputs: Record<string, string>;
      step: CompositeStep;
    };

export interface CompositeRunOptions {
  /** The folder holding action.yml (GITHUB_ACTION_PATH). */
  actionPath: string;
  /** The inputs a workflow passes in `with:`; the rest take their defaults. */
  inputs: Record<string, string>;
  /** GITHUB_WORKSPACE: `working-directory` is relative to it. */
  workspace: string;
  /** Environment of every step, before the runner's GITHUB_* files. */
  env: NodeJS.ProcessEnv;
  /** Stands in for a `uses:` step; returns its outputs. */
  uses: (uses: string, inputs: Record<string, string>) => Record<string, string>;
  /** Bound on each `run:` step. */
  stepTimeoutMs: number;
}

export interface CompositeRunResult {
  steps: StepRecord[];
  /** The action's outputs, as the calling workflow would read them. */
  outputs: Record<string, string>;
  /** The job's state after the action: red when any step failed. */
  failed: boolean;
  /** The last failing step's exit code, or 0. */
  exitCode: number;
  /** GITHUB_STEP_SUMMARY's content after the action. */
  summary: string;
}

/** Reads a GITHUB_OUTPUT file: `name=value` lines and `name<<DELIM` blocks. */
export function parseOutputFile(text: string): Record<string, string> {
  const outputs: Record<string, string> = {};
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i += 1) {
    const line = lines[i] ?? "";
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line);
    if (heredoc?.[1] && heredoc[2]) {
      const body: string[] = [];
      for (i += 1; i < lines.length && lines[i] !== heredoc[2]; i += 1) body.push(lines[i] ?? "");
      outputs[heredoc[1]] = body.join("\n");
      continue;
    }
    const at = line.indexOf("=");
    if (at > 0) outputs[line.slice(0, at)] = line.slice(at + 1);
  }
  return outputs;
}

function runScript(
  file: string,
  cwd: string,
  env: NodeJS.ProcessEnv,
  timeoutMs: number,
): Promise<{ exitCode: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    // GitHub's `shell: bash`: bash --noprofile --norc -eo pipefail {0}.
    const child = spawn("bash", ["--noprofile", "--norc", "-eo", "pipefail", file], {
      cwd,
      env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("error", reject);
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ exitCode: code ?? (signal ? 128 : 1), stdout, stderr });
    });
  });
}

function stringValues(
  values: Record<string, string | number | boolean> | undefined,
  contexts: Contexts,
  status: JobStatus,
): Record<string, string> {
  return Object.fromEntries(
    Object.entries(values ?? {}).map(([key, value]) => [
      key,
      interpolate(String(value), contexts, status),
    ]),
  );
}

/**
 * Runs a composite action's steps the way the runner does: `if:` decides
 * whether a step runs (default `success()`), `${{ }}` is substituted in
 * `with`, `env`, `working-directory` and `run`, each `run:` gets its own
 * GITHUB_OUTPUT file and a shared GITHUB_STEP_SUMMARY/GITHUB_ENV, and a
 * failing step marks the job failed. `uses:` steps go to `options.uses`.
 */
export async function runCompositeAction(
  options: CompositeRunOptions,
): Promise<CompositeRunResult> {
  const metadata = readActionMetadata(path.join(options.actionPath, "action.yml"));
  const files = mkdtempSync(path.join(tmpdir(), "slogate-runner-"));
  const summaryFile = path.join(files, "step_summary.md");
  const envFile = path.join(files, "env");
  writeFileSync(summaryFile, "");
  writeFileSync(envFile, "");

  const inputs: Record<string, string> = {};
  for (const [name, spec] of Object.entries(metadata.inputs ?? {})) {
    inputs[name] = options.inputs[name] ?? spec.default ?? "";
  }
  for (const name of Object.keys(options.inputs)) {
    if (!(name in inputs)) throw new Error(`input '${name}' is not declared in action.yml`);
  }
  const stepsContext: Contexts = {};
  const contexts: Contexts = {
    inputs,
    steps: stepsContext,
    runner: { os: "Linux", arch: "X64", temp: files },
    github: {
      action_path: options.actionPath,
      workspace: options.workspace,
      job: "slo",
    },
    env: Object.fromEntries(
      Object.entries(options.env).filter(
        (entry): entry is [string, string] => entry[1] !== undefined,
      ),
    ),
  };
  const status: JobStatus = { failed: false };
  const records: StepRecord[] = [];
  let exitCode = 0;

  for (const [index, step] of (metadata.runs.steps ?? []).entries()) {
    const base = { index, ...(step.id !== undefined ? { id: step.id } : {}), step };
    if (!evaluateCondition(step.if, contexts, status)) {
      records.push({ ...base, kind: "skipped" });
      continue;
    }
    if (step.uses !== undefined) {
      const withValues = stringValues(step.with, contexts, status);
      const outputs = options.uses(step.uses, withValues);
      if (step.id !== undefined) stepsContext[step.id] = { outputs, outcome: "success" };
      records.push({ ...base, kind: "uses", uses: step.uses, with: withValues });
      continue;
    }
    if (step.run === undefined) throw new Error(`step ${index} has neither run nor uses`);
    if (step.shell !== "bash") throw new Error(`step ${index}: only shell: bash is emulated`);
    const outputFile = path.join(files, `output-${index}`);
    writeFileSync(outputFile, "");
    const scriptFile = path.join(files, `step-${index}.sh`);
    writeFileSync(scriptFile, interpolate(step.run, contexts, status));
    const workingDirectory = step["working-directory"]
      ? interpolate(step["working-directory"], contexts, status)
      : ".";
    const result = await runScript(
      scriptFile,
      path.resolve(options.workspace, workingDirectory),
      {
        ...options.env,
        ...stringValues(step.env, contexts, status),
        GITHUB_ACTIONS: "true",
        GITHUB_ACTION_PATH: options.actionPath,
        GITHUB_WORKSPACE: options.workspace,
        GITHUB_JOB: "slo",
        GITHUB_OUTPUT: outputFile,
        GITHUB_STEP_SUMMARY: summaryFile,
        GITHUB_ENV: envFile,
        RUNNER_TEMP: files,
      },
      options.stepTimeoutMs,
    );
    const outputs = parseOutputFile(readFileSync(outputFile, "utf8"));
    const outcome = result.exitCode === 0 ? "success" : "failure";
    if (step.id !== undefined) stepsContext[step.id] = { outputs, outcome };
    records.push({ ...base, kind: "run", ...result, outputs });
    if (result.exitCode !== 0) {
      status.failed = true;
      exitCode = result.exitCode;
    }
  }

  const outputs = Object.fromEntries(
    Object.entries(metadata.outputs ?? {}).map(([name, spec]) => [
      name,
      interpolate(spec.value ?? "", contexts, status),
    ]),
  );
  return {
    steps: records,
    outputs,
    failed: status.failed,
    exitCode,
    summary: readFileSync(summaryFile, "utf8"),
  };
}
