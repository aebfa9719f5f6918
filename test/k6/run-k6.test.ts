import { mkdtempSync, readFileSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ensureK6 } from "../../src/k6/provision.js";
import { runK6, signalNameOf } from "../../src/k6/run-k6.js";

// Each script makes the real k6 end one way; the expected code is k6's own
// documented exit code (errext/exitcodes), not ours.
const cases = [
  {
    name: "a clean run",
    script: `export const options = { iterations: 1 }; export default function () {}`,
    code: 0,
    exitName: "OK",
  },
  {
    name: "a crossed threshold",
    script: `import { Counter } from "k6/metrics"; const c = new Counter("crossed_total");
      export const options = { iterations: 1, thresholds: { crossed_total: ["count<1"] } };
      export default function () { c.add(5); }`,
    code: 99,
    exitName: "THRESHOLDS_FAILED",
  },
  {
    name: "invalid options",
    script: `export const options = { scenarios: { s: { executor: "no-such-executor" } } };
      export default function () {}`,
    code: 104,
    exitName: "INVALID_CONFIG",
  },
  {
    name: "a script exception",
    script: `export default function () {} throw new Error("boom at init");`,
    code: 107,
    exitName: "SCRIPT_EXCEPTION",
  },
  {
    name: "test.abort()",
    script: `import exec from "k6/execution"; export const options = { iterations: 1 };
      export default function () { exec.test.abort("stop"); }`,
    code: 108,
    exitName: "SCRIPT_ABORTED",
  },
  {
    name: "marked as failed",
    script: `import exec from "k6/execution"; export const options = { iterations: 1 };
      export default function () { exec.test.fail("bad"); }`,
    code: 110,
    exitName: "MARKED_AS_FAILED",
  },
];

describe("signalNameOf", () => {
  it.each([
    { name: "the CLI's SIGINT", reason: "SIGINT", expected: "SIGINT" },
    { name: "the CLI's SIGTERM", reason: "SIGTERM", expected: "SIGTERM" },
    { name: "another signal's name", reason: "SIGHUP", expected: "SIGHUP" },
    { name: "no reason (an AbortError)", reason: undefined, expected: "SIGTERM" },
    { name: "a reason naming no signal", reason: "SIGNOPE", expected: "SIGTERM" },
    { name: "an Error", reason: new Error("stop"), expected: "SIGTERM" },
  ])("reads $name as $expected", ({ reason, expected }) => {
    const controller = new AbortController();
    controller.abort(reason);
    expect(signalNameOf(controller.signal)).toBe(expected);
  });

  it("reads no signal at all as SIGTERM", () => {
    expect(signalNameOf(undefined)).toBe("SIGTERM");
  });
});

describe("runK6 with the real k6", () => {
  it.each(cases)("maps $name to exit $code", async ({ script, code, exitName }) => {
    const k6 = await ensureK6();
    const dir = mkdtempSync(path.join(tmpdir(), "slogate-runk6-"));
    const scriptPath = path.join(dir, "script.js");
    writeFileSync(scriptPath, script);
    const result = await runK6({ k6, scriptPath, outDir: dir, env: {}, timeoutMs: 60_000 });
    expect(result.exit.code).toBe(code);
    expect(result.exit.name).toBe(exitName);
    // The raw console output is kept whatever happened.
    expect(existsSync(result.logPath)).toBe(true);
    if (code === 104 || code === 107) {
      expect(readFileSync(result.logPath, "utf8").length).toBeGreaterThan(0);
    }
  });

  it.each(["SIGINT", "SIGTERM"] as const)(
    "relays an abort as %s so k6 stops gracefully and still writes its results",
    async (signalName) => {
      const k6 = await ensureK6();
      const dir = mkdtempSync(path.join(tmpdir(), "slogate-runk6-"));
      const scriptPath = path.join(dir, "script.js");
      writeFileSync(
        scriptPath,
        `import { sleep } from "k6"; export const options = { vus: 1, duration: "60s" };
         export default function () { sleep(0.1); }`,
      );
      const controller = new AbortController();
      const result = await runK6({
        k6,
        scriptPath,
        outDir: dir,
        env: {},
        timeoutMs: 90_000,
        signal: controller.signal,
        onOutput: (chunk) => {
          // Interrupt once k6 reports it is running, as the CLI does on a user's Ctrl-C.
          if (!controller.signal.aborted && /running \(/.test(chunk)) controller.abort(signalName);
        },
      });
      expect(controller.signal.aborted).toBe(true);
      expect(result.interruptedBy).toBe(signalName);
      expect(result.exit.name).toBe("EXTERNAL_ABORT");
      expect(existsSync(result.summaryPath)).toBe(true);
      expect(existsSync(result.ndjsonPath)).toBe(true);
      // Well before the scenario's 60 s: k6 stopped on the relayed signal.
      expect(result.endedAt.getTime() - result.startedAt.getTime()).toBeLessThan(45_000);
    },
  );
});
