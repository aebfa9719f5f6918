// Runs every benchmark in one go (after `npm run build`). Each prints its own
// figures as ratios against a baseline measured in the same run, because these
// machines are shared and absolute numbers drift.
import { spawnSync } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const only = process.argv[2];
const benches = [
  ["targets", "targets-wrk.mjs"],
  ["ndjson", "ndjson-eval.mjs"],
  ["capacity", "capacity.mjs"],
  ["k6-cpu", "k6-cpu.mjs"],
  ["compare", "compare-calibration.mjs"],
  ["compare-size", "compare-size.mjs"],
].filter(([name]) => !only || name === only);

const setup = spawnSync(
  process.execPath,
  [path.join(here, "..", "dist", "cli", "main.js"), "setup", "--for", "bench"],
  { stdio: "inherit" },
);
if (setup.status !== 0) process.exit(setup.status ?? 1);

let failed = false;
for (const [name, file] of benches) {
  console.log(`\n== bench ${name}`);
  const result = spawnSync(process.execPath, [path.join(here, file)], { stdio: "inherit" });
  if (result.status !== 0) failed = true;
}
process.exit(failed ? 1 : 0);
