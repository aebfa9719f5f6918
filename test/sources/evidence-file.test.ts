import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { createSeededRandom, drawNormal } from "../../src/core/compare/index.js";
import { buildBoundedEvidenceFile } from "../../src/core/evidence-file.js";
import { createHistogram, toMicroseconds } from "../../src/core/histogram.js";
import type { SliceRecording } from "../../src/core/k6-slices.js";
import { loadProfile } from "../../src/sources/load-profile.js";
import {
  buildEvidenceFromK6,
  fingerprintProfile,
  readEvidenceFile,
  writeEvidenceFile,
} from "../../src/sources/evidence-file.js";
import { buildSyntheticEvidence } from "../core/evidence-run.js";

const generic = loadProfile("generic").profile;
const dir = mkdtempSync(path.join(tmpdir(), "slogate-evidence-"));
const evidence = buildSyntheticEvidence({
  seed: 5,
  seconds: 30,
  ratePerSecond: 20,
  profile: generic,
});

describe("evidence files on disk", () => {
  it.each(["evidence.json", "evidence.json.gz"])("round-trips %s unchanged", async (name) => {
    const file = path.join(dir, name);
    await writeEvidenceFile(file, evidence);
    expect(await readEvidenceFile(file)).toEqual(JSON.parse(JSON.stringify(evidence)));
  });

  const text = JSON.stringify(evidence);
  const bad: { name: string; bytes: string | Buffer | null; code: string; message: RegExp }[] = [
    {
      name: "missing",
      bytes: null,
      code: "EVIDENCE_NOT_FOUND",
      message: /no such file; pass an evidence.json/,
    },
    { name: "empty", bytes: "", code: "EVIDENCE_EMPTY", message: /empty file; re-create it/ },
    {
      name: "truncated",
      bytes: text.slice(0, text.length / 2),
      code: "EVIDENCE_TRUNCATED",
      message: /cut short/,
    },
    {
      name: "truncated gzip",
      bytes: gzipSync(text).subarray(0, 200),
      code: "EVIDENCE_TRUNCATED",
      message: /gzip data is corrupt or cut short/,
    },
    { name: "not JSON", bytes: "hello", code: "EVIDENCE_INVALID", message: /not JSON/ },
    {
      name: "other JSON",
      bytes: '{"a":1}',
      code: "EVIDENCE_INVALID",
      message: /not a slogate evidence file/,
    },
    {
      name: "another schema version",
      bytes: JSON.stringify({ ...evidence, version: 2 }),
      code: "EVIDENCE_VERSION",
      message: /evidence schema version 2, this slogate reads version 1/,
    },
    {
      name: "a field missing",
      bytes: JSON.stringify({ ...evidence, slices: undefined }),
      code: "EVIDENCE_INVALID",
      message: /\(root\): missing slices/,
    },
    {
      name: "a histogram that does not decode",
      bytes: JSON.stringify({
        ...evidence,
        groups: evidence.groups.map((g) => ({ ...g, durations: g.durations.map(() => "AAAA") })),
      }),
      code: "EVIDENCE_INVALID",
      message: /groups\[0\]\.durations\[0\] is not an encoded histogram/,
    },
  ];
  it.each(bad)(
    "rejects a $name file in one line naming it",
    async ({ name, bytes, code, message }) => {
      const file = path.join(dir, `bad-${name.replace(/\W+/g, "-")}.json`);
      if (bytes !== null) writeFileSync(file, bytes);
      const error = await readEvidenceFile(file).then(
        () => null,
        (caught: unknown) => caught as { code: string; message: string },
      );
      expect(error?.code).toBe(code);
      expect(error?.message).toMatch(message);
      expect(error?.message.startsWith(`${file}: `)).toBe(true);
      expect(error?.message).not.toMatch(/\n/);
    },
  );
});

function writeNdjson(file: string, startMs: number, count: number, latencyMs: number): void {
  const lines: string[] = [];
  for (let i = 0; i < count; i++) {
    const time = new Date(startMs + i * 100).toISOString();
    const tags = `{"expected_response":"true","method":"GET","name":"/x","phase":"steady","scenario":"steady","status":"200"}`;
    lines.push(
      `{"metric":"http_reqs","type":"Point","data":{"time":"${time}","value":1,"tags":${tags}}}`,
    );
    lines.push(
      `{"metric":"http_req_duration","type":"Point","data":{"time":"${time}","value":${latencyMs},"tags":${tags}}}`,
    );
    lines.push(
      `{"metric":"http_req_failed","type":"Point","data":{"time":"${time}","value":0,"tags":${tags}}}`,
    );
  }
  writeFileSync(file, `${lines.join("\n")}\n`);
}

