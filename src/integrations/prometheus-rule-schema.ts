import { Ajv } from "ajv";

/**
 * The fields of a PrometheusRule (monitoring.coreos.com/v1) that slogate
 * writes, as a strict JSON Schema: every object rejects unknown fields, as
 * the API server does under strict field validation. The operator's CRD is
 * not among the schemas shipped beside the project, so this covers what the
 * generator emits (a rule is either `record` or `alert`, with `expr`), and
 * `promtool check rules` checks the PromQL and templates themselves.
 */
const stringMap = { type: "object", additionalProperties: { type: "string" } } as const;
const duration = {
  type: "string",
  pattern:
    "^(0|(([0-9]+)y)?(([0-9]+)w)?(([0-9]+)d)?(([0-9]+)h)?(([0-9]+)m)?(([0-9]+)s)?(([0-9]+)ms)?)$",
} as const;

const ruleSchema = {
  type: "object",
  additionalProperties: false,
  required: ["expr"],
  properties: {
    record: { type: "string", minLength: 1 },
    alert: { type: "string", minLength: 1 },
    expr: { anyOf: [{ type: "integer" }, { type: "string" }] },
    for: duration,
    keep_firing_for: { type: "string", minLength: 1 },
    labels: stringMap,
    annotations: stringMap,
  },
  oneOf: [{ required: ["record"] }, { required: ["alert"] }],
} as const;

export const PROMETHEUS_RULE_SCHEMA = {
  type: "object",
  additionalProperties: false,
  required: ["apiVersion", "kind", "metadata", "spec"],
  properties: {
    apiVersion: { const: "monitoring.coreos.com/v1" },
    kind: { const: "PrometheusRule" },
    metadata: {
      type: "object",
      additionalProperties: false,
      required: ["name"],
      properties: {
        name: {
          type: "string",
          pattern: "^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$",
        },
        namespace: { type: "string", pattern: "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$" },
        labels: stringMap,
        annotations: stringMap,
      },
    },
    spec: {
      type: "object",
      additionalProperties: false,
      properties: {
        groups: {
          type: "array",
          items: {
            type: "object",
            additionalProperties: false,
            required: ["name"],
            properties: {
              name: { type: "string", minLength: 1 },
              interval: duration,
              query_offset: duration,
              limit: { type: "integer" },
              labels: stringMap,
              rules: { type: "array", items: ruleSchema },
            },
          },
        },
      },
    },
  },
} as const;

/** Problems with a generated PrometheusRule object; empty when it is accepted. */
export function validatePrometheusRule(object: unknown): string[] {
  const ajv = new Ajv({ allErrors: true, strict: false });
  const validate = ajv.compile(PROMETHEUS_RULE_SCHEMA);
  if (validate(object)) return [];
  return (validate.errors ?? []).map((error) => {
    const at = error.instancePath || "(root)";
    const extra =
      error.keyword === "additionalProperties"
        ? ` ${(error.params as { additionalProperty: string }).additionalProperty}: unknown field`
        : ` ${error.message ?? error.keyword}`;
    return `${at}:${extra}`;
  });
}
