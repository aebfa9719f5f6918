import { describe, expect, it } from "vitest";
import { createRedactingLines, readK6ErrorMessage } from "../../src/k6/k6-log.js";

describe("readK6ErrorMessage", () => {
  it.each([
    {
      name: "an invalid threshold (k6 exit 104)",
      line: 'time="2026-11-23T18:09:58Z" level=error msg="failed parsing threshold expresion\'s \\"p(95)<<oops\\" right hand side; reason: strconv.ParseFloat: parsing \\"<oops\\": invalid syntax"',
      want: 'failed parsing threshold expresion\'s "p(95)<<oops" right hand side; reason: strconv.ParseFloat: parsing "<oops": invalid syntax',
    },
    {
      name: "a script exception keeps its first line, not the stack (k6 exit 107)",
      line: 'time="2026-11-23T18:09:58Z" level=error msg="Error: boom\\n\\tat file:///tmp/a.js:1:7(12)\\n" hint="script exception" source=stacktrace',
      want: "Error: boom",
    },
    { name: "an unquoted message", line: "level=error msg=boom", want: "boom" },
    { name: "a warning", line: 'level=warning msg="slow"', want: null },
    { name: "progress", line: "running (0m01.0s), 01/10 VUs, 5 complete", want: null },
    { name: "an error without msg", line: "level=error", want: null },
  ])("$name", ({ line, want }) => {
    expect(readK6ErrorMessage(line)).toBe(want);
  });
});

describe("createRedactingLines", () => {
  it("redacts a URL password split across chunks, holding text until its line ends", () => {
    const out: string[] = [];
    const lines = createRedactingLines((text) => out.push(text));
    lines.push('level=error msg="GET http://user:s3c');
    expect(out).toEqual([]);
    lines.push('retpw@127.0.0.1:9/x failed"\nrunning (1s)\r');
    lines.push("tail without end http://a:hunter2@h/");
    lines.flush();
    const all = out.join("");
    expect(all).not.toMatch(/s3cretpw|hunter2/);
    expect(all).toBe(
      'level=error msg="GET http://***@127.0.0.1:9/x failed"\nrunning (1s)\rtail without end http://***@h/',
    );
  });
});
