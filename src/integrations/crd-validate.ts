import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Ajv, type ErrorObject, type ValidateFunction } from "ajv";
import { parse } from "yaml";
import { ConfigError } from "../errors.js";

type Schema = Record<string, unknown>;

/** The CRDs shipped in the project's schemas/ (two levels above src/integrations and dist/integrations). */
export const SCHEMAS_DIR = fileURLToPath(new URL("../../schemas", import.meta.url));

export interface CrdValidator {
  group: string;
  kind: string;
  scope: "Namespaced" | "Cluster";
  /** Served versions. */
  versions: string[];
  /** Every problem Kubernetes strict field validation would report; empty when the object is accepted. */
  validate(object: unknown): string[];
}

const LIST_MAP_KEYWORD = "slogateListMapKeys";

/**
 * Converts a CRD's openAPIV3Schema into a JSON Schema that rejects what the
 * API server rejects under strict field validation (`kubectl apply
 * --validate=strict`, the default since Kubernetes 1.27):
 * - an object with properties but neither additionalProperties nor
 *   x-kubernetes-preserve-unknown-fields rejects unknown fields (the server
 *   would prune them; strict mode makes that an error);
 * - an object with no properties at all accepts none, unless it preserves
 *   unknown fields or declares additionalProperties;
 * - x-kubernetes-int-or-string accepts an integer or a string;
 * - nullable adds null; list-type set/map forbid duplicates;
 * - the root's metadata is checked separately (checkObjectMeta): the CRD
 *   only says `type: object` there because the server validates ObjectMeta
 *   itself.
 */
export function convertOpenApiSchema(schema: Schema, isRoot = false): Schema {
  const out: Schema = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key.startsWith("x-kubernetes-") || key === "nullable") continue;
    if (key === "properties") {
      const properties: Record<string, Schema> = {};
      for (const [name, sub] of Object.entries(value as Record<string, Schema>)) {
        properties[name] = isRoot && name === "metadata" ? {} : convertOpenApiSchema(sub);
      }
      out.properties = properties;
    } else if (key === "items" || key === "not") {
      out[key] = convertOpenApiSchema(value as Schema);
    } else if (key === "additionalProperties") {
      out[key] = typeof value === "boolean" ? value : convertOpenApiSchema(value as Schema);
    } else if (key === "anyOf" || key === "allOf" || key === "oneOf") {
      out[key] = (value as Schema[]).map((sub) => convertOpenApiSchema(sub));
    } else {
      out[key] = value;
    }
  }
  const preserve = schema["x-kubernetes-preserve-unknown-fields"] === true;
  const isObject = schema.type === "object";
  if (isObject && !preserve && out.additionalProperties === undefined) {
    out.additionalProperties = false;
  }
  if (schema["x-kubernetes-int-or-string"] === true && out.anyOf === undefined) {
    out.anyOf = [{ type: "integer" }, { type: "string" }];
  }
  if (schema.nullable === true && typeof out.type === "string") out.type = [out.type, "null"];
  const listType = schema["x-kubernetes-list-type"];
  if (listType === "set") out.uniqueItems = true;
  if (listType === "map" && Array.isArray(schema["x-kubernetes-list-map-keys"])) {
    out[LIST_MAP_KEYWORD] = schema["x-kubernetes-list-map-keys"];
  }
  return out;
}

const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const QUALIFIED_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;

function checkQualifiedKey(key: string): boolean {
  const slash = key.lastIndexOf("/");
  const prefix = slash >= 0 ? key.slice(0, slash) : null;
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  if (prefix !== null && (prefix.length > 253 || !DNS_SUBDOMAIN.test(prefix))) return false;
  return name.length <= 63 && QUALIFIED_NAME.test(name);
}

