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

/** What reports show instead of a query value. */
export const QUERY_VALUE_REDACTED = "[redacted]";

// A query string (or a fragment, `#code=…`) in text: `?` or `#` and the run
// of URL characters after it, up to whitespace, a quote or an angle bracket.
// One pass, no nesting: linear.
const QUERY_STRING = /([?#])([^\s"'<>`]+)/g;

// Sentence punctuation after a URL (`…?page=2, and`) is not part of its value.
// (Not `]`: it closes `[redacted]`, which must read the same when redacted again.)
const TRAILING_PUNCTUATION = new Set([")", ".", ",", ":", ";", "!"]);

/** Where trailing punctuation starts in `text` (a backwards scan: linear, unlike a `[…]+$` pattern). */
function findTrailingPunctuation(text: string): number {
  let end = text.length;
  while (end > 0 && TRAILING_PUNCTUATION.has(text[end - 1] ?? "")) end--;
  return end;
}

function redactQueryPart(part: string, shown: ReadonlySet<string>): string {
  const equals = part.indexOf("=");
  // A bare `?flag` is a parameter name; an empty value hides nothing.
  if (equals <= 0 || equals === part.length - 1) return part;
  const name = part.slice(0, equals);
  return shown.has(name) ? part : `${name}=${QUERY_VALUE_REDACTED}`;
}

/**
 * Hides every query-string value of the URLs in `text` (route names, URL
 * tags, messages quoting them): `/search?q=abc&page=2` → `/search?q=[redacted]&page=[redacted]`.
 * Parameter names stay, so a reader still sees which request it was; values
 * are shown only for names in `showQueryValues` (a profile's
 * `redaction.showQueryValues`). Fragment parameters (`#a=b`) are treated the
 * same. Unlike {@link redactUrl}, which hides credential-named parameters
 * only, this assumes any value may be a credential.
 */
export function redactQueryValues(text: string, showQueryValues: readonly string[] = []): string {
  const shown = new Set(showQueryValues);
  return text.replace(QUERY_STRING, (_match, start: string, query: string) => {
    const end = findTrailingPunctuation(query);
    const body = query.slice(0, end);
    const trailing = query.slice(end);
    const redacted = body
      .split(/([&#])/)
      .map((part, index) => (index % 2 === 1 ? part : redactQueryPart(part, shown)))
      .join("");
    return `${start}${redacted}${trailing}`;
  });
}

/** How reports redact evidence beyond credentials: which query values they may show. */
export interface ReportRedaction {
  /** Query parameter names whose values are shown; every other value is `[redacted]`. */
  showQueryValues?: readonly string[];
}

/**
 * Text as reports show it: query values hidden (except allow-listed
 * parameters), then credentials hidden by {@link redactText}, which also
 * hides allow-listed parameters whose names say they carry a secret.
 */
export function redactReportText(text: string, redaction: ReportRedaction = {}): string {
  return redactText(redactQueryValues(text, redaction.showQueryValues));
}

/**
 * A copy of `value` with every string inside it passed through
 * {@link redactReportText}; keys, numbers and structure unchanged. For
 * results whose free text sits in many places (capacity steps, notes,
 * findings), so a field added later cannot slip past.
 */
export function redactReportStrings<T>(value: T, redaction: ReportRedaction = {}): T {
  const visit = (item: unknown): unknown => {
    if (typeof item === "string") return redactReportText(item, redaction);
    if (Array.isArray(item)) return item.map(visit);
    if (item !== null && typeof item === "object") {
      return Object.fromEntries(
        Object.entries(item as Record<string, unknown>).map(([key, entry]) => [key, visit(entry)]),
      );
    }
    return item;
  };
  return visit(value) as T;
}

/**
 * The same report input with every free-text field (profile, run, reasons,
 * findings, objective ids, route names, the comparison with a baseline) passed through
 * {@link redactReportText}: credentials hidden, and query values hidden
 * unless the profile allow-listed them (`input.redaction`). Every report
 * renderer applies it, so no format can leak what another hides.
 */
export function redactReportInput(input: ReportInput): ReportInput {
  const { verdict } = input;
  const options: ReportRedaction = input.redaction ?? {};
  const clean = (text: string) => redactReportText(text, options);
  return {
    ...(input.redaction ? { redaction: input.redaction } : {}),
    verdict: {
      ...verdict,
      profile: clean(verdict.profile),
      objectives: verdict.objectives.map((objective) => ({
        ...objective,
        id: clean(objective.id),
        reason: clean(objective.reason),
      })),
      findings: verdict.findings.map((finding) => ({
        ...finding,
        code: clean(finding.code),
        message: clean(finding.message),
      })),
      ...(verdict.run === undefined
        ? {}
        : {
            run: {
              id: clean(verdict.run.id),
              scenario: clean(verdict.run.scenario),
              target: clean(verdict.run.target),
            },
          }),
      // The baseline's paths, its CI run URL, reasons and notes: every string.
      ...(verdict.comparison === undefined
        ? {}
        : { comparison: redactReportStrings(verdict.comparison, options) }),
    },
    timeline: input.timeline,
    routes: input.routes.map((route) => ({
      ...route,
      name: clean(route.name),
      method: clean(route.method),
    })),
    ...(input.comparisonFigures === undefined
      ? {}
      : {
          comparisonFigures: {
            ...input.comparisonFigures,
            subject: clean(input.comparisonFigures.subject),
          },
        }),
  };
}
