import { z } from "zod";
import { configErrorFromZod, configIssue, parseYamlText } from "./config-issues.js";
import { TIERS, type RequiredTier, type Tier, type TierBounds, type Unit } from "./types.js";

export const UNITS = ["ms", "ratio", "req/s"] as const satisfies readonly Unit[];

/** Tier names that carry a bound, best first. */
export const BOUNDED_TIERS = [
  "excellent",
  "good",
  "target",
] as const satisfies readonly RequiredTier[];

export interface TierRow extends TierBounds {
  name: string;
  description: string;
  unit: Unit;
}

/** The tier table (thresholds/tiers.yaml), rows by name. */
export interface TierTable {
  file: string;
  rows: ReadonlyMap<string, TierRow>;
}

const rowSchema = z
  .object({
    description: z.string().default(""),
    unit: z.enum(UNITS),
    direction: z.enum(["max", "min"]),
    target: z.number(),
    good: z.number(),
    excellent: z.number(),
  })
  .strict();

export const tierFileSchema = z
  .object({
    version: z.literal(1),
    rows: z.record(z.string().regex(/^[a-z][a-z0-9_]*$/, "row names are snake_case"), rowSchema),
  })
  .strict();

/** Checks that a row's bounds get stricter from target to excellent; returns the problem or null. */
export function findBoundsProblem(bounds: TierBounds): string | null {
  const values = [bounds.target, bounds.good, bounds.excellent];
  if (!values.every(Number.isFinite)) return "bounds must be finite numbers";
  const ordered =
    bounds.direction === "max"
      ? bounds.excellent <= bounds.good && bounds.good <= bounds.target
      : bounds.excellent >= bounds.good && bounds.good >= bounds.target;
  if (!ordered) {
    return bounds.direction === "max"
      ? `bounds must satisfy excellent <= good <= target for direction max (lower is better), got ${bounds.excellent}/${bounds.good}/${bounds.target}`
      : `bounds must satisfy excellent >= good >= target for direction min (higher is better), got ${bounds.excellent}/${bounds.good}/${bounds.target}`;
  }
  return null;
}

/** Parses tiers.yaml text. Throws ConfigError naming the file and field. */
export function parseTierTable(text: string, file: string): TierTable {
  const raw = parseYamlText(text, file, "TIERS_INVALID");
  const parsed = tierFileSchema.safeParse(raw);
  if (!parsed.success)
    throw configErrorFromZod("TIERS_INVALID", file, parsed.error, tierFileSchema);
  const rows = new Map<string, TierRow>();
  for (const [name, row] of Object.entries(parsed.data.rows)) {
    const problem = findBoundsProblem(row);
    if (problem) throw configIssue("TIERS_INVALID", file, ["rows", name], problem);
    rows.set(name, { name, ...row });
  }
  return { file, rows };
}

/**
 * Whether `value` meets `bound`. `max` bounds are strict: the value must be
 * below the bound (the seed writes "<500ms"); `min` bounds are inclusive (the
 * seed writes "1000 req/s" as the least acceptable rate).
 */
export function meetsBound(
  value: number,
  bound: number,
  direction: TierBounds["direction"],
): boolean {
  return direction === "max" ? value < bound : value >= bound;
}

/** The best tier whose bound `value` meets, or `none`. */
export function findTier(value: number, bounds: TierBounds): Tier {
  for (const tier of BOUNDED_TIERS) {
    if (meetsBound(value, bounds[tier], bounds.direction)) return tier;
  }
  return "none";
}

/** Position in TIERS (none=0 … excellent=3), for "at least" comparisons. */
export function rankTier(tier: Tier): number {
  return TIERS.indexOf(tier);
}

/** The lower of two tiers. */
export function lowerTier(a: Tier, b: Tier): Tier {
  return rankTier(a) <= rankTier(b) ? a : b;
}
