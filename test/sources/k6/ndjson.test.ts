import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { afterAll, describe, expect, it } from "vitest";
import { readPercentileMs } from "../../../src/core/histogram.js";
import { InputError } from "../../../src/errors.js";
import { readK6Ndjson } from "../../../src/sources/k6/ndjson.js";
import { readK6Evidence } from "../../../src/sources/k6/read-evidence.js";

const dir = mkdtempSync(path.join(tmpdir(), "slogate-ndjson-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
function write(name: string, content: string | Buffer): string {
  const file = path.join(dir, name);
  writeFileSync(file, content);
  return file;
}

/** Deterministic PRNG (mulberry32) so the data set is the same on every run. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const METRIC_LINES = [
  '{"type":"Metric","data":{"name":"http_reqs","type":"counter","contains":"default","thresholds":[],"submetrics":null},"metric":"http_reqs"}',
  '{"type":"Metric","data":{"name":"http_req_duration","type":"trend","contains":"time","thresholds":[],"submetrics":null},"metric":"http_req_duration"}',
  '{"type":"Metric","data":{"name":"http_req_failed","type":"rate","contains":"default","thresholds":[],"submetrics":null},"metric":"http_req_failed"}',
];

function point(metric: string, time: string, value: string | number, tags: string): string {
  return `{"metric":"${metric}","type":"Point","data":{"time":"${time}","value":${value},"tags":${tags}}}`;
}

/** k6-format lines for `count` requests with log-normal latencies; returns the lines and the exact values. */
function buildRequests(
  count: number,
  seed: number,
  durationsOnly = false,
): { lines: string[]; durationsMs: number[] } {
  const rand = random(seed);
  const lines = [...METRIC_LINES];
  const durationsMs: number[] = [];
  const startMs = Date.UTC(2026, 0, 1, 10, 0, 0);
  for (let i = 0; i < count; i++) {
    // Box-Muller → log-normal around 20 ms with a long tail, rounded like k6 (µs, 6 decimals max).
    const normal = Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
    const ms = Number(Math.exp(3 + 0.8 * normal).toFixed(6));
    durationsMs.push(ms);
    const time = new Date(startMs + i * 2).toISOString().replace("Z", "123Z");
    const tags = `{"expected_response":"true","group":"","method":"GET","name":"/api/v1/users/:id","phase":"steady","proto":"HTTP/1.1","scenario":"steady","status":"200","url":"http://127.0.0.1/api/v1/users/${i}"}`;
    if (durationsOnly) lines.push(point("http_req_duration", time, ms, tags));
    else {
      lines.push(
        point("http_reqs", time, 1, tags),
        point("http_req_duration", time, ms, tags),
        point("http_req_failed", time, 0, tags),
      );
    }
  }
  return { lines, durationsMs };
}

/** The exact nearest-rank percentile: the smallest value with at least p% of samples at or below it. */
function exactPercentile(sorted: number[], percent: number): number {
  // Rank in integers (percent in thousandths) so 99.9% of 100 000 is rank 99 900, not 99 901.
  const rank = Math.ceil((Math.round(percent * 1000) * sorted.length) / 100_000);
  return sorted[Math.max(0, rank - 1)] ?? Number.NaN;
}

describe("readK6Ndjson accuracy", () => {
  const { lines: durationLines, durationsMs } = buildRequests(100_000, 7, true);
  const sorted = [...durationsMs].sort((a, b) => a - b);
  const accuracy = write("accuracy.ndjson", `${durationLines.join("\n")}\n`);
  const { lines } = buildRequests(20_000, 11);
  const plain = write("requests.ndjson", `${lines.join("\n")}\n`);

  it.each([50, 90, 95, 99, 99.9])(
    "p(%s) is within 0.1 percent of the exact value over 100k samples",
    async (percent) => {
      const evidence = await readK6Ndjson([accuracy]);
      const group = evidence.groups.find((g) => g.phase === "steady");
      expect(group?.durations.totalCount).toBe(100_000);
      const exact = exactPercentile(sorted, percent);
      const measured = readPercentileMs(group!.durations, percent)!;
      expect(Math.abs(measured - exact) / exact).toBeLessThanOrEqual(0.001);
    },
  );

  it("reads gzip (by magic bytes, whatever the name) exactly like plain text", async () => {
    const gz = write("accuracy-gz.json", gzipSync(readFileSync(plain)));
    const [a, b] = await Promise.all([readK6Ndjson([plain]), readK6Ndjson([gz])]);
    expect(a.groups[0]?.requests).toBe(20_000);
    expect(b.points).toBe(a.points);
    expect(readPercentileMs(b.groups[0]!.durations, 95)).toBe(
      readPercentileMs(a.groups[0]!.durations, 95),
    );
  });

  it("merges several files exactly (distributed runners)", async () => {
    const body = lines.slice(METRIC_LINES.length);
    const third = Math.ceil(body.length / 3 / 3) * 3;
    const parts = [0, 1, 2].map((i) =>
      write(
        `part-${i}.ndjson`,
        `${[...METRIC_LINES, ...body.slice(i * third, (i + 1) * third)].join("\n")}\n`,
      ),
    );
    const [whole, merged] = await Promise.all([readK6Ndjson([plain]), readK6Ndjson(parts)]);
    expect(merged.groups[0]!.requests).toBe(whole.groups[0]!.requests);
    for (const percent of [50, 95, 99]) {
      expect(readPercentileMs(merged.groups[0]!.durations, percent)).toBe(
        readPercentileMs(whole.groups[0]!.durations, percent),
      );
    }
  });
});

describe("bad input names the file and line", () => {
  const good = buildRequests(3, 1).lines;
  const goodText = `${good.join("\n")}\n`;
  const gzipped = gzipSync(Buffer.from(goodText));
  const badCrc = Buffer.from(gzipped);
  // The gzip trailer is CRC32 then length; corrupt the CRC.
  badCrc[badCrc.length - 8]! ^= 0xff;

  it.each([
    {
      name: "an empty file",
      file: () => write("empty.ndjson", ""),
      message: "empty.ndjson: empty file",
    },
    {
      name: "a last line cut short",
      file: () => write("cut.ndjson", goodText.slice(0, -40)),
      message: `cut.ndjson:${good.length}: the last line is cut short`,
    },
    {
      name: "a line that is not JSON",
      file: () =>
        write("garbage.ndjson", [...good.slice(0, 4), "hello world", ...good.slice(4)].join("\n")),
      message: "garbage.ndjson:5: not JSON",
    },
    {
      name: "a JSON line of an unknown format",
      file: () =>
        write(
          "unknown.ndjson",
          [...good.slice(0, 5), '{"type":"Sample","metric":"x","data":{}}'].join("\n"),
        ),
      message: "unknown.ndjson:6: not a k6 --out json line",
    },
    {
      name: "a bad time",
      file: () =>
        write(
          "time.ndjson",
          [...good.slice(0, 3), point("http_reqs", "yesterday", 1, "{}")].join("\n") + "\n",
        ),
      message: 'time.ndjson:4: bad time "yesterday"',
    },
    {
      name: "gzip with a bad CRC",
      file: () => write("crc.ndjson.gz", badCrc),
      message: "crc.ndjson.gz:",
    },
    {
      name: "truncated gzip",
      file: () => write("short.ndjson.gz", gzipped.subarray(0, gzipped.length - 20)),
      message: "short.ndjson.gz:",
    },
    {
      name: "a file that is not JSON at all",
      file: () => write("text.txt", "a,b,c\n1,2,3\n"),
      message: "text.txt:1: not JSON",
    },
    {
      name: "a JSON document that is not a k6 result",
      file: () => write("other.json", '{"hello": "world"}'),
      message: "other.json: not a k6 result",
    },
  ])("$name", async ({ file, message }) => {
    const error = await readK6Evidence([file()]).then(
      () => null,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).message).toContain(message);
    expect((error as InputError).message).not.toContain("\n");
  });

  it("names the gzip problem and where it was found", async () => {
    const error = (await readK6Evidence([write("crc2.ndjson.gz", badCrc)]).catch(
      (e: unknown) => e,
    )) as Error;
    expect(error.message).toMatch(/crc2\.ndjson\.gz:\d+: gzip data is corrupt \(.*(check|CRC)/i);
  });

  it("ignores points of undeclared custom metrics, with a finding that counts them", async () => {
    const file = write(
      "undeclared.ndjson",
      `${[...good, point("mystery_metric", "2026-01-01T10:00:00Z", 3, "{}"), point("mystery_metric", "2026-01-01T10:00:01Z", 4, "{}")].join("\n")}\n`,
    );
    const evidence = await readK6Ndjson([file]);
    expect(evidence.findings.map((finding) => finding.code)).toEqual(["UNDECLARED_METRICS"]);
    expect(evidence.findings[0]?.message).toContain(
      "ignored 2 points of metrics with no Metric line (mystery_metric)",
    );
  });
});

describe("chunk boundaries", () => {
  it("reads a line longer than the read buffer (a 3 MB tag value)", async () => {
    const huge = "x".repeat(3 * 1024 * 1024);
    const time = "2026-01-01T10:00:00.5Z";
    const tags = (url: string) => `{"name":"/big","phase":"steady","status":"200","url":"${url}"}`;
    const lines = [
      ...METRIC_LINES,
      point("http_reqs", time, 1, tags("short")),
      point("http_reqs", time, 1, tags(huge)),
      point("http_reqs", time, 1, tags("short")),
    ];
    const evidence = await readK6Ndjson([write("huge-line.ndjson", `${lines.join("\n")}\n`)]);
    expect(evidence.groups.find((g) => g.name === "/big")?.requests).toBe(3);
  });
});

describe("line endings", () => {
  it("reads CRLF files like LF ones", async () => {
    const { lines } = buildRequests(50, 3);
    const [lf, crlf] = await Promise.all([
      readK6Ndjson([write("lf.ndjson", `${lines.join("\n")}\n`)]),
      readK6Ndjson([write("crlf.ndjson", `${lines.join("\r\n")}\r\n`)]),
    ]);
    expect(crlf.groups[0]?.requests).toBe(50);
    expect(readPercentileMs(crlf.groups[0]!.durations, 95)).toBe(
      readPercentileMs(lf.groups[0]!.durations, 95),
    );
  });
});

describe("bounded memory", () => {
  it("collapses untemplated route names into (other) and says so, keeping every request", async () => {
    // No name tag template: k6 then uses each URL as the name, one per request.
    const lines = [...METRIC_LINES];
    for (let i = 0; i < 1000; i++) {
      const time = new Date(Date.UTC(2026, 0, 1) + i).toISOString();
      lines.push(
        point(
          "http_reqs",
          time,
          1,
          `{"method":"GET","name":"http://x/users/${i}","phase":"steady","status":"200"}`,
        ),
      );
    }
    const evidence = await readK6Ndjson([write("untemplated.ndjson", `${lines.join("\n")}\n`)]);
    expect(evidence.groups.length).toBe(301);
    expect(evidence.groups.find((g) => g.name === "(other)")?.requests).toBe(700);
    expect(evidence.groups.reduce((sum, g) => sum + g.requests, 0)).toBe(1000);
    expect(evidence.findings.map((f) => f.code)).toContain("TOO_MANY_ROUTE_NAMES");
  });
});

describe("timeline", () => {
  it("stays within a chart's size over a long run and keeps every request", async () => {
    // One request every 10 s for 10 hours: 3600 requests over 36 000 s.
    const lines = [...METRIC_LINES];
    const startMs = Date.UTC(2026, 0, 1);
    for (let i = 0; i < 3600; i++) {
      const time = new Date(startMs + i * 10_000).toISOString();
      lines.push(point("http_reqs", time, 1, '{"name":"/x","phase":"steady","status":"200"}'));
    }
    const evidence = await readK6Ndjson([write("long.ndjson", `${lines.join("\n")}\n`)]);
    expect(evidence.timeline.length).toBeLessThanOrEqual(240);
    expect(evidence.timeline.length).toBeGreaterThan(100);
    // Widths double from 1 s: a power of two seconds.
    expect(Math.log2(evidence.timelineBucketSeconds) % 1).toBe(0);
    expect(evidence.timeline.reduce((sum, bucket) => sum + bucket.requests, 0)).toBe(3600);
  });
});
