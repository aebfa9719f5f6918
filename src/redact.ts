import type { ReportInput } from "./core/types.js";

/** What every redacted secret is replaced with. */
export const REDACTED = "***";

// Parameter and field names that carry secrets: anything containing a word
// only secrets carry, plus the exact short names APIs use (`sig` for Azure
// SAS, `key` for Google APIs).
const SECRET_WORD =
  /token|secret|passw(?:or)?d|api[_-]?key|signature|credential|session[_-]?id|jwt/i;
const SECRET_EXACT = new Set(["sig", "key", "pwd", "auth", "sid"]);

// Headers whose whole value is a credential even though the name doesn't say so.
const SECRET_HEADERS = new Set(["authorization", "proxy-authorization", "cookie", "set-cookie"]);

// Authorization values keep their scheme ("Bearer ***") so a reader still
// sees which kind of credential was sent. Only registered schemes count: an
// unknown first word may be the credential itself.
const AUTH_HEADERS = new Set(["authorization", "proxy-authorization"]);
const AUTH_SCHEME_SOURCE =
  "(?:bearer|basic|digest|token|negotiate|ntlm|apikey|hawk|oauth|dpop|aws4-hmac-sha256)";
const AUTH_SCHEME_VALUE = new RegExp(`^\\s*(${AUTH_SCHEME_SOURCE})\\s+\\S`, "i");

// The patterns below run over whole log files, so each may only start where
// a token starts (lookbehinds, delimiters) and names are judged in code, not
// by nested quantifiers: matching stays linear on any input.

