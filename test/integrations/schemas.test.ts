import { existsSync, readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { SCHEMAS_DIR } from "../../src/integrations/crd-validate.js";

// The project ships the CRDs it validates against (schemas/). Where the
// reference copies are beside the repository (../shared/schemas, as in CI),
// the shipped ones must be byte-for-byte the same.
const REFERENCE_DIR = fileURLToPath(new URL("../../../shared/schemas", import.meta.url));

const EXPECTED = [
  {
    file: "argo-rollouts-v1.9.1-analysis-template-crd.yaml",
    kind: "AnalysisTemplate",
    group: "argoproj.io",
  },
  {
    file: "argo-rollouts-v1.9.1-cluster-analysis-template-crd.yaml",
    kind: "ClusterAnalysisTemplate",
    group: "argoproj.io",
  },
  { file: "k6-operator-v1.6.0-k6.io_testruns.yaml", kind: "TestRun", group: "k6.io" },
];

describe("shipped CRD schemas", () => {
  it.each(EXPECTED)("$file is the $group $kind CRD", ({ file, kind, group }) => {
    const crd = parse(readFileSync(path.join(SCHEMAS_DIR, file), "utf8")) as {
      kind: string;
      spec: { group: string; names: { kind: string } };
    };
    expect(crd.kind).toBe("CustomResourceDefinition");
    expect(crd.spec.group).toBe(group);
    expect(crd.spec.names.kind).toBe(kind);
  });

  it.runIf(existsSync(REFERENCE_DIR))("match the reference copies beside the repository", () => {
    const reference = readdirSync(REFERENCE_DIR)
      .filter((file) => file.endsWith(".yaml"))
      .sort();
    expect(reference).toEqual(EXPECTED.map((e) => e.file).sort());
    for (const file of reference) {
      expect(readFileSync(path.join(SCHEMAS_DIR, file), "utf8"), file).toBe(
        readFileSync(path.join(REFERENCE_DIR, file), "utf8"),
      );
    }
  });
});
