import { describe, expect, it } from "vitest";
import {
  isSecretName,
  redactHeaders,
  redactReportInput,
  redactText,
  redactUrl,
} from "../src/redact.js";
import { buildReportInput } from "./fixtures/report-inputs.js";

describe("redactUrl", () => {
  it.each([
    ["user and password", "https://user:pass@host/x", "https://***@host/x"],
    ["token as user", "https://ghp_abc123@github.com/o/r.git", "https://***@github.com/o/r.git"],
    ["@ inside password", "http://u:p@ss@127.0.0.1:8080/", "http://***@127.0.0.1:8080/"],
    ["no credentials", "http://127.0.0.1:8080/api/v1/users?limit=5", null],
    ["token param", "/orders?token=s3cr3t&limit=5", "/orders?token=***&limit=5"],
    ["api_key param", "http://h/x?limit=1&api_key=abc", "http://h/x?limit=1&api_key=***"],
    ["apikey param", "http://h/x?apikey=abc", "http://h/x?apikey=***"],
    ["access_token param", "http://h/x?access_token=a.b.c", "http://h/x?access_token=***"],
    [
      "password param",
      "http://h/login?user=bob&password=hunter2",
      "http://h/login?user=bob&password=***",
    ],
    ["secret param", "http://h/x?client_secret=zz", "http://h/x?client_secret=***"],
    ["Azure SAS sig", "https://a.blob/c?sv=2020&sig=AbC%2B%3D", "https://a.blob/c?sv=2020&sig=***"],
    ["AWS signature", "https://s3/k?X-Amz-Signature=ff00", "https://s3/k?X-Amz-Signature=***"],
    ["upper-case name", "http://h/x?TOKEN=abc", "http://h/x?TOKEN=***"],
    [
      "fragment token",
      "https://app/cb#access_token=xyz&state=1",
      "https://app/cb#access_token=***&state=1",
    ],
    ["empty value", "http://h/x?token=&a=1", "http://h/x?token=***&a=1"],
    ["both", "https://u:p@h/x?key=k1", "https://***@h/x?key=***"],
    ["route template untouched", "/api/v1/users/:id", null],
    ["non-secret look-alike", "/x?monkey=1&keyboard=2", null],
  ])("%s", (_name, input, expected) => {
    expect(redactUrl(input)).toBe(expected ?? input);
  });
});

describe("redactHeaders", () => {
  it("hides credential headers and keeps the rest", () => {
    const headers = {
      Authorization: "Bearer eyJhbGciOi.payload.sig",
      "proxy-authorization": "Basic dXNlcjpwYXNz",
      Cookie: "session=abc; theme=dark",
      "Set-Cookie": ["a=1; HttpOnly", "b=2"],
      "X-Api-Key": "k-123",
      "X-Auth-Token": "t-456",
      "x-client-secret": "s",
      "Content-Type": "application/json",
      "X-User-Id": "42",
      Accept: undefined,
    };
    expect(redactHeaders(headers)).toEqual({
      Authorization: "Bearer ***",
      "proxy-authorization": "Basic ***",
      Cookie: "***",
      "Set-Cookie": ["***", "***"],
      "X-Api-Key": "***",
      "X-Auth-Token": "***",
      "x-client-secret": "***",
      "Content-Type": "application/json",
      "X-User-Id": "42",
      Accept: undefined,
    });
  });

  it.each([
    ["unknown scheme word is the credential", "ghp_abc123 extra", "***"],
    ["bare token", "abc123", "***"],
    ["lower-case scheme", "bearer abc", "bearer ***"],
  ])("Authorization: %s", (_name, value, expected) => {
    expect(redactHeaders({ authorization: value })).toEqual({ authorization: expected });
  });

  it.each([
    ["Authorization", true],
    ["COOKIE", true],
    ["x-api-key", true],
    ["api-key", true],
    ["X-Amz-Security-Token", true],
    ["content-type", false],
    ["x-user-id", false],
    ["keep-alive", false],
  ])("isSecretName(%s) = %s", (name, expected) => {
    expect(isSecretName(name)).toBe(expected);
  });
});

