/**
 * Structural rules for the built-in kinds slogate generates (ServiceAccount,
 * Role, RoleBinding, batch/v1 Job), which have no CRD to validate against:
 * the field names and constraints the API server enforces, written from the
 * Kubernetes API reference (names and labels: "Object Names and IDs" and
 * "Labels and Selectors"; rbac.authorization.k8s.io/v1; batch/v1 JobSpec;
 * core/v1 PodSpec, Container, EnvVar, Volume). The list of fields per object
 * is the part slogate uses, so an unknown field (a typo) is reported.
 */

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const LABEL_NAME = /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const ENV_NAME = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;
const RBAC_VERBS = new Set([
  "get",
  "list",
  "watch",
  "create",
  "update",
  "patch",
  "delete",
  "deletecollection",
  "*",
]);

const API_VERSION: Record<string, string> = {
  ServiceAccount: "v1",
  Role: "rbac.authorization.k8s.io/v1",
  RoleBinding: "rbac.authorization.k8s.io/v1",
  Job: "batch/v1",
};
const TOP_FIELDS: Record<string, string[]> = {
  ServiceAccount: ["automountServiceAccountToken", "imagePullSecrets", "secrets"],
  Role: ["rules"],
  RoleBinding: ["roleRef", "subjects"],
  Job: ["spec"],
};
const CONTAINER_FIELDS = [
  "name",
  "image",
  "command",
  "args",
  "env",
  "resources",
  "securityContext",
  "volumeMounts",
];

type Node = Record<string, unknown>;
const isObject = (value: unknown): value is Node =>
  typeof value === "object" && value !== null && !Array.isArray(value);

function checkName(where: string, name: unknown, maxLength: number, pattern: RegExp): string[] {
  return typeof name === "string" && name.length <= maxLength && pattern.test(name)
    ? []
    : [`${where}: ${JSON.stringify(name)} is not a valid name (${pattern.source}, ≤ ${maxLength})`];
}

function checkLabels(where: string, labels: unknown): string[] {
  if (labels === undefined) return [];
  if (!isObject(labels)) return [`${where}: not a map`];
  const problems: string[] = [];
  for (const [key, value] of Object.entries(labels)) {
    const slash = key.lastIndexOf("/");
    const prefix = slash === -1 ? null : key.slice(0, slash);
    const name = slash === -1 ? key : key.slice(slash + 1);
    if (prefix !== null)
      problems.push(...checkName(`${where} key prefix`, prefix, 253, DNS_SUBDOMAIN));
    problems.push(...checkName(`${where} key`, name, 63, LABEL_NAME));
    if (
      typeof value !== "string" ||
      (value !== "" && (value.length > 63 || !LABEL_NAME.test(value)))
    ) {
      problems.push(`${where}.${key}: ${JSON.stringify(value)} is not a valid label value`);
    }
  }
  return problems;
}

function unknownFields(where: string, node: Node, allowed: string[]): string[] {
  return Object.keys(node)
    .filter((key) => !allowed.includes(key))
    .map((key) => `${where}.${key}: unknown field`);
}

function checkPod(pod: unknown, all: Node[], namespace: unknown): string[] {
  if (!isObject(pod)) return ["spec.template.spec: missing"];
  const problems: string[] = [];
  if (pod.restartPolicy !== "Never" && pod.restartPolicy !== "OnFailure") {
    problems.push("spec.template.spec.restartPolicy: a Job's pods need Never or OnFailure");
  }
  const account = pod.serviceAccountName;
  if (
    account !== undefined &&
    !all.some(
      (doc) =>
        doc.kind === "ServiceAccount" &&
        (doc.metadata as Node).name === account &&
        (doc.metadata as Node).namespace === namespace,
    )
  ) {
    problems.push(
      `spec.template.spec.serviceAccountName: no ServiceAccount ${JSON.stringify(account)} here`,
    );
  }
  const volumes = Array.isArray(pod.volumes) ? (pod.volumes as Node[]) : [];
  const volumeNames = volumes.map((volume) => volume.name);
  const containers = [
    ...(Array.isArray(pod.initContainers) ? (pod.initContainers as unknown[]) : []),
    ...(Array.isArray(pod.containers) ? (pod.containers as unknown[]) : []),
  ];
  if (!Array.isArray(pod.containers) || pod.containers.length === 0) {
    problems.push("spec.template.spec.containers: required, at least one");
  }
  const seen = new Set<unknown>();
  for (const [index, container] of containers.entries()) {
    const where = `container[${index}]`;
    if (!isObject(container)) {
      problems.push(`${where}: not an object`);
      continue;
    }
    problems.push(...unknownFields(where, container, CONTAINER_FIELDS));
    problems.push(...checkName(`${where}.name`, container.name, 63, DNS_LABEL));
    if (seen.has(container.name)) problems.push(`${where}.name: duplicate`);
    seen.add(container.name);
    if (typeof container.image !== "string" || container.image === "") {
      problems.push(`${where}.image: required`);
    }
    for (const list of ["command", "args"] as const) {
      const value = container[list];
      if (
        value !== undefined &&
        (!Array.isArray(value) || value.some((v) => typeof v !== "string"))
      ) {
        problems.push(`${where}.${list}: a list of strings`);
      }
    }
    for (const entry of Array.isArray(container.env) ? (container.env as Node[]) : []) {
      if (typeof entry.name !== "string" || !ENV_NAME.test(entry.name)) {
        problems.push(`${where}.env: ${JSON.stringify(entry.name)} is not a valid name`);
      }
      if ("value" in entry === "valueFrom" in entry) {
        problems.push(`${where}.env.${String(entry.name)}: exactly one of value and valueFrom`);
      }
      if (isObject(entry.valueFrom)) {
        const ref = entry.valueFrom.secretKeyRef;
        if (!isObject(ref) || typeof ref.name !== "string" || typeof ref.key !== "string") {
          problems.push(
            `${where}.env.${String(entry.name)}.valueFrom: secretKeyRef needs name and key`,
          );
        }
      }
    }
    for (const mount of Array.isArray(container.volumeMounts)
      ? (container.volumeMounts as Node[])
      : []) {
      if (!volumeNames.includes(mount.name)) {
        problems.push(`${where}.volumeMounts: no volume ${String(mount.name)}`);
      }
      if (typeof mount.mountPath !== "string" || !mount.mountPath.startsWith("/")) {
        problems.push(`${where}.volumeMounts.${String(mount.name)}: an absolute mountPath`);
      }
    }
  }
  return problems;
}