describe("evidence from k6 NDJSON", () => {
  it("slices plain and gzip files, several merging, in the steady window", async () => {
    const start = Date.UTC(2025, 0, 1, 12, 0, 0);
    const a = path.join(dir, "a.ndjson");
    const b = path.join(dir, "b.ndjson");
    writeNdjson(a, start, 200, 10);
    writeNdjson(b, start, 200, 30);
    writeFileSync(`${b}.gz`, gzipSync(Buffer.from(JSON.stringify("x"))));
    const merged = await buildEvidenceFromK6({ k6Paths: [a, b], profile: generic, env: {} });
    // 200 requests each, 10 per second over 19.9 s: 10 slices of 2 s (the last 1.9 s).
    expect(merged.slices.length).toBe(10);
    expect(merged.groups).toHaveLength(1);
    expect(merged.groups[0]?.requests.reduce((x, y) => x + y, 0)).toBe(400);
    expect(merged.groups[0]?.requests[0]).toBe(40);
    expect(merged.ci).toBeNull();
    expect(merged.profile).toEqual(fingerprintProfile(generic));
  });

  it("names a k6 summary as not sliceable", async () => {
    const summary = path.join(dir, "summary.json");
    writeFileSync(summary, JSON.stringify({ metrics: { http_reqs: { count: 1 } } }, null, 2));
    await expect(buildEvidenceFromK6({ k6Paths: [summary], profile: generic })).rejects.toThrow(
      /summary\.json: a k6 summary holds no per-request times/,
    );
  });
});

/** A 10-minute window of 2 s slices with `ratePerSecond` requests/s split over `groups` groups. */
function recordTenMinutes(ratePerSecond: number, groups: number): SliceRecording {
  const random = createSeededRandom(ratePerSecond + groups);
  const sliceMs = 2000;
  const first = Math.floor(Date.UTC(2025, 0, 1, 12) / sliceMs);
  const perSlice = Math.round((ratePerSecond * 2) / groups);
  return {
    sliceMs,
    collapsedPoints: 0,
    groups: Array.from({ length: groups }, (_, g) => {
      const cells = new Map<
        number,
        { requests: number; failures: number; durations: ReturnType<typeof createHistogram> }
      >();
      for (let s = 0; s < 300; s++) {
        const durations = createHistogram();
        // Lognormal around 20 ms (log-sd 0.5) with a drifting level: a wide, realistic spread of buckets.
        const level = Math.log(20 + 5 * g) + 0.1 * Math.sin(s / 10);
        for (let r = 0; r < perSlice; r++) {
          durations.recordValue(toMicroseconds(Math.exp(level + 0.5 * drawNormal(random))));
        }
        cells.set(first + s, { requests: perSlice, failures: 0, durations });
      }
      return {
        phase: "steady",
        name: `/route/${g}`,
        method: "GET",
        statusClass: "2xx",
        expected: true,
        cells,
      };
    }),
  };
}

describe("evidence size does not grow with the request count", () => {
  it.each([
    { ratePerSecond: 100, groups: 1 },
    { ratePerSecond: 100, groups: 5 },
    { ratePerSecond: 5000, groups: 1 },
    { ratePerSecond: 5000, groups: 5 },
  ])(
    "10 minutes at $ratePerSecond req/s in $groups groups stays under 1 MB",
    async ({ ratePerSecond, groups }) => {
      const recording = recordTenMinutes(ratePerSecond, groups);
      const fromMs = Date.UTC(2025, 0, 1, 12);
      const file = buildBoundedEvidenceFile(
        recording,
        {
          kind: "steady",
          phases: new Set(["steady"]),
          fromMs,
          toMs: fromMs + 600_000 - 1,
          seconds: 600,
        },
        {
          createdAt: "2025-01-01T13:00:00.000Z",
          profile: fingerprintProfile(generic),
          scenario: "load",
          k6Version: "v2.2.0",
          ci: null,
          offeredRatePerSecond: ratePerSecond,
          achievedIterationRatePerSecond: ratePerSecond,
        },
      );
      const plain = await writeEvidenceFile(
        path.join(dir, `size-${ratePerSecond}-${groups}.json`),
        file,
      );
      const gzipped = await writeEvidenceFile(
        path.join(dir, `size-${ratePerSecond}-${groups}.json.gz`),
        file,
      );
      console.log(
        `evidence for 10 min at ${ratePerSecond} req/s, ${groups} group(s), ${file.slices.length} slices of ${file.sliceMs / 1000} s: ` +
          `${(plain / 1024).toFixed(0)} KiB JSON, ${(gzipped / 1024).toFixed(0)} KiB gzip`,
      );
      expect(file.groups.reduce((sum, g) => sum + g.requests.reduce((a, b) => a + b, 0), 0)).toBe(
        Math.round((ratePerSecond * 2) / groups) * 300 * groups,
      );
      expect(plain).toBeLessThan(1024 * 1024);
    },
    60_000,
  );
});
