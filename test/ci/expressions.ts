/**
 * The part of GitHub Actions' expression language that a composite action's
 * `if:`, `with:`, `env:` and `run:` use, evaluated as the runner does, so a
 * test can run action.yml's steps outside GitHub. Anything else (a function
 * or context this does not know) throws rather than guessing.
 *
 * Semantics from docs.github.com "Evaluate expressions in workflows and
 * actions": `||` and `&&` return an operand, not a boolean; `==` compares
 * strings case-insensitively and otherwise as numbers; a missing property is
 * null, and null, false, 0 and '' are falsy.
 */

export type Value = string | number | boolean | null;

/** A context tree: `inputs`, `steps`, `runner`, `github`, `env`… */
export interface Contexts {
  [name: string]: Value | Contexts | undefined;
}

export interface JobStatus {
  /** An earlier step failed (`failure()` is true, `success()` false). */
  failed: boolean;
}

type Token =
  | { kind: "string"; value: string }
  | { kind: "number"; value: number }
  | { kind: "word"; value: string }
  | { kind: "op"; value: string };

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let at = 0;
  while (at < source.length) {
    const rest = source.slice(at);
    const space = /^\s+/.exec(rest);
    if (space) {
      at += space[0].length;
      continue;
    }
    const string = /^'((?:[^']|'')*)'/.exec(rest);
    if (string) {
      tokens.push({ kind: "string", value: (string[1] ?? "").replaceAll("''", "'") });
      at += string[0].length;
      continue;
    }
    const number = /^-?\d+(\.\d+)?/.exec(rest);
    if (number) {
      tokens.push({ kind: "number", value: Number(number[0]) });
      at += number[0].length;
      continue;
    }
    const word = /^[A-Za-z_][A-Za-z0-9_-]*(\.[A-Za-z_][A-Za-z0-9_-]*)*/.exec(rest);
    if (word) {
      tokens.push({ kind: "word", value: word[0] });
      at += word[0].length;
      continue;
    }
    const op = /^(==|!=|&&|\|\||!|\(|\))/.exec(rest);
    if (op) {
      tokens.push({ kind: "op", value: op[0] });
      at += op[0].length;
      continue;
    }
    throw new Error(
      `expression ${JSON.stringify(source)}: unsupported syntax at ${JSON.stringify(rest)}`,
    );
  }
  return tokens;
}

function truthy(value: Value): boolean {
  return value !== null && value !== false && value !== 0 && value !== "";
}

function toNumber(value: Value): number {
  if (value === null) return 0;
  if (typeof value === "boolean") return value ? 1 : 0;
  if (typeof value === "number") return value;
  return value.trim() === "" ? 0 : Number(value);
}

function looseEquals(a: Value, b: Value): boolean {
  if (typeof a === "string" && typeof b === "string") return a.toLowerCase() === b.toLowerCase();
  return toNumber(a) === toNumber(b);
}

function lookup(path: string, contexts: Contexts): Value {
  const [root, ...rest] = path.split(".");
  if (root === undefined || !(root in contexts)) {
    throw new Error(`unknown context '${root ?? path}' in ${path}`);
  }
  let node: Value | Contexts | undefined = contexts[root];
  for (const key of rest) {
    if (node === null || node === undefined || typeof node !== "object") return null;
    node = node[key];
  }
  if (node === undefined) return null;
  if (typeof node === "object" && node !== null)
    throw new Error(`${path} is an object, not a value`);
  return node;
}

/** Evaluates one expression (the inside of `${{ }}`, or a bare `if:`). */
export function evaluate(source: string, contexts: Contexts, status: JobStatus): Value {
  const tokens = tokenize(source);
  let at = 0;
  const peek = () => tokens[at];
  const take = (op: string) => {
    const token = peek();
    if (token?.kind === "op" && token.value === op) {
      at += 1;
      return true;
    }
    return false;
  };

  const primary = (): Value => {
    const token = tokens[at++];
    if (token === undefined) throw new Error(`expression ${JSON.stringify(source)} ends early`);
    if (token.kind === "string" || token.kind === "number") return token.value;
    if (token.kind === "op") {
      if (token.value !== "(") throw new Error(`unexpected '${token.value}' in ${source}`);
      const inner = or();
      if (!take(")")) throw new Error(`missing ')' in ${source}`);
      return inner;
    }
    if (token.value === "true") return true;
    if (token.value === "false") return false;
    if (token.value === "null") return null;
    if (take("(")) {
      if (!take(")")) throw new Error(`function ${token.value}() with arguments is not supported`);
      switch (token.value) {
        case "always":
          return true;
        case "success":
          return !status.failed;
        case "failure":
          return status.failed;
        case "cancelled":
          return false;
        default:
          throw new Error(`unsupported function ${token.value}()`);
      }
    }
    return lookup(token.value, contexts);
  };
  const unary = (): Value => (take("!") ? !truthy(unary()) : primary());
  const comparison = (): Value => {
    const left = unary();
    if (take("==")) return looseEquals(left, unary());
    if (take("!=")) return !looseEquals(left, unary());
    return left;
  };
  const and = (): Value => {
    let value = comparison();
    while (take("&&")) {
      const right = comparison();
      value = truthy(value) ? right : value;
    }
    return value;
  };
  const or = (): Value => {
    let value = and();
    while (take("||")) {
      const right = and();
      value = truthy(value) ? value : right;
    }
    return value;
  };

  const value = or();
  if (at !== tokens.length)
    throw new Error(`trailing input in expression ${JSON.stringify(source)}`);
  return value;
}

/** A step's `if:` (a bare expression or `${{ }}`); none means `success()`. */
export function evaluateCondition(
  condition: string | undefined,
  contexts: Contexts,
  status: JobStatus,
): boolean {
  if (condition === undefined) return !status.failed;
  const inner = /^\s*\$\{\{([\s\S]*)\}\}\s*$/.exec(condition)?.[1] ?? condition;
  return truthy(evaluate(inner, contexts, status));
}

function stringify(value: Value): string {
  if (value === null) return "";
  return String(value);
}

/** Replaces every `${{ … }}` in a string, as the runner does before a step runs. */
export function interpolate(text: string, contexts: Contexts, status: JobStatus): string {
  return text.replace(/\$\{\{([\s\S]*?)\}\}/g, (_, inner: string) =>
    stringify(evaluate(inner, contexts, status)),
  );
}