/** The ObjectMeta fields a generated manifest may carry, checked as the API server does. */
function checkObjectMeta(meta: unknown, scope: CrdValidator["scope"]): string[] {
  if (typeof meta !== "object" || meta === null || Array.isArray(meta)) {
    return ["metadata: must be an object"];
  }
  const problems: string[] = [];
  const allowed = new Set(["name", "generateName", "namespace", "labels", "annotations"]);
  const record = meta as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    if (!allowed.has(key)) problems.push(`metadata.${key}: unknown field`);
  }
  const name = record.name;
  if (name === undefined && record.generateName === undefined) {
    problems.push("metadata.name: required");
  }
  if (
    name !== undefined &&
    (typeof name !== "string" || name.length > 253 || !DNS_SUBDOMAIN.test(name))
  ) {
    problems.push(`metadata.name: ${JSON.stringify(name)} is not a DNS subdomain name`);
  }
  if (record.namespace !== undefined) {
    if (scope === "Cluster") problems.push("metadata.namespace: a cluster-scoped object has none");
    else if (typeof record.namespace !== "string" || !DNS_LABEL.test(record.namespace)) {
      problems.push(`metadata.namespace: ${JSON.stringify(record.namespace)} is not a DNS label`);
    }
  }
  for (const field of ["labels", "annotations"] as const) {
    const map = record[field];
    if (map === undefined) continue;
    if (typeof map !== "object" || map === null || Array.isArray(map)) {
      problems.push(`metadata.${field}: must be a map of strings`);
      continue;
    }
    for (const [key, value] of Object.entries(map as Record<string, unknown>)) {
      if (!checkQualifiedKey(key))
        problems.push(`metadata.${field}: invalid key ${JSON.stringify(key)}`);
      if (typeof value !== "string") problems.push(`metadata.${field}.${key}: must be a string`);
      else if (field === "labels" && (value.length > 63 || !LABEL_VALUE.test(value))) {
        problems.push(`metadata.labels.${key}: invalid label value ${JSON.stringify(value)}`);
      }
    }
  }
  return problems;
}

/** `/spec/metrics/0/provider` → `spec.metrics[0].provider`. */
function formatPath(instancePath: string): string {
  return instancePath
    .split("/")
    .slice(1)
    .map((part) => part.replace(/~1/g, "/").replace(/~0/g, "~"))
    .reduce(
      (text, part) => (/^\d+$/.test(part) ? `${text}[${part}]` : text ? `${text}.${part}` : part),
      "",
    );
}

function describeError(error: ErrorObject): string {
  const at = formatPath(error.instancePath) || "(root)";
  if (error.keyword === "additionalProperties") {
    const field = (error.params as { additionalProperty: string }).additionalProperty;
    return `${at === "(root)" ? "" : `${at}.`}${field}: unknown field`;
  }
  if (error.keyword === "required") {
    const field = (error.params as { missingProperty: string }).missingProperty;
    return `${at === "(root)" ? "" : `${at}.`}${field}: required`;
  }
  return `${at}: ${error.message ?? error.keyword}`;
}

function createAjv(): Ajv {
  const ajv = new Ajv({
    allErrors: true,
    strict: true,
    // CRDs put `pattern` beside int-or-string anyOf (quantities): valid for the API server.
    strictTypes: false,
    allowUnionTypes: true,
  });
  ajv.addFormat("int32", {
    type: "number",
    validate: (n: number) => Number.isInteger(n) && n >= -(2 ** 31) && n < 2 ** 31,
  });
  ajv.addFormat("int64", { type: "number", validate: (n: number) => Number.isSafeInteger(n) });
  ajv.addFormat("date-time", (text: string) => !Number.isNaN(Date.parse(text)));
  ajv.addKeyword({
    keyword: LIST_MAP_KEYWORD,
    type: "array",
    schemaType: "array",
    errors: false,
    validate: (keys: string[], data: unknown[]) => {
      const seen = new Set<string>();
      for (const item of data) {
        const id = JSON.stringify(keys.map((key) => (item as Record<string, unknown>)?.[key]));
        if (seen.has(id)) return false;
        seen.add(id);
      }
      return true;
    },
  });
  return ajv;
}

