import { parseDocument } from "yaml";
import type { z } from "zod";
import { ConfigError } from "../errors.js";

/** Renders a zod path the way a user would write it in YAML: `objectives[2].bounds.target`. */
export function formatFieldPath(path: readonly PropertyKey[]): string {
  let text = "";
  for (const part of path) {
    if (typeof part === "number") text += `[${part}]`;
    else text += text === "" ? String(part) : `.${String(part)}`;
  }
  return text === "" ? "(top level)" : text;
}

/** One config mistake as one line: `<file>: <field path>: <problem>; allowed: …`. */
export function configIssue(
  code: string,
  file: string,
  path: readonly PropertyKey[] | string,
  problem: string,
  allowed?: readonly string[] | string,
): ConfigError {
  const field = typeof path === "string" ? path : formatFieldPath(path);
  const hint =
    allowed === undefined
      ? ""
      : `; allowed: ${typeof allowed === "string" ? allowed : allowed.join(", ")}`;
  return new ConfigError(code, `${file}: ${field}: ${problem}${hint}`);
}

interface SchemaDef {
  type: string;
  shape?: Record<string, z.ZodType>;
  element?: z.ZodType;
  innerType?: z.ZodType;
  valueType?: z.ZodType;
  in?: z.ZodType;
}

function defOf(schema: z.ZodType): SchemaDef {
  return (schema as unknown as { _zod: { def: SchemaDef } })._zod.def;
}

/** The keys an object schema accepts at `path`, to tell the user what they could have written. */
function allowedKeysAt(schema: z.ZodType, path: readonly PropertyKey[]): string[] {
  let current: z.ZodType | undefined = schema;
  const remaining = [...path];
  while (current) {
    const def = defOf(current);
    if (def.type === "optional" || def.type === "default" || def.type === "nullable") {
      current = def.innerType;
      continue;
    }
    if (def.type === "pipe") {
      current = def.in;
      continue;
    }
    const next = remaining.shift();
    if (next === undefined) return def.type === "object" ? Object.keys(def.shape ?? {}) : [];
    if (def.type === "object") current = def.shape?.[String(next)];
    else if (def.type === "array") current = def.element;
    else if (def.type === "record") current = def.valueType;
    else return [];
  }
  return [];
}

function describeIssue(
  issue: z.core.$ZodIssue,
  schema: z.ZodType,
): { problem: string; allowed?: string[] } {
  switch (issue.code) {
    case "unrecognized_keys":
      return {
        problem: `unknown field${issue.keys.length > 1 ? "s" : ""} ${issue.keys.map((k) => `"${k}"`).join(", ")}`,
        allowed: allowedKeysAt(schema, issue.path),
      };
    case "invalid_value":
      return {
        problem: "not an accepted value",
        allowed: issue.values.map((v) => JSON.stringify(v)),
      };
    case "invalid_type": {
      const received = /received (\w+)/.exec(issue.message)?.[1];
      return {
        problem:
          received === "undefined"
            ? "missing"
            : `expected ${issue.expected}${received ? `, got ${received}` : ""}`,
      };
    }
    default: {
      const text = issue.message.replace(/^Invalid input: /, "");
      return { problem: text.charAt(0).toLowerCase() + text.slice(1) };
    }
  }
}

/** Turns the first zod issue into a ConfigError naming the file and field. */
export function configErrorFromZod(
  code: string,
  file: string,
  error: z.ZodError,
  schema: z.ZodType,
): ConfigError {
  const issue = error.issues[0];
  if (!issue) return new ConfigError(code, `${file}: invalid`);
  const { problem, allowed } = describeIssue(issue, schema);
  return configIssue(code, file, issue.path, problem, allowed);
}

/** Parses YAML text; a syntax error names the file and line. */
export function parseYamlText(text: string, file: string, code: string): unknown {
  const doc = parseDocument(text, { prettyErrors: false, uniqueKeys: true });
  const first = doc.errors[0];
  if (first) {
    const line = first.linePos?.[0]?.line;
    const where = line === undefined ? file : `${file}:${line}`;
    throw new ConfigError(
      code,
      `${where}: not valid YAML (${first.message.split("\n")[0] ?? first.code}); fix the syntax`,
    );
  }
  return doc.toJS() as unknown;
}
