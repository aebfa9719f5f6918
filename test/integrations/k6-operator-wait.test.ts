// The verdict pod's wait for a TestRun, run by a real `sh` as the init
// container runs it. Only the Kubernetes API is stood in for: a fake
// `kubectl` on PATH answers `get testruns.k6.io <name>` with the stages
// listed in a file, one per call, as the API server would report them.
import { spawnSync } from "node:child_process";
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { WAIT_SCRIPT } from "../../src/integrations/k6-verdict-job.js";

const dir = mkdtempSync(path.join(os.tmpdir(), "slogate-wait-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// Each call logs its arguments and answers with the next line of stages.txt
// ("NotFound" for a TestRun not created yet); the last line repeats.
writeFileSync(
  path.join(dir, "kubectl"),
  `#!/bin/sh
echo "$*" >> "$FAKE_DIR/calls.txt"
n=$(wc -l < "$FAKE_DIR/calls.txt")
total=$(wc -l < "$FAKE_DIR/stages.txt")
[ "$n" -gt "$total" ] && n=$total
stage=$(sed -n "\${n}p" "$FAKE_DIR/stages.txt")
if [ "$stage" = NotFound ]; then
  echo "Error from server (NotFound): testruns.k6.io \\"$3\\" not found" >&2
  exit 1
fi
printf '%s' "$stage"
`,
);
chmodSync(path.join(dir, "kubectl"), 0o755);

function runWait(stages: string[], timeoutSeconds: number) {
  const caseDir = mkdtempSync(path.join(dir, "case-"));
  writeFileSync(path.join(caseDir, "stages.txt"), stages.join("\n") + "\n");
  writeFileSync(path.join(caseDir, "calls.txt"), "");
  const started = Date.now();
  const result = spawnSync("sh", ["-c", WAIT_SCRIPT], {
    encoding: "utf8",
    timeout: 30_000,
    env: {
      PATH: `${dir}:${process.env.PATH ?? ""}`,
      FAKE_DIR: caseDir,
      TESTRUN: "users-load",
      WAIT_TIMEOUT_SECONDS: String(timeoutSeconds),
      POLL_SECONDS: "0.05",
    },
  });
  const calls = readFileSync(path.join(caseDir, "calls.txt"), "utf8").trim().split("\n");
  return { ...result, calls, elapsedMs: Date.now() - started };
}

describe("the verdict's wait for the TestRun", () => {
  it("returns 0 once the stage is finished, and asks for exactly that TestRun's stage", () => {
    const run = runWait(["NotFound", "", "initialization", "created", "started", "finished"], 60);
    expect(run.status).toBe(0);
    expect(run.calls).toHaveLength(6);
    for (const call of run.calls) {
      expect(call).toBe("get testruns.k6.io users-load -o jsonpath={.status.stage}");
    }
    expect(run.stdout).toContain("stage: started");
    expect(run.stdout).toContain("stage: finished");
    expect(run.stderr).toContain("NotFound");
  });

  it("stops at once with 3 when the TestRun ends in stage error, not at the timeout", () => {
    const run = runWait(["created", "started", "error"], 600);
    expect(run.status).toBe(3);
    expect(run.calls).toHaveLength(3);
    expect(run.stderr).toContain("TestRun users-load ended in stage error: no verdict");
    expect(run.elapsedMs).toBeLessThan(10_000);
  });

  it("gives up with 3 after the timeout, naming the last stage", () => {
    // `date +%s` counts whole seconds: a 2 s timeout ends after more than 1 s.
    const run = runWait(["started"], 2);
    expect(run.status).toBe(3);
    expect(run.stderr).toContain("did not finish within 2s (last stage: started): no verdict");
    expect(run.elapsedMs).toBeGreaterThanOrEqual(1000);
    expect(run.calls.length).toBeGreaterThan(2);
  });

  it("treats a TestRun that never appears like any unfinished one: 3 at the timeout", () => {
    const run = runWait(["NotFound"], 1);
    expect(run.status).toBe(3);
    expect(run.stderr).toContain("last stage: none");
    // The same kubectl error is said once, not once per poll.
    expect(run.stderr.match(/NotFound/g)).toHaveLength(1);
  });
});