// `scheme://authority`; the userinfo is the authority up to its last `@`,
// as URL parsers read it.
const URL_AUTHORITY = /(?<![a-z0-9+.-])([a-z][a-z0-9+.-]*:\/\/)([^\s/?#]*)/gi;

// `?token=…`, `&sig=…`, `#access_token=…`, `;jsessionid=…` in URLs and paths.
const QUERY_PARAM = /([?&#;])([\w.-]+)=([^&#\s"'<>]*)/g;

// `Authorization: Bearer abc`, `Proxy-Authorization=Basic abc`.
const AUTH_HEADER_TEXT = new RegExp(
  `\\b((?:proxy-)?authorization["']?\\s*[:=]\\s*["']?)(?:(${AUTH_SCHEME_SOURCE})\\s+)?[^\\s"',;]+`,
  "gi",
);

// A bare `Bearer <token>` anywhere (log lines, error messages).
const BEARER_TEXT = /\b(bearer\s+)[\w\-.~+/]+=*/gi;

// `Cookie: a=b; c=d` and `Set-Cookie: …` run to the end of the line.
const COOKIE_HEADER_TEXT = /\b((?:set-)?cookie["']?\s*:\s*)[^\r\n"]+/gi;

// `password=hunter2`, `"api_key": "abc"`, `X-Api-Key: abc` in free text.
// Quoted values are capped so an unclosed quote can't make a scan quadratic.
const FIELD_TEXT =
  /(["']?)(?<![\w.-])([\w.-]+)\1(\s*[:=]\s*)("[^"\r\n]{0,1024}"|'[^'\r\n]{0,1024}'|[^\s,;&"'<>]+)/g;

function isSecretParameter(name: string): boolean {
  return SECRET_EXACT.has(name.toLowerCase()) || SECRET_WORD.test(name);
}

/** True when a header or query parameter of this name carries a secret. */
export function isSecretName(name: string): boolean {
  const lower = name.trim().toLowerCase();
  return SECRET_HEADERS.has(lower) || isSecretParameter(lower);
}

/**
 * Hides credentials in one URL (absolute or a bare path): the userinfo
 * (`https://user:pass@host` → `https://***@host`) and the values of
 * secret-looking query and fragment parameters (`?token=abc` → `?token=***`).
 * Everything else is left byte for byte as it was.
 */
export function redactUrl(url: string): string {
  return url
    .replace(URL_AUTHORITY, (match, scheme: string, authority: string) => {
      const at = authority.lastIndexOf("@");
      return at < 0 ? match : `${scheme}${REDACTED}${authority.slice(at)}`;
    })
    .replace(QUERY_PARAM, (match, delimiter: string, name: string) =>
      isSecretParameter(name) ? `${delimiter}${name}=${REDACTED}` : match,
    );
}

/** A header value as Node and k6 hold them. */
export type HeaderValue = string | number | readonly string[] | undefined;

/**
 * Copy of `headers` with credential values replaced: Authorization keeps
 * its scheme (`Bearer ***`), Cookie/Set-Cookie/X-Api-Key and any
 * token/secret/password/api-key-named header become `***`. Names keep
 * their original spelling.
 */
export function redactHeaders(
  headers: Readonly<Record<string, HeaderValue>>,
): Record<string, HeaderValue> {
  const redacted: Record<string, HeaderValue> = {};
  for (const [name, value] of Object.entries(headers)) {
    redacted[name] = isSecretName(name) ? redactHeaderValue(name, value) : value;
  }
  return redacted;
}

function redactHeaderValue(name: string, value: HeaderValue): HeaderValue {
  if (value === undefined) return undefined;
  if (Array.isArray(value)) return value.map(() => REDACTED);
  if (!AUTH_HEADERS.has(name.toLowerCase())) return REDACTED;
  const scheme = AUTH_SCHEME_VALUE.exec(String(value))?.[1];
  return scheme === undefined ? REDACTED : `${scheme} ${REDACTED}`;
}

/**
 * Scans free text (reasons, findings, log lines, error messages) for
 * credentials: URLs with userinfo or secret query parameters,
 * `Authorization: <scheme> <credentials>`, bare `Bearer <token>`,
 * Cookie/Set-Cookie header lines and `password=…`-style fields.
 */
export function redactText(text: string): string {
  return redactUrl(text)
    .replace(COOKIE_HEADER_TEXT, `$1${REDACTED}`)
    .replace(AUTH_HEADER_TEXT, (_match, prefix: string, scheme: string | undefined) =>
      scheme === undefined ? `${prefix}${REDACTED}` : `${prefix}${scheme} ${REDACTED}`,
    )
    .replace(BEARER_TEXT, `$1${REDACTED}`)
    .replace(FIELD_TEXT, (match, quote: string, name: string, separator: string, value: string) => {
      if (!isSecretParameter(name)) return match;
      if (value === REDACTED || /^["']\*\*\*["']$/.test(value)) return match;
      const quoted = value.startsWith('"') || value.startsWith("'");
      const replacement = quoted ? `${value[0]}${REDACTED}${value[0]}` : REDACTED;
      return `${quote}${name}${quote}${separator}${replacement}`;
    });
}

/**
 * The same report input with every free-text field (profile, run, reasons,
 * findings, objective ids, route names) passed through {@link redactText}.
 * Every report renderer applies it, so no format can leak what another hides.
 */
export function redactReportInput(input: ReportInput): ReportInput {
  const { verdict } = input;
  return {
    verdict: {
      ...verdict,
      profile: redactText(verdict.profile),
      objectives: verdict.objectives.map((objective) => ({
        ...objective,
        id: redactText(objective.id),
        reason: redactText(objective.reason),
      })),
      findings: verdict.findings.map((finding) => ({
        ...finding,
        code: redactText(finding.code),
        message: redactText(finding.message),
      })),
      ...(verdict.run === undefined
        ? {}
        : {
            run: {
              id: redactText(verdict.run.id),
              scenario: redactText(verdict.run.scenario),
              target: redactText(verdict.run.target),
            },
          }),
    },
    timeline: input.timeline,
    routes: input.routes.map((route) => ({
      ...route,
      name: redactText(route.name),
      method: redactText(route.method),
    })),
  };
}
