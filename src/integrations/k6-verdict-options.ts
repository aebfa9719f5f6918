import { ConfigError } from "../errors.js";
import { DEFAULT_KUBECTL_IMAGE, type CheckFormat, type SecretKeyRef } from "./k6-verdict-job.js";

/**
 * Checks of the flags that shape the verdict step and the runners' remote
 * write, one line each naming the flag; values reach the manifests verbatim,
 * so anything Kubernetes would refuse, or that could read as something else,
 * stops here.
 */

const IMAGE =
  /^[a-z0-9]+([._-][a-z0-9]+)*(:[0-9]+)?(\/[a-z0-9]+([._-][a-z0-9]+)*)*(:[\w][\w.-]{0,127})?(@sha256:[a-f0-9]{64})?$/;
const SECRET_REF = /^([a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?):([-._a-zA-Z0-9]{1,253})$/;
/**
 * Whitespace and control characters: the WHATWG URL parser silently drops
 * some of them, so the text given would not be the URL used.
 */
function hasUnsafeCharacter(text: string): boolean {
  return [...text].some((char) => {
    const code = char.charCodeAt(0);
    return code <= 0x20 || code === 0x7f;
  });
}

function fail(flag: string, value: string, hint: string): never {
  throw new ConfigError("K8S_TESTRUN_OPTIONS", `${flag} ${JSON.stringify(value)}: ${hint}`);
}

export function parseImageOption(flag: string, value: string): string {
  if (!IMAGE.test(value))
    fail(flag, value, "an image reference such as ghcr.io/acme/slogate:0.1.0");
  return value;
}

/** `<secret>:<key>`, as the Secret's name and the key holding the value. */
export function parseSecretRefOption(flag: string, value: string): SecretKeyRef {
  const match = SECRET_REF.exec(value);
  if (!match?.[1] || !match[3]) {
    return fail(flag, value, "give <secret-name>:<key>, e.g. prometheus-auth:token");
  }
  return { name: match[1], key: match[3] };
}

/**
 * An http(s) URL without credentials (they would sit in plain text in the
 * manifest) and without whitespace or control characters.
 */
export function parseClusterUrlOption(flag: string, value: string): URL {
  if (hasUnsafeCharacter(value)) fail(flag, value, "must not hold spaces or control characters");
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return fail(flag, value, "not a URL; give e.g. http://prometheus.monitoring.svc:9090");
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    fail(flag, value, "not an http:// or https:// URL");
  }
  if (url.username !== "" || url.password !== "") {
    throw new ConfigError(
      "K8S_TESTRUN_OPTIONS",
      `${flag}: credentials in the URL would sit in plain text in the manifests; remove user:password@ and put a bearer token in a Secret (--prometheus-bearer-token-secret <secret>:<key>)`,
    );
  }
  return url;
}

/**
 * The Prometheus base URL the check queries, from the remote-write URL when
 * that ends in Prometheus' own `/api/v1/write`; null when it cannot be told
 * (Mimir's /api/v1/push, a proxy): then --k6-prometheus must say it.
 */
export function deriveQueryUrl(remoteWrite: URL): string | null {
  if (!remoteWrite.pathname.endsWith("/api/v1/write") || remoteWrite.search !== "") return null;
  const base = new URL(remoteWrite.href);
  base.pathname = remoteWrite.pathname.slice(0, -"/api/v1/write".length) || "/";
  return base.href.replace(/\/$/, "");
}

export function parseWholeSeconds(flag: string, value: number): number {
  if (!Number.isInteger(value) || value < 1 || value > 7 * 24 * 3600) {
    fail(flag, String(value), "a whole number of seconds from 1 to 604800");
  }
  return value;
}

/** The `k8s testrun` options that shape the verdict step. */
export interface VerdictFlags {
  namespace?: string;
  cleanup?: boolean;
  verdictJob?: boolean;
  argoTemplate?: boolean;
  k6PrometheusUrl?: string;
  verdictImage?: string;
  kubectlImage?: string;
  verdictTimeoutSeconds?: number;
  verdictFormat?: CheckFormat;
}

export interface VerdictPlan {
  namespace: string;
  /** Emit the Job; else only the AnalysisTemplate. */
  job: boolean;
  argoTemplate: boolean;
  prometheusUrl: string;
  image: string;
  kubectlImage: string;
  waitTimeoutSeconds: number;
  format: CheckFormat;
}

/** Checks the verdict flags before anything is bundled; null without --verdict-job / --argo-template. */
export function planVerdict(options: VerdictFlags, remoteWrite: URL | null): VerdictPlan | null {
  const flag = options.verdictJob ? "--verdict-job" : "--argo-template";
  if (!options.verdictJob && !options.argoTemplate) {
    for (const [given, name] of [
      [options.k6PrometheusUrl, "--k6-prometheus"],
      [options.verdictImage, "--verdict-image"],
      [options.kubectlImage, "--kubectl-image"],
      [options.verdictTimeoutSeconds, "--verdict-timeout"],
      [options.verdictFormat, "--verdict-format"],
    ] as const) {
      if (given !== undefined) {
        throw new ConfigError(
          "K8S_TESTRUN_OPTIONS",
          `${name}: only used by the verdict step; add --verdict-job or --argo-template`,
        );
      }
    }
    return null;
  }
  const need = (what: string, hint: string): never => {
    throw new ConfigError("K8S_TESTRUN_OPTIONS", `${flag}: needs ${what}; ${hint}`);
  };
  if (remoteWrite === null) {
    return need(
      "--prometheus-remote-write",
      "the verdict judges the metrics the runners push to Prometheus",
    );
  }
  if (options.namespace === undefined) {
    return need(
      "--namespace",
      "its ServiceAccount, Role and RoleBinding must name the TestRun's namespace",
    );
  }
  if (options.verdictImage === undefined) {
    return need("--verdict-image", "the slogate image, e.g. ghcr.io/acme/slogate:0.1.0");
  }
  if (options.cleanup === true) {
    throw new ConfigError(
      "K8S_TESTRUN_OPTIONS",
      `--cleanup: k6-operator then deletes the TestRun when it finishes, so the verdict could never see it finish; drop --cleanup with ${flag}`,
    );
  }
  let prometheusUrl: string;
  if (options.k6PrometheusUrl !== undefined) {
    prometheusUrl = parseClusterUrlOption("--k6-prometheus", options.k6PrometheusUrl).href.replace(
      /\/$/,
      "",
    );
  } else {
    prometheusUrl =
      deriveQueryUrl(remoteWrite) ??
      need(
        "--k6-prometheus <url>",
        `the query URL cannot be told from the remote-write URL ${remoteWrite.href}`,
      );
  }
  return {
    namespace: options.namespace,
    job: options.verdictJob === true,
    argoTemplate: options.argoTemplate === true,
    prometheusUrl,
    image: parseImageOption("--verdict-image", options.verdictImage),
    kubectlImage: parseImageOption(
      "--kubectl-image",
      options.kubectlImage ?? DEFAULT_KUBECTL_IMAGE,
    ),
    waitTimeoutSeconds: parseWholeSeconds(
      "--verdict-timeout",
      options.verdictTimeoutSeconds ?? 3600,
    ),
    format: options.verdictFormat ?? "text",
  };
}