describe("redactText", () => {
  it.each([
    [
      "URL with credentials inside a sentence",
      "GET https://admin:hunter2@127.0.0.1:9/x failed",
      "GET https://***@127.0.0.1:9/x failed",
    ],
    ["Authorization Bearer", "Authorization: Bearer abc.def-ghi", "Authorization: Bearer ***"],
    ["Authorization Basic", "authorization=Basic dXNlcjpwYXNz;", "authorization=Basic ***;"],
    [
      "Authorization without scheme",
      "Authorization: ghp_x1 was rejected",
      "Authorization: *** was rejected",
    ],
    ["Proxy-Authorization", "Proxy-Authorization: Basic Zm9v", "Proxy-Authorization: Basic ***"],
    ["bare Bearer token", "sent bearer eyJ0.eyJ1.c2ln== to the API", "sent bearer *** to the API"],
    ["Cookie header line", "Cookie: sid=1; theme=dark\nnext line", "Cookie: ***\nnext line"],
    ["Set-Cookie header line", "Set-Cookie: a=b; HttpOnly", "Set-Cookie: ***"],
    ["X-Api-Key header", "X-Api-Key: k-123 sent", "X-Api-Key: *** sent"],
    ["password field", "login with password=hunter2 ok", "login with password=*** ok"],
    ["JSON field", '{"api_key": "abc", "name": "x"}', '{"api_key": "***", "name": "x"}'],
    [
      "query in a relative path",
      "slow route /x?token=abc&limit=1",
      "slow route /x?token=***&limit=1",
    ],
    ["ordinary reason", "p95 163.2 ms needs < 200 ms (Good); 1200 samples", null],
    ["route template", "/api/v1/users/:id and /orders/:orderId", null],
  ])("%s", (_name, input, expected) => {
    expect(redactText(input)).toBe(expected ?? input);
  });

  it("is idempotent", () => {
    const once = redactText("https://u:p@h/?token=a Authorization: Bearer b password=c");
    expect(redactText(once)).toBe(once);
  });
});

describe("redactReportInput", () => {
  it("redacts every free-text field and leaves numbers alone", () => {
    const input = buildReportInput({
      profile: "p?token=t0",
      reason: "see https://u:p1@127.0.0.1/ for details",
      finding: "Authorization: Bearer b2 leaked",
      routeName: "http://127.0.0.1/x?api_key=k3",
      target: "http://admin:p4@127.0.0.1:8080",
    });
    const redacted = redactReportInput(input);
    const text = JSON.stringify(redacted);
    for (const secret of ["t0", "p1", "b2", "k3", "p4"]) {
      expect(text).not.toMatch(new RegExp(`\\b${secret}\\b`));
    }
    expect(redacted.verdict.run?.target).toBe("http://***@127.0.0.1:8080");
    expect(redacted.routes[0]?.name).toBe("http://127.0.0.1/x?api_key=***");
    expect(redacted.timeline).toEqual(input.timeline);
    expect(redacted.verdict.objectives.map((o) => o.value)).toEqual(
      input.verdict.objectives.map((o) => o.value),
    );
  });
});

describe("redactText on pathological input", () => {
  // Linear matching takes milliseconds here; a quadratic pattern takes minutes.
  it.each([
    ["one long word", "a".repeat(100_000)],
    ["dashed word", "a-".repeat(50_000)],
    ["dotted word", "a.".repeat(50_000)],
    ["many delimiters", "?a".repeat(50_000)],
    ["repeated keyword", "token".repeat(20_000)],
    ["schemes without slashes", "a:".repeat(50_000)],
    ["long authority without @", `https://${"a:".repeat(50_000)}`],
    ["unclosed quotes", 'password: "a '.repeat(8_000)],
  ])("%s stays fast", (_name, text) => {
    const started = performance.now();
    redactText(text);
    expect(performance.now() - started).toBeLessThan(2_000);
  });
});