/** Every rule the object breaks; `all` holds the other generated documents (for references). */
export function checkBuiltinObject(object: unknown, all: unknown[]): string[] {
  if (!isObject(object)) return ["not an object"];
  const documents = all.filter(isObject);
  const kind = String(object.kind);
  const problems: string[] = [];
  if (API_VERSION[kind] === undefined)
    return [`kind ${kind}: not one of ${Object.keys(API_VERSION).join(", ")}`];
  if (object.apiVersion !== API_VERSION[kind]) {
    problems.push(`apiVersion: ${String(object.apiVersion)} is not ${API_VERSION[kind]}`);
  }
  problems.push(
    ...unknownFields("", object, ["apiVersion", "kind", "metadata", ...(TOP_FIELDS[kind] ?? [])]),
  );
  const metadata = isObject(object.metadata) ? object.metadata : {};
  // A Job's name ends up in its pods' job-name label: a DNS label, ≤ 63.
  problems.push(
    ...(kind === "Job"
      ? checkName("metadata.name", metadata.name, 63, DNS_LABEL)
      : checkName("metadata.name", metadata.name, 253, DNS_SUBDOMAIN)),
  );
  problems.push(...checkName("metadata.namespace", metadata.namespace, 63, DNS_LABEL));
  problems.push(...checkLabels("metadata.labels", metadata.labels));

  if (kind === "Role") {
    const rules = Array.isArray(object.rules) ? (object.rules as Node[]) : [];
    if (rules.length === 0) problems.push("rules: none");
    for (const rule of rules) {
      for (const field of ["apiGroups", "resources", "verbs"]) {
        if (!Array.isArray(rule[field]) || (rule[field] as unknown[]).length === 0) {
          problems.push(`rules.${field}: required`);
        }
      }
      for (const verb of Array.isArray(rule.verbs) ? rule.verbs : []) {
        if (!RBAC_VERBS.has(String(verb)))
          problems.push(`rules.verbs: unknown verb ${String(verb)}`);
      }
    }
  }
  if (kind === "RoleBinding") {
    const ref = isObject(object.roleRef) ? object.roleRef : {};
    if (
      ref.apiGroup !== "rbac.authorization.k8s.io" ||
      (ref.kind !== "Role" && ref.kind !== "ClusterRole")
    ) {
      problems.push("roleRef: apiGroup rbac.authorization.k8s.io and kind Role or ClusterRole");
    }
    if (
      ref.kind === "Role" &&
      !documents.some(
        (doc) =>
          doc.kind === "Role" &&
          (doc.metadata as Node).name === ref.name &&
          (doc.metadata as Node).namespace === metadata.namespace,
      )
    ) {
      problems.push(`roleRef.name: no Role ${String(ref.name)} in this namespace`);
    }
    for (const subject of Array.isArray(object.subjects) ? (object.subjects as Node[]) : []) {
      if (
        subject.kind === "ServiceAccount" &&
        (typeof subject.namespace !== "string" || subject.namespace === "")
      ) {
        problems.push("subjects: a ServiceAccount subject needs its namespace");
      }
    }
  }
  if (kind === "Job") {
    const spec = isObject(object.spec) ? object.spec : {};
    const backoff = spec.backoffLimit;
    if (backoff !== undefined && !(Number.isInteger(backoff) && (backoff as number) >= 0)) {
      problems.push("spec.backoffLimit: a whole number ≥ 0");
    }
    const deadline = spec.activeDeadlineSeconds;
    if (deadline !== undefined && !(Number.isInteger(deadline) && (deadline as number) > 0)) {
      problems.push("spec.activeDeadlineSeconds: a whole number > 0");
    }
    const template = isObject(spec.template) ? spec.template : {};
    problems.push(
      ...checkLabels(
        "spec.template.metadata.labels",
        (template.metadata as Node | undefined)?.labels,
      ),
    );
    problems.push(...checkPod(template.spec, documents, metadata.namespace));
  }
  return problems;
}
