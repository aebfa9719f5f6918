import { ConfigError } from "../errors.js";
import { parseHttpUrl } from "../url.js";
import { formatAuthorization, type PrometheusAuth } from "../sources/prometheus/auth.js";
import { buildEqualityMatcher } from "../promql/selectors.js";
import { DEFAULT_PROMETHEUS_SLI_SETTINGS, type PrometheusSliSettings } from "../promql/settings.js";

export interface K6RemoteWriteOptions {
  /** Prometheus' receiver, e.g. PrometheusServer.remoteWriteUrl (`…/api/v1/write`). */
  remoteWriteUrl: string;
  /** Tags every sample of this run (`testid`), so runs sharing a Prometheus stay apart. */
  testId: string;
  /** How often k6 pushes. Default 1 s: short CI runs still get several points. */
  pushIntervalSeconds?: number;
  /** Resolved Prometheus credentials, the same the queries send. */
  auth?: PrometheusAuth;
  /** Extra headers (tenant ids, proxies), the same the queries send. */
  headers?: Readonly<Record<string, string>>;
}

const TEST_ID = /^[A-Za-z0-9_.:-]{1,128}$/;

/** Throws on a test id that could not be used as a PromQL label value verbatim. */
export function checkTestId(testId: string): void {
  if (!TEST_ID.test(testId)) {
    throw new ConfigError(
      "K6_TEST_ID_INVALID",
      `test id ${JSON.stringify(testId)}: use letters, digits, _ . : - (at most 128)`,
    );
  }
}

/**
 * Arguments that make k6 push its metrics to Prometheus while it runs
 * (alongside its NDJSON output): the output name and the run's testid tag.
 */
export function buildK6RemoteWriteArgs(options: K6RemoteWriteOptions): string[] {
  checkTestId(options.testId);
  return ["--out", "experimental-prometheus-rw", "--tag", `testid=${options.testId}`];
}

/**
 * Environment for k6's remote-write output. Trends go as native histograms:
 * k6 v2 takes that from K6_FEATURES=native-histograms (the older
 * K6_PROMETHEUS_RW_TREND_AS_NATIVE_HISTOGRAM=true still works but is deprecated
 * and logs a warning), which needs Prometheus' native-histograms feature on.
 * Credentials (basic or bearer) and extra headers go as
 * K6_PROMETHEUS_RW_HEADERS_<Name>: environment only, never arguments or the
 * URL, so neither `ps` nor k6's own output shows them.
 */
export function buildK6RemoteWriteEnv(options: K6RemoteWriteOptions): Record<string, string> {
  const { url, userinfo } = splitUserinfo(options.remoteWriteUrl);
  const env: Record<string, string> = {
    K6_PROMETHEUS_RW_SERVER_URL: url,
    K6_FEATURES: "native-histograms",
    K6_PROMETHEUS_RW_PUSH_INTERVAL: `${options.pushIntervalSeconds ?? 1}s`,
  };
  // k6 takes one header per K6_PROMETHEUS_RW_HEADERS_<Name> variable; the
  // comma-separated K6_PROMETHEUS_RW_HTTP_HEADERS would break on a comma in a value.
  for (const [name, value] of Object.entries(options.headers ?? {})) {
    if (name.toLowerCase() === "authorization") {
      throw new ConfigError(
        "PROMETHEUS_HEADER_INVALID",
        "Prometheus header Authorization: give credentials as basic or bearer auth instead",
      );
    }
    env[`K6_PROMETHEUS_RW_HEADERS_${name}`] = value;
  }
  // Credentials never ride in the URL k6 is given (it would print and log
  // it); userinfo in --prometheus counts as basic auth when none is set.
  const auth: PrometheusAuth =
    options.auth && options.auth.kind !== "none" ? options.auth : (userinfo ?? { kind: "none" });
  // Basic auth goes as a header too: k6 v2.2's remote-write client was seen
  // not to send K6_PROMETHEUS_RW_USERNAME/PASSWORD (a test pushes through an
  // authenticating proxy to keep this honest).
  const authorization = formatAuthorization(auth);
  if (authorization !== undefined) env.K6_PROMETHEUS_RW_HEADERS_Authorization = authorization;
  return env;
}

/** The URL without `user:pass@`, and those credentials (percent-decoded) if it had them. */
function splitUserinfo(text: string): {
  url: string;
  userinfo: Extract<PrometheusAuth, { kind: "basic" }> | null;
} {
  const parsed = parseHttpUrl(text, {
    what: "remote-write URL",
    code: "PROMETHEUS_URL_INVALID",
    example: "http://127.0.0.1:9090/api/v1/write",
  });
  if (parsed.username === "" && parsed.password === "") return { url: text, userinfo: null };
  const userinfo = {
    kind: "basic" as const,
    username: decodeURIComponent(parsed.username),
    password: decodeURIComponent(parsed.password),
  };
  parsed.username = "";
  parsed.password = "";
  return { url: parsed.href, userinfo };
}

/**
 * SLI settings for k6's own metrics in Prometheus (the client's view, pushed
 * by remote write): k6_http_reqs_total and the native histogram
 * k6_http_req_duration_seconds, routes in the `name` tag, one run selected by
 * testid. There is no `up` series for pushed data: read it with
 * `checkScrapeCoverage: false`. Requests that never got a status (status 0,
 * connection errors) are not 5xx; k6's http_req_failed counts them.
 */
export function buildK6RemoteWriteSettings(testId: string): PrometheusSliSettings {
  checkTestId(testId);
  return {
    ...DEFAULT_PROMETHEUS_SLI_SETTINGS,
    selector: buildEqualityMatcher("testid", testId),
    metrics: {
      ...DEFAULT_PROMETHEUS_SLI_SETTINGS.metrics,
      requestsTotal: "k6_http_reqs_total",
      requestDuration: "k6_http_req_duration_seconds",
    },
    histogramKind: "native",
    labels: { route: "name", status: "status", method: "method" },
    excludeRoutesRegex: "",
  };
}
