/**
 * What describes a run apart from its measurements: where it ran (CI), what
 * judged it (the profile's fingerprint), and an evidence file's header. Types
 * only, imported by the evidence file, the comparison and the verdict alike.
 */

/** Where a run came from, when it ran in CI. */
export interface CiMetadata {
  provider: "github" | "gitlab";
  commit: string | null;
  branch: string | null;
  runUrl: string | null;
}

/** What a run was judged by: the profile's name and a hash of what each objective measures. */
export interface ProfileFingerprint {
  name: string;
  /** Hash over every objective's `hash`, in profile order. */
  objectivesHash: string;
  objectives: { id: string; hash: string }[];
}

/** An evidence file's header: everything but its slices and groups. */
export interface EvidenceHeaderV1 {
  version: 1;
  createdAt: string;
  window: { kind: "steady" | "all" | "range"; from: string; to: string; seconds: number } | null;
  /** Nominal slice length; the edge slices may be up to 1.5× as long. */
  sliceMs: number;
  profile: ProfileFingerprint;
  scenario: string | null;
  k6Version: string | null;
  load: {
    offeredRatePerSecond: number | null;
    achievedRequestRatePerSecond: number | null;
    achievedIterationRatePerSecond: number | null;
  };
  ci: CiMetadata | null;
}
