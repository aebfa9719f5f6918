import { Document } from "yaml";

/**
 * Kubernetes YAML for one or more manifests (`---` between them), each with
 * an optional comment block on top. Long strings (PromQL) stay on one line or
 * in block scalars, never folded, so what Argo and Prometheus read is exactly
 * what was generated.
 */
export function renderManifests(items: { manifest: unknown; comment?: string }[]): string {
  return items
    .map(({ manifest, comment }) => {
      const document = new Document(manifest, { aliasDuplicateObjects: false });
      if (comment)
        document.commentBefore = comment
          .split("\n")
          .map((line) => ` ${line}`)
          .join("\n");
      return document.toString({ lineWidth: 0 });
    })
    .join("---\n");
}