/** Loads a CustomResourceDefinition YAML file and compiles a validator per served version. */
export function loadCrdValidator(file: string): CrdValidator {
  let crd: {
    spec?: {
      group?: string;
      scope?: "Namespaced" | "Cluster";
      names?: { kind?: string };
      versions?: { name: string; served?: boolean; schema?: { openAPIV3Schema?: Schema } }[];
    };
  };
  try {
    crd = parse(readFileSync(file, "utf8")) as typeof crd;
  } catch (cause) {
    throw new ConfigError(
      "CRD_UNREADABLE",
      `${file}: cannot read the CRD (${(cause as Error).message})`,
      { cause },
    );
  }
  const spec = crd.spec;
  if (!spec?.group || !spec.names?.kind || !spec.versions || !spec.scope) {
    throw new ConfigError(
      "CRD_UNREADABLE",
      `${file}: not a CustomResourceDefinition (spec.group/names/versions/scope)`,
    );
  }
  const { group, scope } = spec;
  const kind = spec.names.kind;
  const ajv = createAjv();
  const compiled = new Map<string, ValidateFunction>();
  for (const version of spec.versions) {
    const schema = version.schema?.openAPIV3Schema;
    if (version.served === false || !schema) continue;
    compiled.set(version.name, ajv.compile(convertOpenApiSchema(schema, true)));
  }
  return {
    group,
    kind,
    scope,
    versions: [...compiled.keys()],
    validate(object: unknown): string[] {
      if (typeof object !== "object" || object === null || Array.isArray(object)) {
        return ["(root): must be an object"];
      }
      const record = object as Record<string, unknown>;
      const apiVersion = typeof record.apiVersion === "string" ? record.apiVersion : "";
      const version = apiVersion.startsWith(`${group}/`)
        ? apiVersion.slice(group.length + 1)
        : null;
      const validator = version === null ? undefined : compiled.get(version);
      const problems: string[] = [];
      if (!validator) {
        problems.push(
          `apiVersion: ${JSON.stringify(record.apiVersion)} is not served; use ${[...compiled.keys()].map((v) => `${group}/${v}`).join(" or ")}`,
        );
      }
      if (record.kind !== kind)
        problems.push(`kind: ${JSON.stringify(record.kind)} is not ${kind}`);
      problems.push(...checkObjectMeta(record.metadata, scope));
      if (validator && !validator(object)) {
        const errors = validator.errors ?? [];
        // An anyOf failure already says it; its branches' errors at the same path are noise.
        const anyOfPaths = new Set(
          errors.filter((e) => e.keyword === "anyOf").map((e) => e.instancePath),
        );
        problems.push(
          ...errors
            .filter((e) => e.keyword === "anyOf" || !anyOfPaths.has(e.instancePath))
            .map(describeError),
        );
      }
      return [...new Set(problems)];
    },
  };
}

type ArgoValidators = Record<"AnalysisTemplate" | "ClusterAnalysisTemplate", CrdValidator>;

/** Compiling a CRD's schema takes seconds; a process compiles each directory's once. */
const compiledArgo = new Map<string, ArgoValidators>();

/** The Argo Rollouts CRDs in a schemas directory, by kind. */
export function loadArgoValidators(dir: string = SCHEMAS_DIR): ArgoValidators {
  const key = path.resolve(dir);
  const cached = compiledArgo.get(key);
  if (cached) return cached;
  const validators: ArgoValidators = {
    AnalysisTemplate: loadCrdValidator(
      path.join(key, "argo-rollouts-v1.9.1-analysis-template-crd.yaml"),
    ),
    ClusterAnalysisTemplate: loadCrdValidator(
      path.join(key, "argo-rollouts-v1.9.1-cluster-analysis-template-crd.yaml"),
    ),
  };
  compiledArgo.set(key, validators);
  return validators;
}
